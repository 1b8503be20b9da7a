//! Writes every export of each sample setup (tests/samples) into the folder given as the first argument, for
//! `make lint` to run shellcheck over the `.sh` files (and for a person to read the others):
//! `cargo run -p setup-export --example sample-scripts -- DIR`.

#[path = "../tests/samples/mod.rs"]
mod samples;

use setup_export::{ExportFormat, ExportSource, export};

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: sample-scripts DIR");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    for (name, inputs) in samples::setups() {
        let source = ExportSource {
            name,
            inputs: &inputs,
        };
        for format in [
            ExportFormat::Json,
            ExportFormat::Terraform,
            ExportFormat::Shell,
        ] {
            let exported = export(&source, format, &samples::origin());
            let path = dir.join(&exported.file_name);
            std::fs::write(&path, exported.text).expect("the folder is writable");
            println!("{}", path.display());
        }
    }
}
