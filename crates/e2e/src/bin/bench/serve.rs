//! The bench's fastexec-servers: the harness's way (own process group, killed on drop), each on
//! a snapshot of a build, so a `trunk build` running meanwhile cannot change what is measured.

use std::path::Path;
use std::time::Duration;

use e2e::{copy_dir, project_root, Server, TempDir};

use crate::page::BASELINE_FILE;

/// The harness's server on a copy of a build plus the baseline page, so a `trunk build`
/// running meanwhile cannot change what is measured.
pub struct BenchServer {
    _server: Server,
    pub url: String,
    _dist: TempDir,
}

impl BenchServer {
    /// The copy of the build it serves.
    pub fn dist(&self) -> &Path {
        &self._dist.0
    }

    pub fn start(build: &Path) -> Self {
        let root = project_root();
        let dist = TempDir::new("fastexec-bench-dist");
        // Someone may be running `trunk build` right now: retry until every file the copy's
        // index.html loads (htmlscan, the scanner of xtask's size budget) is in the copy.
        let mut tries = 0;
        loop {
            let _ = std::fs::remove_dir_all(&dist.0);
            copy_dir(build, &dist.0);
            match htmlscan::Visits::of(&dist.0) {
                Ok(_) => break,
                Err(e) if tries < 24 => {
                    eprintln!(
                        "bench: {} is incomplete ({e}); retrying in 5 s",
                        build.display()
                    );
                    tries += 1;
                    std::thread::sleep(Duration::from_secs(5));
                }
                Err(e) => panic!(
                    "{} is incomplete: {e}; run `cargo xtask bench`, which builds it",
                    build.display()
                ),
            }
        }
        std::fs::copy(root.join("bench/baseline.html"), dist.0.join(BASELINE_FILE))
            .expect("copy bench/baseline.html");
        let server = Server::start_with(
            Path::new("fastexec.toml"),
            &dist.0,
            TempDir::new("fastexec-bench-data"),
        );
        let mut url = server.url.clone();
        if !url.ends_with('/') {
            url.push('/');
        }
        BenchServer {
            _server: server,
            url,
            _dist: dist,
        }
    }
}
