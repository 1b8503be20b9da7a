//! `auth0-eventgrid`: the setup engine on the command line. `setup` runs the four steps (and saves the setup),
//! `status` reports them, `test-event` and `check-endpoint` check that the setup works, `setups`, `verify`
//! and `fix` list, check and repair the saved setups, `export` writes one as JSON, Terraform or a script,
//! `teardown` removes one, `sandbox` starts the local cloud. Exit codes: 0 done, 1 a step failed or is incomplete
//! (or a check did not pass), 2 bad usage or input.
//!
//! A library so that one binary can carry it: `src/main.rs` is the `auth0-eventgrid` binary (development, the
//! tests, the Windows and macOS packages), and on Linux the desktop app runs [`main_with`] when it is started
//! under the name `auth0-eventgrid` (the packages' /usr/bin/auth0-eventgrid is a link to the app).

mod args;
mod export;
mod health;
mod output;
mod remembered;
mod saved;
mod settings;
mod teardown;
mod verify;

use std::process::ExitCode;

use clap::Parser;
use setup_engine::{Engine, EngineOptions, ErrorCode, FrontEnd, ProgressStore, SetupError};

use crate::args::{Cli, Command, Settings};

const DONE: u8 = 0;
const INCOMPLETE: u8 = 1;
const BAD_INPUT: u8 = 2;

/// Runs the command line on `args` (the program's name first, as `std::env::args_os()` gives them) and returns
/// its exit code. Help and `--version` always name the program `auth0-eventgrid`, whatever `args[0]` says.
pub fn main_with<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("auth0-eventgrid: cannot start the async runtime: {e}");
            return ExitCode::from(INCOMPLETE);
        }
    };
    ExitCode::from(runtime.block_on(run(cli)))
}

async fn run(cli: Cli) -> u8 {
    start_logging(cli.log_level());
    match cli.command {
        Command::Sandbox(args) => match cloud_sandbox::cli::run(args).await {
            Ok(()) => DONE,
            Err(e) => {
                eprintln!("auth0-eventgrid sandbox: {e}");
                INCOMPLETE
            }
        },
        Command::Setup {
            settings,
            dry_run,
            name,
            store,
            output,
        } => setup(settings, dry_run, name, store, output.json).await,
        Command::Setups { store, output } => health::setups(&store, output.json),
        Command::Verify {
            setup,
            all,
            send_test_event,
            prometheus,
            settings,
            limits,
            store,
            output,
        } => {
            let target = match (setup, all) {
                (Some(name), _) => health::Target::Named(name),
                (None, true) => health::Target::All,
                (None, false) => health::Target::Flags(Box::new(settings.clone())),
            };
            let request = health::VerifyRequest {
                target,
                settings,
                test_event: send_test_event.then_some(limits),
                prometheus,
                store,
                json: output.json,
            };
            health::verify(request).await
        }
        Command::Fix {
            setup,
            check,
            yes,
            azure_client_certificate,
            progress_file,
            store,
            output,
        } => {
            let settings = Settings {
                azure_client_certificate,
                progress_file,
                ..Settings::default()
            };
            health::fix(&setup, check, yes, settings, &store, output.json).await
        }
        Command::Export {
            setup,
            format,
            output,
            store,
        } => export::export(&setup, format, output.as_deref(), &store),
        Command::Teardown {
            setup,
            yes,
            azure_client_certificate,
            progress_file,
            store,
            output,
        } => {
            let settings = Settings {
                azure_client_certificate,
                progress_file,
                ..Settings::default()
            };
            teardown::run(&setup, yes, settings, &store, output.json).await
        }
        Command::Status { settings, output } => status(settings, output.json).await,
        Command::TestEvent {
            settings,
            limits,
            output,
        } => verify::test_event(settings, limits, output.json).await,
        Command::CheckEndpoint {
            webhook_url,
            output,
        } => verify::check_endpoint(&webhook_url, output.json).await,
    }
}

fn exit_code(error: &SetupError) -> u8 {
    match error.code {
        ErrorCode::InvalidInput
        | ErrorCode::InsecureEndpoint
        | ErrorCode::AzureCloudUnsupported => BAD_INPUT,
        _ => INCOMPLETE,
    }
}

/// Prints `error` worded for the command line (its flags and environment variables) and says how to exit.
fn fail(error: SetupError, json: bool) -> u8 {
    let error = error.for_front_end(FrontEnd::CommandLine);
    output::print_error(&error, json);
    exit_code(&error)
}

/// What a command works with: the engine, the setup's inputs, who it signs in as, and its progress file.
struct Prepared {
    engine: Engine,
    inputs: setup_engine::SetupInputs,
    accounts: setup_store::SetupAccounts,
    progress: ProgressStore,
}

/// What a command needs: credentials from the environment, or else the sign-ins the desktop app remembered. For `setup`, a cloud Auth0 cannot deliver to (Azure Government, China) is refused
/// first, before anything is created; `status` may still look.
async fn prepare(settings: Settings, for_setup: bool) -> Result<Prepared, SetupError> {
    let settings = settings::merge(settings)?;
    let inputs = settings::inputs(&settings)?;
    let env = |name: &str| std::env::var(name).ok();
    let (connection, who) = match remembered::connection(&settings, &env).await? {
        Some(remembered) => remembered,
        None => (
            settings::connection(&settings, &env)?,
            saved::Identities::from_env(&env),
        ),
    };
    if for_setup {
        setup_engine::check_auth0_delivers(&connection.azure_cloud)?;
    }
    let accounts = saved::accounts(&inputs, &connection, &who);
    let progress = saved::progress_store(settings.progress_file.clone())?;
    let engine = Engine::connect(connection, EngineOptions::new(progress.clone()))?;
    // Validate here too, so bad input exits 2 even on paths that would not reach the engine's own check.
    setup_engine::validate(&inputs, engine.validation_context())?;
    Ok(Prepared {
        engine,
        inputs,
        accounts,
        progress,
    })
}

async fn setup(
    settings: Settings,
    dry_run: bool,
    name: Option<String>,
    store: args::StoreArgs,
    json: bool,
) -> u8 {
    let Prepared {
        engine,
        inputs,
        accounts,
        progress: progress_store,
    } = match prepare(settings, true).await {
        Ok(ready) => ready,
        Err(error) => return fail(error, json),
    };
    if dry_run {
        return match engine.plan(&inputs).await {
            Ok(plan) => {
                output::print_report(&plan, json, "Plan (nothing was written):");
                DONE
            }
            Err(error) => fail(error, json),
        };
    }
    let progress = output::Progress::new();
    let outcome = engine.run(&inputs, &progress).await;
    drop(progress);
    // What finished is saved, also when the run stopped half way, so the window's home shows it.
    let created = saved::created(&inputs, outcome.as_ref().ok(), &progress_store);
    let setup = setup_store::NewSetup {
        name: name.clone(),
        inputs: inputs.clone(),
        accounts,
        created,
        replaces: None,
    };
    saved::save_setup(&store, name, setup).await;
    match outcome {
        Ok(report) => {
            output::print_report(
                &report,
                json,
                "Auth0 now streams its logs to Azure Event Grid:",
            );
            if report.complete { DONE } else { INCOMPLETE }
        }
        Err(error) => fail(error, json),
    }
}

async fn status(settings: Settings, json: bool) -> u8 {
    let Prepared { engine, inputs, .. } = match prepare(settings, false).await {
        Ok(ready) => ready,
        Err(error) => return fail(error, json),
    };
    match engine.status(&inputs).await {
        Ok(report) => {
            output::print_report(&report, json, "Status:");
            if report.complete { DONE } else { INCOMPLETE }
        }
        Err(error) => fail(error, json),
    }
}

/// Logs go to stderr (stdout is for results and `--json`), at `level` unless `RUST_LOG` says otherwise, each
/// line without the query of any address it names (a webhook's key), secrets printing as `***` by their type.
fn start_logging(level: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(|| cloud_http::QueryStripping(std::io::stderr()))
        .init();
}
