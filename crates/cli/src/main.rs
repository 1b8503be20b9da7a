//! `auth0-eventgrid`: the setup engine on the command line. `setup` runs the four steps, `status` reports
//! them, `test-event` and `check-endpoint` check that the setup works, `sandbox` starts the local cloud. Exit
//! codes: 0 done, 1 a step failed or is incomplete (or a check did not pass), 2 bad usage or input.

mod args;
mod output;
mod settings;
mod verify;

use std::process::ExitCode;

use clap::Parser;
use setup_engine::{Engine, EngineOptions, ErrorCode, ProgressStore, SetupError};

use crate::args::{Cli, Command, Settings};

const DONE: u8 = 0;
const INCOMPLETE: u8 = 1;
const BAD_INPUT: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let code = match cli.command {
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
            output,
        } => setup(settings, dry_run, output.json).await,
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
    };
    ExitCode::from(code)
}

fn exit_code(error: &SetupError) -> u8 {
    match error.code {
        ErrorCode::InvalidInput
        | ErrorCode::InsecureEndpoint
        | ErrorCode::AzureCloudUnsupported => BAD_INPUT,
        _ => INCOMPLETE,
    }
}

fn fail(error: SetupError, json: bool) -> u8 {
    output::print_error(&error, json);
    exit_code(&error)
}

/// What a command needs. For `setup`, a cloud Auth0 cannot deliver to (Azure Government, China) is refused
/// first, before anything is created; `status` may still look.
fn prepare(
    settings: Settings,
    for_setup: bool,
) -> Result<(Engine, setup_engine::SetupInputs), SetupError> {
    let settings = settings::merge(settings)?;
    let inputs = settings::inputs(&settings)?;
    let env = |name: &str| std::env::var(name).ok();
    let connection = settings::connection(&settings, &env)?;
    if for_setup {
        setup_engine::check_auth0_delivers(&connection.azure_cloud)?;
    }
    let progress = match &settings.progress_file {
        Some(path) => ProgressStore::at(path),
        None => ProgressStore::default_location()?,
    };
    let engine = Engine::connect(connection, EngineOptions::new(progress))?;
    // Validate here too, so bad input exits 2 even on paths that would not reach the engine's own check.
    setup_engine::validate(&inputs, engine.validation_context())?;
    Ok((engine, inputs))
}

async fn setup(settings: Settings, dry_run: bool, json: bool) -> u8 {
    let (engine, inputs) = match prepare(settings, true) {
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
    let (engine, inputs) = match prepare(settings, false) {
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
