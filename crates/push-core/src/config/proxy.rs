//! The proxy Push's HTTPS traffic may go through, and which destinations it applies to.

use std::fmt;

use super::environment::redact_userinfo;
use crate::ValidationError;

/// An HTTP proxy for Push's HTTPS traffic, used only through `CONNECT` tunnels: the proxy sees
/// the host name and encrypted bytes, never the token or a body. A plaintext base URL (loopback
/// only) never goes through a proxy, and none is used unless configured:
/// [`ClientBuilder::proxy`](crate::ClientBuilder::proxy), or [`ClientBuilder::proxy_from_env`](crate::ClientBuilder::proxy_from_env) for `HTTPS_PROXY` /
/// `ALL_PROXY` (upper or lower case) with `NO_PROXY`.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    url: String,
    host: String,
    port: u16,
    no_proxy: Vec<String>,
    /// `NO_PROXY` as given, for matchers of the transports' own (CIDR entries, say).
    no_proxy_list: String,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &redact_userinfo(&self.url))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl Proxy {
    /// `http://[user:password@]host[:port]` (port 80 by default): the proxy is reached in
    /// plaintext and tunnels TLS to Push.
    pub fn new(url: &str) -> Result<Self, ValidationError> {
        // A bare `host:port`, as some environments set it, means http.
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let invalid = || ValidationError::new("proxy", "must be an http://host:port URL");
        let parsed: http::Uri = with_scheme.parse().map_err(|_| invalid())?;
        let (Some(scheme), Some(authority)) = (parsed.scheme_str(), parsed.authority()) else {
            return Err(invalid());
        };
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(ValidationError::new(
                "proxy",
                "must be an http:// proxy (it tunnels TLS with CONNECT)",
            ));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(ValidationError::new("proxy", "must name a host"));
        }
        let rest = &with_scheme[with_scheme.find("://").map_or(0, |i| i + 3)..];
        if rest.trim_end_matches('/').contains(['/', '?', '#']) {
            return Err(ValidationError::new(
                "proxy",
                "must be a bare http://host:port",
            ));
        }
        // `http::Uri` takes any digits as a port; a port that is not one is refused, not
        // defaulted.
        let port = match authority.as_str().rsplit_once(':') {
            Some((_, digits)) if !digits.ends_with(']') && !digits.is_empty() => {
                match digits.parse::<u16>() {
                    Ok(port) if port > 0 => port,
                    _ => {
                        return Err(ValidationError::new(
                            "proxy",
                            "port must be a number from 1 to 65535",
                        ));
                    }
                }
            }
            _ => 80,
        };
        Ok(Self {
            url: format!("http://{}", authority.as_str()),
            port,
            host: host.to_owned(),
            no_proxy: Vec::new(),
            no_proxy_list: String::new(),
        })
    }

    /// Hosts that bypass the proxy, as `NO_PROXY` writes them: comma-separated names, where
    /// `example.com` and `.example.com` match the domain and its subdomains, and `*` matches all.
    pub fn with_no_proxy(mut self, list: &str) -> Self {
        self.no_proxy = list
            .split(',')
            .map(|entry| entry.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|entry| !entry.is_empty())
            .collect();
        list.clone_into(&mut self.no_proxy_list);
        self
    }

    /// The `NO_PROXY` list as given (push-hyper matches it with hyper-util's matcher, which
    /// reads CIDR entries such as `10.0.0.0/8` as well as names).
    pub fn no_proxy_list(&self) -> &str {
        &self.no_proxy_list
    }

    /// The proxy the standard variables name, through `lookup`: `HTTPS_PROXY`, else
    /// `ALL_PROXY` (each upper case first, then lower case), with `NO_PROXY`. `HTTP_PROXY` is
    /// ignored: it is for plaintext traffic, which never goes through a proxy.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ValidationError> {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.trim().is_empty()))
        };
        let Some(url) = var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) else {
            return Ok(None);
        };
        let proxy = Self::new(url.trim())?;
        Ok(Some(match var(&["NO_PROXY", "no_proxy"]) {
            Some(list) => proxy.with_no_proxy(&list),
            None => proxy,
        }))
    }

    /// The URL, credentials included: for the transport, never for a log.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The proxy's host and port.
    pub fn host_and_port(&self) -> (&str, u16) {
        (&self.host, self.port)
    }

    /// The `user:password` of the URL, percent-decoded, for `Proxy-Authorization: Basic`.
    pub fn credentials(&self) -> Option<(String, String)> {
        let authority = self.url.strip_prefix("http://")?;
        let (userinfo, _) = authority.rsplit_once('@')?;
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        if user.is_empty() {
            return None;
        }
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        };
        Some((decode(user), decode(password)))
    }

    /// Whether a request to `uri` goes through this proxy: only HTTPS (the proxy sees a
    /// `CONNECT` and TLS records), and only to a host not on the `NO_PROXY` list. Plaintext
    /// never goes through a proxy, whichever host it is for.
    pub fn routes(&self, uri: &http::Uri) -> bool {
        uri.scheme() == Some(&http::uri::Scheme::HTTPS)
            && uri.host().is_some_and(|host| self.applies_to(host))
    }

    /// False when `host` is on the `NO_PROXY` list.
    pub fn applies_to(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        !self.no_proxy.iter().any(|entry| {
            entry == "*"
                || host == *entry
                || host
                    .strip_suffix(entry.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}
