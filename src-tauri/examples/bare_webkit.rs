//! The floor of `make bench`: a bare WebKitGTK window (GTK 3 and WebKitGTK 4.1, the libraries every Tauri app on
//! Linux links) showing a static page, with no app around it. It reports its first paint the way the app does
//! (after two animation frames) by printing `window painted` on stderr, then stays open until killed, so its
//! memory can be read beside the app's.
//!
//! It draws as WebKitGTK does by default (accelerated compositing on demand); with `BENCH_FLOOR_COMPOSITING=never`
//! it draws as the app does (src/rendering.rs: the hardware acceleration policy "never"), so `make bench` can
//! show the app beside both.

#[cfg(target_os = "linux")]
fn main() {
    use gtk::prelude::*;
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, UserContentManagerExt, WebViewExt};

    let started = std::time::Instant::now();
    gtk::init().expect("GTK could not start: is there a display?");
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_default_size(1040, 720);
    window.set_title("bare WebKitGTK");

    let content = webkit2gtk::UserContentManager::new();
    content.register_script_message_handler("painted");
    content.connect_script_message_received(Some("painted"), move |_, _| {
        eprintln!(
            "window painted elapsed_ms={}",
            started.elapsed().as_millis()
        );
    });
    let webview = webkit2gtk::WebView::with_user_content_manager(&content);
    if std::env::var("BENCH_FLOOR_COMPOSITING").as_deref() == Ok("never")
        && let Some(settings) = WebViewExt::settings(&webview)
    {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
    webview.load_html(PAGE, None);
    window.add(&webview);
    window.connect_destroy(|_| gtk::main_quit());
    window.show_all();
    gtk::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("the bare WebKitGTK window is the floor on Linux only");
}

/// A static page about as large as the welcome page's text, painted without any script of its own but the report.
const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Floor</title>
<style>body{font-family:sans-serif;margin:3rem;max-width:40rem}</style></head>
<body><h1>Connect Auth0 to Azure Event Grid</h1>
<p>A static page: the floor a WebKitGTK window stands on before any app code runs.</p>
<button>Connect my Auth0 and Azure</button> <button>Try it without accounts</button>
<script>requestAnimationFrame(() => requestAnimationFrame(() => window.webkit.messageHandlers.painted.postMessage(1)));</script>
</body></html>"#;
