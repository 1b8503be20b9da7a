//! `setups`, `verify` and `fix`: the saved setups on the command line, for people and for cron and monitoring
//! systems. The checks and the fixes are the engine's (`Engine::check_health`, `Engine::apply_fix`), the
//! same the window's home shows; this module only chooses the credentials, runs them, records each report in
//! the store and prints the result: on stdout only the result, progress on stderr only on a terminal.

mod credentials;
mod prometheus;
mod show;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use setup_engine::{
    ArrivalWait, Check, CheckId, CheckState, Engine, EngineOptions, FixId, HealthOptions,
    HealthReport, KnownResources, SetupError, SetupInputs, setup_key,
};
use setup_store::{CheckSince, SavedSetup, SetupAccounts, SetupStore, WebhookKeys};

use crate::args::{Settings, StageLimits, StoreArgs};
use crate::saved::{self, open_store};
use crate::{DONE, INCOMPLETE, Prepared, exit_code, fail, prepare};

use credentials::Credentials;
pub use show::Checked;

/// Which setups `verify` checks.
pub enum Target {
    /// The one the setup flags or `--config` describe (recorded when it is also saved).
    Flags(Box<Settings>),
    /// A saved one, by name.
    Named(String),
    /// Every saved one.
    All,
}

pub struct VerifyRequest {
    pub target: Target,
    /// How to sign in for saved setups (a certificate), where progress goes.
    pub settings: Settings,
    pub test_event: Option<StageLimits>,
    pub prometheus: Option<PathBuf>,
    pub store: StoreArgs,
    pub json: bool,
}

/// `setups`: the saved setups, their last overall state and when it was read.
pub fn setups(store: &StoreArgs, json: bool) -> u8 {
    let listed = open_store(store).and_then(|store| store.list());
    match listed {
        Ok(setups) => {
            show::setups(&setups, json);
            DONE
        }
        Err(error) => fail(error, json),
    }
}

/// `verify`: checks the target's setups concurrently, records each report, prints them, and writes the
/// Prometheus file when asked. Exit 0 when every check is green or amber, 1 when one is red or unknown (or a
/// setup could not be checked), 2 for bad input.
pub async fn verify(request: VerifyRequest) -> u8 {
    let options = HealthOptions {
        test_event: request.test_event.map(|limits| ArrivalWait {
            recorded: Duration::from_secs(limits.recorded_limit),
            metrics: Duration::from_secs(limits.event_grid_limit),
            ..ArrivalWait::default()
        }),
    };
    let results = match request.target {
        Target::Flags(settings) => match verify_flags(*settings, &request.store, &options).await {
            Ok(result) => vec![result],
            Err(error) => return fail(error, request.json),
        },
        Target::Named(name) => {
            let found = open_store(&request.store)
                .and_then(|store| saved::find(&store, &name).map(|setup| (store, setup)));
            match found {
                Ok((store, setup)) => {
                    check_saved_all(store, vec![setup], &request.settings, &options).await
                }
                Err(error) => return fail(error, request.json),
            }
        }
        Target::All => {
            let listed = open_store(&request.store)
                .and_then(|store| store.list().map(|setups| (store, setups)));
            match listed {
                Ok((_, setups)) if setups.is_empty() => {
                    return fail(no_setups(), request.json);
                }
                Ok((store, setups)) => {
                    check_saved_all(store, setups, &request.settings, &options).await
                }
                Err(error) => return fail(error, request.json),
            }
        }
    };
    if let Some(path) = &request.prometheus {
        let checked: Vec<prometheus::Checked<'_>> = results
            .iter()
            .map(|r| prometheus::Checked {
                setup: &r.name,
                tenant: &r.tenant,
                report: r.report.as_ref(),
            })
            .collect();
        if let Err(e) = prometheus::write(path, &prometheus::render(&checked)) {
            let mut error = SetupError::invalid(
                "prometheus",
                format!("could not write {}: {e}", path.display()),
            );
            error.remedy = "Check the path given to --prometheus.".into();
            return fail(error, request.json);
        }
    }
    show::verified(&results, request.json);
    results.iter().map(Checked::exit_code).max().unwrap_or(DONE)
}

fn no_setups() -> SetupError {
    let mut error = SetupError::invalid("all", "there is no saved setup to check");
    error.remedy =
        "Run `auth0-eventgrid setup` (or the desktop app) first, or pass --store with the right file.".into();
    error
}

/// The setup of the flags: checked with the run's credentials, recorded when a saved setup is the same one.
async fn verify_flags(
    settings: Settings,
    store: &StoreArgs,
    options: &HealthOptions,
) -> Result<Checked, SetupError> {
    let Prepared {
        engine,
        inputs,
        accounts,
        progress,
    } = prepare(settings, false).await?;
    let key = setup_key(&inputs);
    // The store is optional here: a setup checked from its flags alone needs none.
    let saved = open_store(store).ok().and_then(|store| {
        let found = store
            .list()
            .ok()?
            .into_iter()
            .find(|s| setup_key(&s.inputs) == key)?;
        Some((store, found))
    });
    let known = match &saved {
        Some((_, setup)) => known_of(setup),
        None => match progress.get(&key) {
            Ok(Some(p)) => KnownResources {
                stream_id: p.stream_id,
                partner_topic: p.partner_topic,
            },
            _ => KnownResources::default(),
        },
    };
    let name = saved
        .as_ref()
        .map_or_else(|| inputs.stream_name.clone(), |(_, s)| s.name.clone());
    say(&format!("Checking {name} ..."));
    let report = engine.check_health(&inputs, &known, options).await?;
    let (id, since) = match saved {
        Some((store, setup)) => (Some(setup.id), record(&store, setup.id, &report).await),
        None => (None, Vec::new()),
    };
    Ok(Checked {
        id,
        name,
        tenant: accounts.auth0_domain,
        report: Some(report),
        since,
        error: None,
    })
}

/// Every setup at once (they wait on the clouds, not on this process; requests to one Auth0 tenant are paced
/// by its client), results in the order given. Setups saved with the same accounts share one engine: one token
/// from each cloud for all of them, where an engine each would ask Auth0 for a machine-to-machine token per
/// setup on every run (Auth0 counts them against a monthly quota) and Azure as often.
async fn check_saved_all(
    store: SetupStore,
    setups: Vec<SavedSetup>,
    flags: &Settings,
    options: &HealthOptions,
) -> Vec<Checked> {
    let keys = match setups.iter().any(|setup| setup.webhook_key_in_keychain) {
        true => Some(WebhookKeys::new(keychain::Keychain::open_system().await)),
        false => None,
    };
    let mut groups: Vec<Vec<(usize, SavedSetup)>> = Vec::new();
    for (at, setup) in setups.into_iter().enumerate() {
        match groups
            .iter_mut()
            .find(|group| group[0].1.accounts == setup.accounts)
        {
            Some(group) => group.push((at, setup)),
            None => groups.push(vec![(at, setup)]),
        }
    }
    let checks = groups
        .into_iter()
        .map(|group| check_group(&store, group, keys.as_ref(), flags, options));
    let mut checked: Vec<(usize, Checked)> = futures::future::join_all(checks)
        .await
        .into_iter()
        .flatten()
        .collect();
    checked.sort_by_key(|(at, _)| *at);
    checked.into_iter().map(|(_, checked)| checked).collect()
}

/// Setups saved with the same accounts, checked at once with one engine; each keeps its place in the list.
async fn check_group(
    store: &SetupStore,
    group: Vec<(usize, SavedSetup)>,
    keys: Option<&WebhookKeys>,
    flags: &Settings,
    options: &HealthOptions,
) -> Vec<(usize, Checked)> {
    let connected = connect(&group[0].1.accounts, flags).await;
    let checks = group.into_iter().map(|(at, setup)| {
        let connected = &connected;
        async move {
            (
                at,
                check_saved(store, setup, connected, keys, options).await,
            )
        }
    });
    futures::future::join_all(checks).await
}

/// One saved setup, with the engine of its accounts: its report, or one saying whom to sign in to.
async fn check_saved(
    store: &SetupStore,
    setup: SavedSetup,
    connected: &Result<Ready<Engine>, SetupError>,
    keys: Option<&WebhookKeys>,
    options: &HealthOptions,
) -> Checked {
    let mut checked = Checked {
        id: Some(setup.id),
        name: setup.name.clone(),
        tenant: setup.accounts.auth0_domain.clone(),
        report: None,
        since: Vec::new(),
        error: None,
    };
    say(&format!("Checking {} ...", setup.name));
    let report = match connected {
        Ok(Ready::Engine(engine)) => {
            let known = known_of(&setup);
            async {
                let inputs = inputs_of(&setup, keys).await?;
                engine.check_health(&inputs, &known, options).await
            }
            .await
        }
        Ok(Ready::SignIn(account)) => Ok(needs_sign_in(account)),
        Err(error) => Err(error.clone()),
    };
    match report {
        Ok(report) => {
            say(&format!(
                "{}: {}",
                setup.name,
                show::state_word(report.overall)
            ));
            checked.since = record(store, setup.id, &report).await;
            checked.report = Some(report);
        }
        Err(error) => checked.error = Some(error),
    }
    checked
}

/// An engine signed in as a setup's accounts (with what goes with it), or the accounts to sign in to first.
pub(crate) enum Ready<T = (Engine, SetupInputs)> {
    Engine(Box<T>),
    SignIn(String),
}

/// The engine for a saved setup's accounts, and its inputs with the webhook's key back from the keychain.
pub(crate) async fn engine_for(setup: &SavedSetup, flags: &Settings) -> Result<Ready, SetupError> {
    match connect(&setup.accounts, flags).await? {
        Ready::Engine(engine) => {
            let inputs = inputs_of(setup, None).await?;
            Ok(Ready::Engine(Box::new((*engine, inputs))))
        }
        Ready::SignIn(account) => Ok(Ready::SignIn(account)),
    }
}

async fn connect(accounts: &SetupAccounts, flags: &Settings) -> Result<Ready<Engine>, SetupError> {
    let env = |name: &str| std::env::var(name).ok();
    let connection = match credentials::for_setup(accounts, flags, &env).await? {
        Credentials::Ready(connection) => *connection,
        Credentials::SignIn(account) => return Ok(Ready::SignIn(account)),
    };
    let progress = saved::progress_store(flags.progress_file.clone())?;
    let engine = Engine::connect(connection, EngineOptions::new(progress))?;
    Ok(Ready::Engine(Box::new(engine)))
}

/// A saved setup's inputs, with the webhook's key back from the keychain (`keys`, or the system keychain opened
/// for it) when it was kept there.
async fn inputs_of(
    setup: &SavedSetup,
    keys: Option<&WebhookKeys>,
) -> Result<SetupInputs, SetupError> {
    if !setup.webhook_key_in_keychain {
        return Ok(setup.inputs.clone());
    }
    match keys {
        Some(keys) => keys.restore(setup).await,
        None => {
            WebhookKeys::new(keychain::Keychain::open_system().await)
                .restore(setup)
                .await
        }
    }
}

pub(crate) fn known_of(setup: &SavedSetup) -> KnownResources {
    KnownResources {
        stream_id: setup.created.stream_id.clone(),
        partner_topic: setup.created.partner_topic.clone(),
    }
}

/// Records the report; a store that cannot take it is said on stderr, the check's result stands.
async fn record(store: &SetupStore, id: i64, report: &HealthReport) -> Vec<CheckSince> {
    let (store, report) = (store.clone(), report.clone());
    let recorded = tokio::task::spawn_blocking(move || store.record_health(id, &report)).await;
    match recorded {
        Ok(Ok(change)) => change.since,
        Ok(Err(error)) => {
            eprintln!(
                "The check was not recorded: {} {}",
                error.message, error.remedy
            );
            Vec::new()
        }
        Err(join) => {
            eprintln!("The check was not recorded: {join}");
            Vec::new()
        }
    }
}

/// Every check `unknown`, saying whom to sign in to (the engine's words, the window's too).
fn needs_sign_in(account: &str) -> HealthReport {
    HealthReport::needs_sign_in(account, time::OffsetDateTime::now_utc())
}

/// Progress, on a terminal only: cron mail and monitoring logs get nothing but the result.
fn say(text: &str) {
    if std::io::stderr().is_terminal() {
        eprintln!("{text}");
    }
}

/// `fix`: checks the setup, then for each fix its checks offer (or the one of `--check`), says what it will do
/// and, once agreed (`--yes`, or yes on a terminal), applies it; each report recorded. Exits as `verify`.
pub async fn fix(
    name: &str,
    only: Option<CheckId>,
    yes: bool,
    flags: Settings,
    store: &StoreArgs,
    json: bool,
) -> u8 {
    let found = open_store(store).and_then(|store| saved::find(&store, name).map(|s| (store, s)));
    let (store, setup) = match found {
        Ok(found) => found,
        Err(error) => return fail(error, json),
    };
    let (engine, inputs) = match engine_for(&setup, &flags).await {
        Ok(Ready::Engine(ready)) => *ready,
        Ok(Ready::SignIn(account)) => {
            let report = needs_sign_in(&account);
            let since = record(&store, setup.id, &report).await;
            return finish(&setup, report, since, json);
        }
        Err(error) => return fail(error, json),
    };
    let known = known_of(&setup);
    let mut report = match engine
        .check_health(&inputs, &known, &HealthOptions::default())
        .await
    {
        Ok(report) => report,
        Err(error) => return fail(error, json),
    };
    let mut since = record(&store, setup.id, &report).await;
    let mut tried: Vec<FixId> = Vec::new();
    let mut offered = false;
    while let Some(check) = next_fix(&report, only, &tried) {
        let Some(fix) = check.fix.clone() else { break };
        offered = true;
        tried.push(fix.id);
        eprintln!("{}", show::fix_plan(&check, &fix));
        if !yes {
            match ask() {
                Answer::Yes => {}
                Answer::No => continue,
                Answer::NoTerminal => {
                    let mut error = SetupError::invalid(
                        "yes",
                        "fix asks before it changes anything, and there is no terminal to ask on",
                    );
                    error.remedy =
                        "Pass --yes to apply the fixes said above without asking.".into();
                    return fail(error, json);
                }
            }
        }
        let progress = crate::output::Progress::new();
        let applied = engine.apply_fix(&inputs, &known, fix.id, &progress).await;
        drop(progress);
        report = match applied {
            Ok(report) => report,
            Err(error) => return fail(error, json),
        };
        since = record(&store, setup.id, &report).await;
    }
    if !offered {
        let what = match only {
            Some(id) => format!("The check {} offers no fix now.", show::id_name(&id)),
            None => "No check offers a fix now.".into(),
        };
        eprintln!("{what}");
    }
    finish(&setup, report, since, json)
}

/// The first check (of `only`, if given) offering a fix not tried yet.
fn next_fix(report: &HealthReport, only: Option<CheckId>, tried: &[FixId]) -> Option<Check> {
    report
        .checks
        .iter()
        .filter(|c| only.is_none_or(|id| c.id == id))
        .find(|c| c.fix.as_ref().is_some_and(|f| !tried.contains(&f.id)))
        .cloned()
}

fn finish(setup: &SavedSetup, report: HealthReport, since: Vec<CheckSince>, json: bool) -> u8 {
    let checked = Checked {
        id: Some(setup.id),
        name: setup.name.clone(),
        tenant: setup.accounts.auth0_domain.clone(),
        report: Some(report),
        since,
        error: None,
    };
    show::verified(std::slice::from_ref(&checked), json);
    checked.exit_code()
}

enum Answer {
    Yes,
    No,
    NoTerminal,
}

fn ask() -> Answer {
    if !std::io::stdin().is_terminal() {
        return Answer::NoTerminal;
    }
    eprint!("Apply this fix? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return Answer::No;
    }
    match line.trim().to_lowercase().as_str() {
        "y" | "yes" => Answer::Yes,
        _ => Answer::No,
    }
}

impl Checked {
    fn exit_code(&self) -> u8 {
        if let Some(error) = &self.error {
            return exit_code(error);
        }
        match self.report.as_ref().map(|r| r.overall) {
            Some(CheckState::Green | CheckState::Amber) => DONE,
            _ => INCOMPLETE,
        }
    }
}
