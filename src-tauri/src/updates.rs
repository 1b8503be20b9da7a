//! Updates from the distributor's release endpoint. A build that names a public key and an endpoint
//! (`update_release`) registers Tauri's updater plugin with them and, once the window is up, asks the endpoint
//! whether a newer signed release exists; when one does, a native dialog offers to install it. A build without
//! them registers no updater at all. Either way the window is granted none of the updater's commands: the check
//! runs in Rust, so no capability names the plugin.

use tauri::Runtime;
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons};
use tauri_plugin_updater::UpdaterExt;

pub use crate::update_release::UpdateRelease;
use crate::update_release::from_build;

/// The release this binary was built to check, from the variables read at compile time (`build.rs` has refused
/// a build where they are half set or wrong).
pub fn compiled_in() -> Option<UpdateRelease> {
    from_build(
        option_env!("AUTH0_EVENTGRID_UPDATER_PUBKEY"),
        option_env!("AUTH0_EVENTGRID_UPDATER_ENDPOINT"),
    )
    .expect("build.rs checked the updater variables")
}

/// The updater plugin's configuration (`plugins.updater` in Tauri's config) for a release. Every package this
/// project ships is signed for its version (`scripts/bundle.sh`), so a signature that names no version, or
/// another version than the endpoint announces, is refused: without it an old, validly signed package could be
/// served as a new one.
pub fn plugin_config(release: &UpdateRelease) -> serde_json::Value {
    serde_json::json!({
        "pubkey": release.pubkey,
        "endpoints": [release.endpoint],
        "requireSignedVersion": true,
    })
}

/// Puts the release into the app's configuration, where the updater plugin reads it; without a release the
/// configuration keeps no updater section.
pub fn configure<R: Runtime>(context: &mut tauri::Context<R>, release: Option<&UpdateRelease>) {
    let plugins = &mut context.config_mut().plugins.0;
    match release {
        Some(release) => plugins.insert("updater".into(), plugin_config(release)),
        None => plugins.remove("updater"),
    };
}

/// Registers the updater plugin when there is a release to check, and nothing otherwise.
pub fn register<R: Runtime>(
    builder: tauri::Builder<R>,
    release: Option<&UpdateRelease>,
) -> tauri::Builder<R> {
    match release {
        Some(_) => builder.plugin(tauri_plugin_updater::Builder::new().build()),
        None => builder,
    }
}

/// With a release, checks it once as the app starts (in the background) and offers a newer one; without, adds
/// nothing. Failures (offline, the endpoint down, a bad answer or signature) are logged and change nothing: the
/// app works on without updates.
pub fn check_at_start<R: Runtime>(
    builder: tauri::Builder<R>,
    release: Option<&UpdateRelease>,
) -> tauri::Builder<R> {
    if release.is_none() {
        return builder;
    }
    let check = tauri::plugin::Builder::<R>::new("update-check")
        .setup(|app, _| {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(error) = check_and_offer(&app).await {
                    tracing::warn!(%error, "the update check failed");
                }
            });
            Ok(())
        })
        .build();
    builder.plugin(check)
}

async fn check_and_offer<R: Runtime>(
    app: &tauri::AppHandle<R>,
) -> tauri_plugin_updater::Result<()> {
    let Some(update) = app.updater()?.check().await? else {
        tracing::info!("no newer release");
        return Ok(());
    };
    tracing::info!(version = %update.version, "a newer release is available");
    let (answer, answered) = tokio::sync::oneshot::channel();
    app.dialog()
        .message(format!(
            "Version {} of Auth0 Event Grid Setup is available (this is {}). Install it now? The app restarts when it is done.",
            update.version, update.current_version
        ))
        .title("An update is available")
        .buttons(MessageDialogButtons::OkCancelCustom(
            "Install and restart".into(),
            "Later".into(),
        ))
        .show(move |install| {
            let _ = answer.send(install);
        });
    if !answered.await.unwrap_or(false) {
        return Ok(());
    }
    update.download_and_install(|_, _| {}, || {}).await?;
    tracing::info!(version = %update.version, "update installed, restarting");
    app.restart();
}
