//! Live reload: Server-Sent Events to every open page, and the script that listens to them.

use crate::diagnostics::Diagnostic;
use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where pages listen for events.
pub const EVENTS_PATH: &str = "/__quire/events";
/// Where the injected script is served from.
pub const SCRIPT_PATH: &str = "/__quire/live.js";

/// How often an idle stream gets a comment, so proxies and browsers keep it open.
const KEEPALIVE: Duration = Duration::from_secs(10);

/// What a page is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Sent first on every stream: the current build, and its errors if the last rebuild failed.
    Hello {
        /// The build being served.
        build: u64,
        /// The errors of the last rebuild, if it failed.
        diagnostics: Option<Vec<Diagnostic>>,
    },
    /// A new build is in place: reload the page.
    Reload {
        /// The new build.
        build: u64,
    },
    /// Only stylesheets changed: swap these (old URL, new URL) pairs in place.
    Css {
        /// The new build.
        build: u64,
        /// (old URL, new URL) of each stylesheet.
        swap: Vec<(String, String)>,
    },
    /// The last rebuild failed: show these problems over the page.
    Error {
        /// The build still being served.
        build: u64,
        /// What went wrong.
        diagnostics: Vec<Diagnostic>,
    },
}

impl Event {
    /// The event in SSE wire format.
    pub fn to_sse(&self) -> String {
        let diagnostics_json = |ds: &[Diagnostic]| {
            ds.iter()
                .map(|d| serde_json::json!({ "location": d.location(), "message": d.message, "hint": d.hint }))
                .collect::<Vec<_>>()
        };
        let (name, data) = match self {
            Event::Hello { build, diagnostics } => (
                "hello",
                serde_json::json!({ "build": build, "diagnostics": diagnostics.as_deref().map(diagnostics_json) }),
            ),
            Event::Reload { build } => ("reload", serde_json::json!({ "build": build })),
            Event::Css { build, swap } => ("css", serde_json::json!({ "build": build, "swap": swap })),
            Event::Error { build, diagnostics } => (
                "error",
                serde_json::json!({ "build": build, "diagnostics": diagnostics_json(diagnostics) }),
            ),
        };
        format!("event: {name}\ndata: {data}\n\n")
    }
}

/// The open event streams.
#[derive(Clone, Default)]
pub struct Hub {
    clients: Arc<Mutex<Vec<Sender<String>>>>,
}

impl Hub {
    /// Sends `event` to every open page, forgetting the ones that went away.
    pub fn broadcast(&self, event: &Event) {
        let message = event.to_sse();
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.clone()).is_ok());
        }
    }

    /// How many pages are listening.
    pub fn len(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// Whether no page is listening.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        rx
    }

    /// Streams events to one page until it goes away. Runs on the request's own thread and
    /// writes the response itself, flushing after each event: tiny_http's buffered
    /// `Response` would hold small writes back.
    pub fn stream(&self, mut writer: Box<dyn Write + Send>, first: Option<Event>) {
        let rx = self.subscribe();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        if writer.write_all(head.as_bytes()).and_then(|_| writer.flush()).is_err() {
            return;
        }
        if let Some(first) = first
            && writer
                .write_all(first.to_sse().as_bytes())
                .and_then(|_| writer.flush())
                .is_err()
        {
            return;
        }
        loop {
            let chunk = match rx.recv_timeout(KEEPALIVE) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => ": keepalive\n\n".to_string(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if writer.write_all(chunk.as_bytes()).and_then(|_| writer.flush()).is_err() {
                return;
            }
        }
    }
}

/// The `<script>` tag added before `</body>` of every HTML page served.
pub fn script_tag(build: u64) -> String {
    format!("<script src=\"{SCRIPT_PATH}\" data-build=\"{build}\" data-events=\"{EVENTS_PATH}\"></script>")
}

/// Adds the live-reload script to an HTML page.
pub fn inject(html: &[u8], build: u64) -> Vec<u8> {
    let tag = script_tag(build);
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        // Whitespace after `</body>` is parsed into the body, after the script: the script's
        // snapshot of the page would lack it. Nothing follows the script this way.
        Some(i) => format!(
            "{}{tag}{}",
            &text[..i],
            text[i..].split_whitespace().collect::<String>()
        )
        .into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// The script pages load in the dev server (see `live.js` beside this file).
pub const SCRIPT: &str = include_str!("live.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body>\n</html>\n", 7)).unwrap();
        assert!(
            out.ends_with("data-events=\"/__quire/events\"></script></body></html>"),
            "{out}"
        );
        assert!(out.contains("data-build=\"7\""));
    }

    #[test]
    fn events_are_sse_frames() {
        assert_eq!(
            Event::Reload { build: 3 }.to_sse(),
            "event: reload\ndata: {\"build\":3}\n\n"
        );
        let e = Event::Error {
            build: 1,
            diagnostics: vec![Diagnostic::error("site/a.md", 2, 3, "bad")],
        }
        .to_sse();
        assert!(e.starts_with("event: error\ndata: {"));
        assert!(e.contains("\"location\":\"site/a.md:2:3\""), "{e}");
    }

    #[test]
    fn broadcast_drops_closed_clients() {
        let hub = Hub::default();
        let rx = hub.subscribe();
        drop(hub.subscribe());
        hub.broadcast(&Event::Reload { build: 1 });
        assert_eq!(hub.len(), 1);
        assert!(rx.try_recv().unwrap().contains("reload"));
    }
}
