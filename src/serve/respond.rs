//! Answering one request from the last good build: the guard, routing, the live-reload
//! script and stream, and cache headers.

use super::Shared;
use super::guard::{Allowed, Refusal};
use super::http::{self, Reply};
use super::reload::{self, Event, Hub};
use super::wire::{self, Answer, Caching};
use crate::diagnostics::Diagnostic;
use crate::publish::search;
use std::sync::RwLock;

/// An HTML page standing in for the site until its first build succeeds.
fn error_page(errors: &[Diagnostic]) -> Vec<u8> {
    let items: String = errors
        .iter()
        .map(|d| format!("<pre>{}</pre>", crate::markdown::escape(&d.to_string())))
        .collect();
    format!("<!doctype html><html><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><h1>The site does not build yet</h1>{items}<p>Fix the file and save: this page reloads by itself.</p></body></html>").into_bytes()
}

/// The answer to a refused request.
fn refusal(refused: Refusal) -> Answer {
    match refused {
        Refusal::ForeignHost => Answer::text(
            403,
            "This dev server only answers requests for localhost, a loopback address or the address it is bound to.\n",
        ),
        Refusal::Method => Answer::text(405, "The dev server only answers GET and HEAD.\n").with("Allow", "GET, HEAD"),
    }
}

/// Answers one request from the shared state.
pub(super) fn respond(request: tiny_http::Request, shared: &RwLock<Shared>, hub: &Hub, allowed: &Allowed) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if let Some(refused) = allowed.check(request.method(), host.as_deref()) {
        wire::send(request, &refusal(refused), true);
        return;
    }
    let url = request.url().to_string();
    let (output, search_index, build, base_path, errors) = match shared.read() {
        Ok(s) => (
            s.output.clone(),
            s.search.clone(),
            s.build,
            s.base_path.clone(),
            s.errors.clone(),
        ),
        Err(_) => return,
    };
    let path_only = url.split('?').next().unwrap_or("");
    if path_only == reload::EVENTS_PATH {
        let first = Event::Hello {
            build,
            diagnostics: errors,
        };
        hub.stream(request.into_writer(), Some(first));
        return;
    }
    if path_only == reload::SCRIPT_PATH {
        let answer = Answer::new(
            200,
            "text/javascript; charset=utf-8",
            reload::SCRIPT.as_bytes().to_vec(),
        );
        wire::send(request, &answer, false);
        return;
    }
    if output.files.is_empty() {
        // No good build yet: every page explains why and waits for the fix.
        let body = reload::inject(&error_page(errors.as_deref().unwrap_or(&[])), build);
        wire::send(request, &Answer::new(500, "text/html; charset=utf-8", body), false);
        return;
    }
    let html = |bytes: Vec<u8>| reload::inject(&bytes, build);
    // The search bundle lives apart from the pages (the search thread replaces it).
    let in_search = path_only.starts_with(&format!("{base_path}{}/", search::BUNDLE_DIR));
    let files = if in_search { &search_index } else { &output };
    let answer = match http::route(&url, &base_path, files) {
        Reply::File { path, content_type } => match files.read(&path).and_then(Result::ok) {
            Some(bytes) if content_type.starts_with("text/html") => Answer::new(200, content_type, html(bytes)),
            Some(bytes) => {
                let caching = if http::content_named(&path, &bytes) {
                    Caching::Immutable
                } else {
                    Caching::NoStore
                };
                Answer::new(200, content_type, bytes).caching(caching)
            }
            None => Answer::text(404, "not found"),
        },
        // Routing refuses control characters, so a Location can never split the head.
        Reply::Redirect { location, .. } if location.contains(|c: char| c.is_control()) => {
            Answer::text(400, "bad request")
        }
        Reply::Redirect { status, location } => {
            Answer::new(status, "text/plain; charset=utf-8", Vec::new()).with("Location", location)
        }
        Reply::NotFound => {
            let body = output
                .read("404.html")
                .and_then(Result::ok)
                .map(html)
                .unwrap_or_else(|| b"not found".to_vec());
            Answer::new(404, "text/html; charset=utf-8", body)
        }
        Reply::BadRequest => Answer::text(400, "bad request"),
    };
    wire::send(request, &answer, false);
}
