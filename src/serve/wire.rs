//! Writing a whole HTTP response with one `write`.
//!
//! tiny_http's own `Response` writes the head and the body separately through a 1 KiB
//! buffer, and drops any `Connection` header it is given. Two small writes in a row on a
//! kept-alive connection meet Nagle's algorithm on the server and a delayed ACK on the
//! client: every response after the first waited about 40 ms. Writing the response as one
//! buffer (and `TCP_NODELAY` on the socket, see [`listen`]) sends it at once, and lets the
//! server say `Connection: close` when the client asked for it.

use anyhow::{Context, Result};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};

/// A complete response: status, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Headers other than `Content-Length` and `Connection`, which are added when writing.
    pub headers: Vec<(&'static str, String)>,
    /// The body (left out for HEAD, but still counted in `Content-Length`).
    pub body: Vec<u8>,
}

/// How the server uses the browser cache for a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Never cached: pages and anything whose name does not change with its content.
    NoStore,
    /// A file whose name carries the hash of its content: the name never serves other bytes.
    Immutable,
}

impl Answer {
    /// An answer with a body of `content_type`, never cached.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
        .caching(Caching::NoStore)
    }

    /// A short plain-text answer (errors).
    pub fn text(status: u16, body: &str) -> Answer {
        Answer::new(status, "text/plain; charset=utf-8", body.as_bytes().to_vec())
    }

    /// Adds a header.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets `Cache-Control`.
    pub fn caching(mut self, caching: Caching) -> Answer {
        self.headers.retain(|(n, _)| *n != "Cache-Control");
        let value = match caching {
            Caching::NoStore => "no-store",
            Caching::Immutable => "public, max-age=31536000, immutable",
        };
        self.with("Cache-Control", value)
    }

    /// The response on the wire. `head_only` leaves the body out; `close` announces that
    /// the connection ends after it.
    pub fn to_bytes(&self, head_only: bool, close: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + if head_only { 0 } else { self.body.len() });
        let _ = write!(out, "HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        let _ = write!(out, "Content-Length: {}\r\n", self.body.len());
        out.extend_from_slice(if close {
            b"Connection: close\r\n\r\n".as_slice()
        } else {
            b"\r\n".as_slice()
        });
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

/// Whether the client asked to close the connection after this request (HTTP/1.0 does
/// unless it asks for keep-alive).
pub fn client_closes(request: &tiny_http::Request) -> bool {
    let connection = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Connection"))
        .map(|h| h.value.as_str().to_ascii_lowercase());
    match connection {
        Some(v) if v.contains("close") => true,
        Some(v) if v.contains("keep-alive") => false,
        _ => request.http_version() < &tiny_http::HTTPVersion(1, 1),
    }
}

/// Sends `answer` to `request` in one write. `close` forces `Connection: close` (tiny_http
/// then stops reading the connection only if the client asked too, so a server-side close
/// is for answers after which the client is expected to go away).
pub fn send(request: tiny_http::Request, answer: &Answer, close: bool) {
    let head_only = *request.method() == tiny_http::Method::Head;
    let close = close || client_closes(&request);
    let bytes = answer.to_bytes(head_only, close);
    let mut writer = request.into_writer();
    // A client that went away is not an error worth reporting.
    let _ = writer.write_all(&bytes).and_then(|_| writer.flush());
}

/// Binds `addr` with `TCP_NODELAY` set on the listening socket: accepted sockets inherit
/// it, so small writes (an event, a short answer) leave at once.
pub fn listen(addr: SocketAddr) -> Result<TcpListener> {
    let listener = TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    socket2::SockRef::from(&listener)
        .set_tcp_nodelay(true)
        .context("cannot set TCP_NODELAY on the listening socket")?;
    Ok(listener)
}

/// The reason phrase of the statuses the dev server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        500 => "Internal Server Error",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_buffer_with_length_and_close() {
        let a = Answer::text(404, "nope").with("X-A", "b");
        let wire = String::from_utf8(a.to_bytes(false, true)).unwrap();
        assert_eq!(
            wire,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nX-A: b\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope"
        );
        let head = String::from_utf8(a.to_bytes(true, false)).unwrap();
        assert!(head.ends_with("Content-Length: 4\r\n\r\n"), "{head}");
    }

    #[test]
    fn caching_replaces_no_store() {
        let a = Answer::text(200, "x").caching(Caching::Immutable);
        let values: Vec<_> = a.headers.iter().filter(|(n, _)| *n == "Cache-Control").collect();
        assert_eq!(values.len(), 1);
        assert_eq!(values[0].1, "public, max-age=31536000, immutable");
    }
}
