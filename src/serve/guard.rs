//! Which requests the dev server answers at all.
//!
//! A page on another site can make the browser send requests to `127.0.0.1`, and a host
//! name of an attacker's that resolves to 127.0.0.1 (DNS rebinding) makes those requests
//! same-origin for that page, so it could read the pages and the build errors. Such a
//! request still carries the attacker's name in `Host`, so only requests naming the bound
//! address, `localhost` or a loopback address are answered. Only GET and HEAD are.

use std::net::IpAddr;

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The `Host` header names something else than this server (403).
    ForeignHost,
    /// A method other than GET and HEAD (405, with `Allow`).
    Method,
}

/// What requests may name in `Host`.
#[derive(Debug, Clone)]
pub struct Allowed {
    /// The address the server is bound to.
    pub bind: IpAddr,
    /// The port it listens on.
    pub port: u16,
}

impl Allowed {
    /// Whether `host` (a `Host` header value: name or address, optional port) is this server.
    pub fn host(&self, host: &str) -> bool {
        let host = host.trim();
        let (name, port) = split_host(host);
        if port.is_some_and(|p| p != self.port) || name.is_empty() {
            return false;
        }
        let name = name.to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            // RFC 6761: *.localhost always resolves to loopback.
            return true;
        }
        match name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            // An address is never a rebinding name. Bound to every interface, the server
            // is reached by any of its addresses.
            Ok(ip) => ip.is_loopback() || ip == self.bind || self.bind.is_unspecified(),
            Err(_) => false,
        }
    }

    /// Checks a request's method and `Host`; `None` means answer it.
    pub fn check(&self, method: &tiny_http::Method, host: Option<&str>) -> Option<Refusal> {
        if !host.is_some_and(|h| self.host(h)) {
            return Some(Refusal::ForeignHost);
        }
        if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
            return Some(Refusal::Method);
        }
        None
    }
}

/// `name:port`, `[v6]:port`, `name` → (name, port). A port that is not a number gives
/// port 0, which never matches.
fn split_host(host: &str) -> (&str, Option<u16>) {
    let port = |p: &str| Some(p.parse().unwrap_or(0));
    if let Some(rest) = host.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((addr, "")) => (addr, None),
            Some((addr, tail)) => (addr, tail.strip_prefix(':').map_or(Some(0), port)),
            None => ("", None),
        };
    }
    match host.rsplit_once(':') {
        // A bare IPv6 address without brackets is not a valid Host.
        Some((name, _)) if name.contains(':') => ("", None),
        Some((name, p)) => (name, port(p)),
        None => (host, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> Allowed {
        Allowed {
            bind: "127.0.0.1".parse().unwrap(),
            port: 8000,
        }
    }

    #[test]
    fn loopback_names_and_addresses_pass() {
        let a = loopback();
        for h in [
            "127.0.0.1:8000",
            "127.0.0.1",
            "localhost:8000",
            "LOCALHOST",
            "docs.localhost:8000",
            "127.1.2.3:8000",
            "[::1]:8000",
            "[::1]",
        ] {
            assert!(a.host(h), "{h}");
        }
    }

    #[test]
    fn other_names_ports_and_addresses_are_refused() {
        let a = loopback();
        for h in [
            "evil.example:8000",
            "evil.example",
            "127.0.0.1.nip.io:8000",
            "localhost.evil.example",
            "127.0.0.1:8001",
            "localhost:80",
            "192.168.1.9:8000",
            "[::1]:9",
            "::1",
            "127.0.0.1:x",
            "",
            ":8000",
        ] {
            assert!(!a.host(h), "{h}");
        }
    }

    #[test]
    fn bound_address_and_every_interface() {
        let lan = Allowed {
            bind: "192.168.1.9".parse().unwrap(),
            port: 8000,
        };
        assert!(lan.host("192.168.1.9:8000"));
        assert!(!lan.host("10.0.0.1:8000"));
        let all = Allowed {
            bind: "0.0.0.0".parse().unwrap(),
            port: 8000,
        };
        assert!(all.host("10.0.0.1:8000"));
        assert!(!all.host("rebind.example:8000"), "names still have to be local");
    }

    #[test]
    fn methods_and_missing_host() {
        let a = loopback();
        assert_eq!(a.check(&tiny_http::Method::Get, Some("localhost:8000")), None);
        assert_eq!(a.check(&tiny_http::Method::Head, Some("localhost:8000")), None);
        assert_eq!(
            a.check(&tiny_http::Method::Post, Some("localhost:8000")),
            Some(Refusal::Method)
        );
        assert_eq!(a.check(&tiny_http::Method::Get, None), Some(Refusal::ForeignHost));
        assert_eq!(
            a.check(&tiny_http::Method::Options, Some("evil.example:8000")),
            Some(Refusal::ForeignHost)
        );
    }
}
