//! How a scheduled run tells someone: a desktop notification where a
//! user's session bus is there to carry it, and the run's JSON summary
//! POSTed to `[notify] webhook` (through the one HTTP client; the address
//! is a secret and never shown whole).

use std::path::PathBuf;
use std::time::Duration;

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::settings::Settings;

/// The session bus of the user running toolup, when there is one: the
/// address the session gave, or the user manager's socket.
fn session_bus() -> Option<String> {
    if let Some(address) = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .ok()
        .filter(|a| !a.is_empty())
    {
        return Some(address);
    }
    let socket = PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR")?).join("bus");
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(&socket)
        .ok()
        .filter(|m| m.file_type().is_socket())
        .map(|_| format!("unix:path={}", socket.display()))
}

/// A desktop notification (`notify-send`), where a session bus exists and
/// `notify-send` is on PATH; `urgent` for a failure.
pub fn desktop(title: &str, body: &str, urgent: bool) {
    let Some(bus) = session_bus() else {
        tracing::debug!("no session bus: no desktop notification");
        return;
    };
    let Some(program) = Host::current().which("notify-send") else {
        tracing::debug!("notify-send is not on PATH: no desktop notification");
        return;
    };
    let args = [
        "--app-name=toolup".to_owned(),
        format!("--urgency={}", if urgent { "critical" } else { "normal" }),
        title.to_owned(),
        body.to_owned(),
    ];
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.as_str())];
    let request =
        crate::exec::ProcessRequest::query(&program, &args, Duration::from_secs(10)).env(&env);
    if let Err(e) = crate::exec::run(&request) {
        tracing::debug!("notify-send: {e}");
    }
}

/// POSTs `summary` to `[notify] webhook`, when one is configured and the
/// run may use the network; a failure is a warning, never the run's.
pub fn webhook(settings: &Settings, printer: Printer, summary: &serde_json::Value) {
    let Some(url) = settings.config.notify_webhook.as_deref() else {
        return;
    };
    let host = crate::upstream::host_of(url).to_owned();
    if settings.offline {
        printer.note(&format!(
            "not notifying the webhook ({host}): offline, no socket is opened"
        ));
        return;
    }
    let body = match serde_json::to_vec(summary) {
        Ok(b) => b,
        Err(e) => {
            printer.warn(&format!("the run's summary: {e}"));
            return;
        }
    };
    let client = crate::upstream::HttpClient::new(settings.http_options());
    match client.post(url, "application/json", &body) {
        Ok(status) => tracing::info!(host = %host, status, "webhook notified"),
        Err(why) => printer.warn(&format!("the webhook was not notified: {why}")),
    }
}
