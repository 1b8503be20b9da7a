//! `teardown`: removes what a saved setup created. The plan is the engine's (`Engine::plan_teardown`): it is
//! printed first (what is removed, in order, and what is kept and why), then agreed (`--yes`, or yes on a
//! terminal; never assumed without a terminal), then carried out by `Engine::teardown`, each delete said on
//! stderr as it starts. After a teardown that finished, the setup is forgotten from the store with its
//! webhook key; one that stopped (a delete failed) keeps it, so running the command again resumes.

use std::io::{BufRead, IsTerminal, Write};

use serde_json::json;
use setup_engine::{
    KeptResource, SetupError, TeardownItem, TeardownKind, TeardownPlan, TeardownReport,
    TeardownScope,
};
use setup_store::{SavedSetup, SetupStore, WebhookKeys};

use crate::args::{Settings, StoreArgs};
use crate::health::{Ready, engine_for, known_of};
use crate::saved::{self, open_store};
use crate::{DONE, INCOMPLETE, fail};

pub async fn run(name: &str, yes: bool, flags: Settings, store: &StoreArgs, json: bool) -> u8 {
    match teardown(name, yes, flags, store, json).await {
        Ok(code) => code,
        Err(error) => fail(error, json),
    }
}

async fn teardown(
    name: &str,
    yes: bool,
    flags: Settings,
    store: &StoreArgs,
    json: bool,
) -> Result<u8, SetupError> {
    let store = open_store(store)?;
    let setup = saved::find(&store, name)?;
    let (engine, inputs) = match engine_for(&setup, &flags).await? {
        Ready::Engine(ready) => *ready,
        Ready::SignIn(account) => {
            return Err(SetupError::new(
                setup_engine::ErrorCode::SignInAgain,
                format!("Removing \u{201c}{}\u{201d} needs {account}.", setup.name),
                "Set the credentials of the setup's accounts in the environment (as for `setup`), or sign in \
                 with the desktop app, then run `auth0-eventgrid teardown` again.",
            ));
        }
    };
    let scope = TeardownScope {
        known: known_of(&setup),
        resource_group_created: setup.created.resource_group_created,
    };
    let plan = engine.plan_teardown(&inputs, &scope).await?;
    let shown = plan_text(&setup.name, &plan);
    if json {
        eprint!("{shown}");
    } else {
        print!("{shown}");
    }
    if !plan.remove.is_empty() && !yes {
        match ask(plan.remove.len()) {
            Answer::Yes => {}
            Answer::No => {
                eprintln!("Nothing was removed.");
                return Ok(INCOMPLETE);
            }
            Answer::NoTerminal => {
                let mut error = SetupError::invalid(
                    "yes",
                    "teardown asks before it deletes anything, and there is no terminal to ask on",
                );
                error.remedy =
                    "Pass --yes to remove what the plan above lists without asking.".into();
                return Err(error);
            }
        }
    }
    let say = |item: &TeardownItem| eprintln!("{} ...", item.action);
    let report = engine
        .teardown_observed(&inputs, &scope, &plan, &say)
        .await?;
    forget(&store, &setup).await;
    if json {
        let document = json!({"setup": setup.name, "plan": plan, "removed": report.removed,
                              "kept": report.kept, "forgotten": true});
        println!("{document}");
    } else {
        print!("{}", report_text(&setup.name, &report));
    }
    Ok(DONE)
}

/// The setup leaves the store, and its webhook key the keychain; a failure is said, the clouds are done.
async fn forget(store: &SetupStore, setup: &SavedSetup) {
    if let Err(error) = store.forget(setup.id) {
        eprintln!(
            "The setup was not forgotten: {} {}",
            error.message, error.remedy
        );
    }
    if setup.webhook_key_in_keychain {
        let keys = WebhookKeys::new(keychain::Keychain::open_system().await);
        if let Err(error) = keys.forget(setup.id).await {
            eprintln!(
                "The webhook address's key was not removed from the keychain: {} {}",
                error.message, error.remedy
            );
        }
    }
}

fn kind_words(kind: TeardownKind) -> &'static str {
    match kind {
        TeardownKind::EventSubscription => "event subscription",
        TeardownKind::LogStream => "log stream",
        TeardownKind::PartnerTopic => "partner topic",
        TeardownKind::PartnerAuthorization => "partner authorization",
        TeardownKind::ResourceGroup => "resource group",
    }
}

fn kept_lines(out: &mut String, kept: &[KeptResource]) {
    for k in kept {
        out.push_str(&format!(
            "  - the {} {}: {}\n",
            kind_words(k.kind),
            k.name,
            k.reason
        ));
    }
}

fn plan_text(setup: &str, plan: &TeardownPlan) -> String {
    let mut out = format!("Teardown of \u{201c}{setup}\u{201d}:\n");
    if plan.remove.is_empty() {
        out.push_str("Nothing to remove: what the setup created is gone.\n");
    } else {
        out.push_str("Remove, in this order:\n");
        for (n, item) in plan.remove.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", n + 1, item.action));
        }
    }
    if !plan.keep.is_empty() {
        out.push_str("Keep:\n");
        kept_lines(&mut out, &plan.keep);
    }
    out
}

fn report_text(setup: &str, report: &TeardownReport) -> String {
    let mut out = String::new();
    if report.removed.is_empty() {
        out.push_str("Nothing was removed (nothing was left to remove).\n");
    } else {
        out.push_str("Removed:\n");
        for item in &report.removed {
            out.push_str(&format!(
                "  - the {} {}\n",
                kind_words(item.kind),
                item.name
            ));
        }
    }
    if !report.kept.is_empty() {
        out.push_str("Kept:\n");
        kept_lines(&mut out, &report.kept);
    }
    out.push_str(&format!(
        "\u{201c}{setup}\u{201d} is no longer a saved setup.\n"
    ));
    out
}

enum Answer {
    Yes,
    No,
    NoTerminal,
}

fn ask(count: usize) -> Answer {
    if !std::io::stdin().is_terminal() {
        return Answer::NoTerminal;
    }
    eprint!("Remove these {count} resource(s)? [y/N] ");
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
