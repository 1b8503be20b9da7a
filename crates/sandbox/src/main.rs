//! `cloud-sandbox`: runs the local Auth0 tenant and Azure; prints one JSON line describing them on stdout.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = cloud_sandbox::cli::Args::parse();
    match cloud_sandbox::cli::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cloud-sandbox: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
