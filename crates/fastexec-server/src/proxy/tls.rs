//! The HTTPS client to the gateway: rustls with the ring provider (aws-lc-rs needs cmake),
//! trusting the system roots or only the CAs of `ca_file`. `http://` upstreams work too (a
//! gateway on the same host, tests).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use axum::body::Bytes;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::{pem::PemObject, CertificateDer};

pub type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

pub fn client(ca_file: Option<&Path>, timeout_secs: u64) -> anyhow::Result<HttpsClient> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = match ca_file {
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(path)
                .with_context(|| format!("[upstream] ca_file: cannot read {}", path.display()))?;
            for cert in certs {
                let cert =
                    cert.with_context(|| format!("[upstream] ca_file {}", path.display()))?;
                roots
                    .add(cert)
                    .with_context(|| format!("[upstream] ca_file {}", path.display()))?;
            }
            if roots.is_empty() {
                bail!("[upstream] ca_file {} holds no certificate", path.display());
            }
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth();
            HttpsConnectorBuilder::new().with_tls_config(tls)
        }
        None => HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .context("[upstream] no usable system CA certificates (set ca_file)")?,
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(Duration::from_secs(timeout_secs)));
    let https = builder.https_or_http().enable_http1().wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new()).build(https))
}
