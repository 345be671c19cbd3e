//! The job-finished callback (contract §6).
//!
//! Each time a job reaches a final status (once, unless a step operation such as a retry
//! reopens it and it ends again, contract bk-job-api-more.md §3.6): POST the JSON body
//! `{"job_instance_id","status","step_instances":[{"step_instance_id","status"}]}` with
//! `Content-Type: application/json`. Success is HTTP 200; on anything else BK-JOB retries once
//! with the SAME JSON string as body but `Content-Type: application/x-www-form-urlencoded`,
//! then gives up. Plain HTTP only here: https callbacks are logged as unsupported.
//!
//! **Callbacks cannot be aimed inward.** A launch names any URL, and this server sits inside
//! the user's machine or network: a callback to `127.0.0.1`, a private range or the cloud
//! metadata address (`169.254.169.254`) would let a caller make the server knock on doors it
//! can reach and they cannot. So the address a URL names or resolves to is classified
//! ([`classify`]) and checked against the [`AddrPolicy`] twice: at launch (refused with
//! BK-JOB's callback message, 1240003) and at send time, where the connector only ever
//! connects to an address that passed (a name that resolved to a public address at launch and
//! to a private one later — DNS rebinding — is skipped with a logged reason).

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bkjob_api::{CallbackBody, CallbackStep};
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

/// What kind of address an IP is, for callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrClass {
    Public,
    Loopback,
    /// Private, link-local (incl. cloud metadata), unique-local, shared (CGNAT), benchmarking.
    Private,
    /// Unspecified, multicast, broadcast, reserved: never a callback target (`0.0.0.0` even
    /// reaches the local machine on Linux).
    Never,
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        AddrClass::Loopback
    } else if ip.is_unspecified() || ip.is_multicast() || ip.is_broadcast() || a == 0 || a >= 240 {
        AddrClass::Never
    } else if ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
    {
        AddrClass::Private
    } else {
        AddrClass::Public
    }
}

/// The class of an address; IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are
/// judged by that address.
pub fn classify(ip: IpAddr) -> AddrClass {
    let v6 = match ip {
        IpAddr::V4(v4) => return classify_v4(v4),
        IpAddr::V6(v6) => v6,
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let seg = v6.segments();
    if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
        return classify_v4(embedded_v4(seg[6], seg[7]));
    }
    if seg[0] == 0x2002 {
        return classify_v4(embedded_v4(seg[1], seg[2]));
    }
    if v6.is_loopback() {
        AddrClass::Loopback
    } else if v6.is_unspecified() || v6.is_multicast() {
        AddrClass::Never
    } else if (seg[0] & 0xfe00) == 0xfc00
        || (seg[0] & 0xffc0) == 0xfe80
        || (seg[0] & 0xffc0) == 0xfec0
    {
        // Unique-local fc00::/7, link-local fe80::/10, old site-local fec0::/10.
        AddrClass::Private
    } else if seg[0] == 0 {
        // The rest of ::/8 (IPv4-compatible and reserved forms).
        AddrClass::Never
    } else {
        AddrClass::Public
    }
}

fn embedded_v4(hi: u16, lo: u16) -> Ipv4Addr {
    let [a, b] = hi.to_be_bytes();
    let [c, d] = lo.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// Which addresses callbacks may target (`[security] callback_allow_private` /
/// `callback_allow_loopback`). Public addresses always may.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddrPolicy {
    pub allow_private: bool,
    pub allow_loopback: bool,
}

impl AddrPolicy {
    pub fn allows(&self, ip: IpAddr) -> bool {
        match classify(ip) {
            AddrClass::Public => true,
            AddrClass::Loopback => self.allow_loopback || self.allow_private,
            AddrClass::Private => self.allow_private,
            AddrClass::Never => false,
        }
    }

    /// Whether the URL's host may be called back: every address it names or resolves to must
    /// be allowed. `Err` says why not. A name that does not resolve (now) passes: it is checked
    /// again when the callback is sent.
    pub async fn check_url(&self, url: &str) -> Result<(), String> {
        let Ok(uri) = url.trim().parse::<hyper::Uri>() else {
            return Ok(()); // the URL rules of bkjob-api answer for its form
        };
        let Some(host) = uri.host() else {
            return Ok(());
        };
        let port = uri.port_u16().unwrap_or(80);
        let addrs = match literal_ip(host) {
            Some(ip) => vec![ip],
            None => {
                match tokio::time::timeout(
                    Duration::from_secs(3),
                    tokio::net::lookup_host((host, port)),
                )
                .await
                {
                    Ok(Ok(a)) => a.map(|s| s.ip()).collect(),
                    _ => return Ok(()),
                }
            }
        };
        match addrs.into_iter().find(|ip| !self.allows(*ip)) {
            Some(ip) => Err(format!(
                "callback host {host} is {ip}, a {:?} address",
                classify(ip)
            )),
            None => Ok(()),
        }
    }
}

/// A callback URL as it may be logged: scheme, host, port and path, without the query and
/// user info (receivers often put a token there).
pub fn redact(url: &str) -> String {
    match url.trim().parse::<hyper::Uri>() {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme_str().unwrap_or("?"),
            u.authority()
                .map(|a| a
                    .as_str()
                    .rsplit('@')
                    .next()
                    .unwrap_or_default()
                    .to_string())
                .unwrap_or_default(),
            u.path()
        ),
        Err(_) => "(invalid url)".to_string(),
    }
}

/// The IP of a URL host written as a literal (`1.2.3.4` or `[::1]`).
fn literal_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// A resolver that hands the connector only allowed addresses, so the address connected to
/// is the one that was checked.
#[derive(Clone)]
pub struct CheckedResolver {
    policy: AddrPolicy,
}

type Addrs = std::vec::IntoIter<SocketAddr>;

impl tower_service::Service<Name> for CheckedResolver {
    type Response = Addrs;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Addrs, std::io::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let policy = self.policy;
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let ok: Vec<SocketAddr> = all
                .iter()
                .copied()
                .filter(|a| policy.allows(a.ip()))
                .collect();
            if ok.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{name} resolves to no address callbacks may target ({all:?})"),
                ));
            }
            Ok(ok.into_iter())
        })
    }
}

#[derive(Clone)]
pub struct Callback {
    client: Client<HttpConnector<CheckedResolver>, Full<Bytes>>,
    timeout: Duration,
    policy: AddrPolicy,
}

impl Callback {
    pub fn new(timeout: Duration, policy: AddrPolicy) -> Callback {
        let mut connector = HttpConnector::new_with_resolver(CheckedResolver { policy });
        connector.set_connect_timeout(Some(timeout));
        Callback {
            client: Client::builder(TokioExecutor::new()).build(connector),
            timeout,
            policy,
        }
    }

    /// Deliver the callback for a finished job. Never fails: problems are logged.
    pub async fn send(&self, url: &str, job_id: i64, status: i32, step_id: i64, step_status: i32) {
        let body = CallbackBody {
            job_instance_id: job_id,
            status,
            step_instances: vec![CallbackStep {
                step_instance_id: step_id,
                status: step_status,
            }],
        };
        let json = match serde_json::to_string(&body) {
            Ok(j) => j,
            Err(e) => {
                tracing::error!(job_id, "cannot encode callback body: {e}");
                return;
            }
        };
        let uri: hyper::Uri = match url.trim().parse() {
            Ok(u) => u,
            Err(e) => {
                // BK-JOB skips invalid URLs silently at send time (contract §6).
                tracing::warn!(job_id, "callback skipped, invalid url: {e}");
                return;
            }
        };
        // Logged without query and user info (receivers often put a token there).
        let url = &redact(url);
        if uri.scheme_str() != Some("http") {
            tracing::warn!(
                job_id,
                url,
                "callback skipped: only http:// callbacks are supported"
            );
            return;
        }
        // The connector checks resolved names; an address literal never reaches it.
        if let Some(ip) = uri.host().and_then(literal_ip) {
            if !self.policy.allows(ip) {
                tracing::warn!(job_id, url, class = ?classify(ip), "callback skipped: address not allowed");
                return;
            }
        }
        for content_type in ["application/json", "application/x-www-form-urlencoded"] {
            match self.post(&uri, content_type, json.clone()).await {
                Ok(200) => {
                    tracing::info!(job_id, url, content_type, "callback delivered");
                    return;
                }
                Ok(code) => {
                    tracing::warn!(job_id, url, content_type, code, "callback answered non-200")
                }
                Err(e) => tracing::warn!(job_id, url, content_type, "callback failed: {e}"),
            }
        }
        tracing::warn!(job_id, url, "callback given up after one retry");
    }

    async fn post(
        &self,
        uri: &hyper::Uri,
        content_type: &str,
        body: String,
    ) -> anyhow::Result<u16> {
        let req = hyper::Request::post(uri.clone())
            .header(hyper::header::CONTENT_TYPE, content_type)
            .body(Full::new(Bytes::from(body)))?;
        let resp = tokio::time::timeout(self.timeout, self.client.request(req)).await??;
        Ok(resp.status().as_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn classes() {
        use AddrClass::*;
        for (a, c) in [
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("::1", Loopback),
            ("::ffff:127.0.0.1", Loopback),
            ("10.1.2.3", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("169.254.169.254", Private),
            ("100.64.0.1", Private),
            ("198.18.0.1", Private),
            ("fd00::1", Private),
            ("fc12::1", Private),
            ("fe80::1", Private),
            ("::ffff:10.0.0.1", Private),
            ("::ffff:169.254.169.254", Private),
            ("64:ff9b::a9fe:a9fe", Private),
            ("2002:a9fe:a9fe::1", Private),
            ("0.0.0.0", Never),
            ("0.1.2.3", Never),
            ("::", Never),
            ("224.0.0.1", Never),
            ("255.255.255.255", Never),
            ("240.0.0.1", Never),
            ("ff02::1", Never),
            ("::7f00:1", Never),
            ("8.8.8.8", Public),
            ("172.32.0.1", Public),
            ("100.128.0.1", Public),
            ("2001:4860:4860::8888", Public),
            ("64:ff9b::808:808", Public),
        ] {
            assert_eq!(classify(ip(a)), c, "{a}");
        }
    }

    #[test]
    fn logged_urls_keep_no_token() {
        assert_eq!(
            redact("http://user:pw@hook.example:8080/cb/x?token=s3cret#frag"),
            "http://hook.example:8080/cb/x"
        );
        assert_eq!(redact("http://127.0.0.1/"), "http://127.0.0.1/");
        assert_eq!(redact("not a url"), "(invalid url)");
    }

    #[test]
    fn policies() {
        let strict = AddrPolicy::default();
        let loopback = AddrPolicy {
            allow_loopback: true,
            ..Default::default()
        };
        let private = AddrPolicy {
            allow_private: true,
            ..Default::default()
        };
        for (a, s, l, p) in [
            ("127.0.0.1", false, true, true),
            ("10.0.0.1", false, false, true),
            ("169.254.169.254", false, false, true),
            ("0.0.0.0", false, false, false),
            ("8.8.8.8", true, true, true),
        ] {
            assert_eq!(strict.allows(ip(a)), s, "strict {a}");
            assert_eq!(loopback.allows(ip(a)), l, "loopback {a}");
            assert_eq!(private.allows(ip(a)), p, "private {a}");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_by_address() {
        let strict = AddrPolicy::default();
        // Literals and `localhost` resolve without any network traffic.
        for url in [
            "http://127.0.0.1:9/cb",
            "http://[::1]:9/cb",
            "http://localhost:9/cb",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://0.0.0.0:9/",
        ] {
            assert!(strict.check_url(url).await.is_err(), "{url}");
        }
        assert!(strict.check_url("http://8.8.8.8/cb").await.is_ok());
        let loopback = AddrPolicy {
            allow_loopback: true,
            ..Default::default()
        };
        assert!(loopback.check_url("http://localhost:9/cb").await.is_ok());
        assert!(loopback.check_url("http://169.254.169.254/").await.is_err());
    }
}
