//! TLS for tests: a throwaway CA with a certificate for 127.0.0.1 / localhost
//! ([`test_ca`]), and a TLS terminator in front of a plain-HTTP loopback server
//! ([`Terminator`]): the HTTPS face of a local `fastexec-server`, so the gateway proxy mode
//! can be tested against a real upstream over HTTPS. Shared by the server's tests and the
//! end-to-end tests; never used by shipped code.

use std::net::SocketAddr;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;

/// A CA (its PEM) and a server certificate for 127.0.0.1 / localhost signed by it.
pub struct TestCa {
    pub ca_pem: String,
    pub server: Arc<rustls::ServerConfig>,
}

pub fn test_ca() -> TestCa {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    let server = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![leaf.der().clone()], key)
    .unwrap();
    TestCa {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
    }
}

/// TLS on `port` (0: any), plain TCP to `backend`: the HTTPS face of a local server.
pub struct Terminator {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Terminator {
    pub async fn start(tls: Arc<rustls::ServerConfig>, port: u16, backend: SocketAddr) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(tls);
        let task = tokio::spawn(async move {
            // Connections die with the accept loop (the set aborts them when dropped), so a
            // stopped terminator is a down upstream, pooled connections included.
            let mut conns = tokio::task::JoinSet::new();
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                conns.spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    if let Ok(mut plain) = TcpStream::connect(backend).await {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    }
                });
            }
        });
        Terminator { addr, task }
    }

    /// Stop accepting (the port closes; open connections die with their tasks' peers).
    pub fn stop(self) -> u16 {
        self.task.abort();
        self.addr.port()
    }
}
