//! Starting one script process: interpreter by absolute path, a clean environment, its own
//! session, sensitive parameters through an inherited file descriptor, and waiting for its end
//! WITHOUT reaping it, so its pid (= process group = session id) cannot be reused while the
//! session is swept.

use std::collections::BTreeMap;
use std::io::{Seek, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bkjob_api::status::ScriptLanguage;
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

use crate::config::ExecConfig;

/// `PATH` of scripts unless `[exec] path` says otherwise.
pub const SAFE_PATH: &str = "/usr/local/bin:/usr/bin:/bin";
/// `LANG` of scripts unless `[exec] lang` says otherwise.
pub const DEFAULT_LANG: &str = "C.UTF-8";
/// The descriptor a sensitive-parameter bootstrap reads the parameters from.
const PARAMS_FD: i32 = 3;

const LANGUAGES: [(&str, &str); 4] = [
    ("shell", "bash"),
    ("python", "python3"),
    ("perl", "perl"),
    ("powershell", "pwsh"),
];

/// `[exec]` resolved once at start.
#[derive(Debug, Clone)]
pub struct ExecEnv {
    pub path: String,
    pub lang: String,
    /// Language key → interpreter (absolute), for those found or configured.
    interpreters: BTreeMap<&'static str, PathBuf>,
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

impl ExecEnv {
    pub fn resolve(cfg: &ExecConfig) -> anyhow::Result<ExecEnv> {
        let path = cfg.path.clone().unwrap_or_else(|| SAFE_PATH.to_string());
        if path.split(':').any(|d| !d.starts_with('/')) {
            anyhow::bail!("[exec] path {path:?}: every directory must be absolute");
        }
        let lang = cfg.lang.clone().unwrap_or_else(|| DEFAULT_LANG.to_string());
        if lang.contains('\0') {
            anyhow::bail!("[exec] lang must not contain NUL");
        }
        for k in cfg.interpreters.keys() {
            if !LANGUAGES.iter().any(|(l, _)| l == k) {
                anyhow::bail!(
                    "[exec] interpreters: unknown language {k:?} (shell, python, perl, powershell)"
                );
            }
        }
        let mut interpreters = BTreeMap::new();
        for (key, program) in LANGUAGES {
            let found = match cfg.interpreters.get(key) {
                Some(p) if p.is_absolute() => Some(p.clone()),
                Some(p) => anyhow::bail!(
                    "[exec] interpreters.{key} = {:?} must be an absolute path",
                    p.display()
                ),
                // The configured (or safe) PATH only: never the server's inherited PATH.
                None => path
                    .split(':')
                    .map(|d| Path::new(d).join(program))
                    .find(|p| is_executable(p)),
            };
            if let Some(p) = found {
                interpreters.insert(key, p);
            }
        }
        Ok(ExecEnv {
            path,
            lang,
            interpreters,
        })
    }

    /// The interpreter and its leading options for a language, or why there is none.
    pub fn interpreter(
        &self,
        lang: Option<ScriptLanguage>,
    ) -> Result<(PathBuf, Vec<String>), String> {
        let get = |key: &str, program: &str| {
            self.interpreters.get(key).cloned().ok_or_else(|| {
                format!(
                    "interpreter {program} not found in {} ([exec] path)",
                    self.path
                )
            })
        };
        match lang {
            Some(ScriptLanguage::Shell) => Ok((get("shell", "bash")?, vec![])),
            Some(ScriptLanguage::Perl) => Ok((get("perl", "perl")?, vec![])),
            Some(ScriptLanguage::Python) => Ok((get("python", "python3")?, vec![])),
            Some(ScriptLanguage::Powershell) => match self.interpreters.get("powershell") {
                Some(p) => Ok((
                    p.clone(),
                    vec![
                        "-NoProfile".into(),
                        "-NonInteractive".into(),
                        "-File".into(),
                    ],
                )),
                None => Err(
                    "PowerShell scripts need pwsh, which is not installed on this machine".into(),
                ),
            },
            Some(ScriptLanguage::Bat) => {
                Err("Bat scripts need a Windows host; this machine cannot run them".into())
            }
            Some(ScriptLanguage::Sql) => Err("SQL scripts are not supported by this server".into()),
            None => Err("unknown script language".into()),
        }
    }
}

/// Bootstraps that read NUL-terminated parameters from fd 3, close it, make them the script's
/// `$1..$n` / `sys.argv[1:]` / `@ARGV`, and then run the script file in the same process, so
/// the parameters never appear in `/proc/<pid>/cmdline`. The script path is the argument after
/// the bootstrap (it becomes `$0`).
const SHELL_BOOT: &str = "__fx_a=(); while IFS= read -r -d '' __fx_p; do __fx_a+=(\"$__fx_p\"); \
done <&3; exec 3<&-; set -- \"${__fx_a[@]}\"; unset __fx_a __fx_p; . \"$0\"";
const PYTHON_BOOT: &str = "import os, sys, runpy\n\
with os.fdopen(3, 'rb') as f: d = f.read()\n\
sys.argv = [sys.argv[1]] + [os.fsdecode(a) for a in d.split(b'\\0')[:-1]]\n\
sys.path[0] = os.path.dirname(sys.argv[0])\n\
del f, d\n\
runpy.run_path(sys.argv[0], run_name='__main__')\n";
const PERL_BOOT: &str =
    "open(my $fx, '<&=', 3) or die \"fastexec: cannot read the parameters: $!\\n\"; \
binmode $fx; my $d = do { local $/; <$fx> }; close $fx; \
my @a = split /\\0/, $d, -1; pop @a; $0 = shift @ARGV; @ARGV = @a; undef $d; undef @a; \
-r $0 or die \"fastexec: cannot read $0: $!\\n\"; do $0; die $@ if $@;";

/// How the interpreter is invoked for sensitive parameters, per language.
fn sensitive_boot(lang: Option<ScriptLanguage>) -> Result<(&'static str, &'static str), String> {
    match lang {
        Some(ScriptLanguage::Shell) => Ok(("-c", SHELL_BOOT)),
        Some(ScriptLanguage::Python) => Ok(("-c", PYTHON_BOOT)),
        Some(ScriptLanguage::Perl) => Ok(("-e", PERL_BOOT)),
        _ => Err(
            "sensitive parameters (is_param_sensitive) are not supported for this script \
                  language here: they would be visible in the process list"
                .into(),
        ),
    }
}

/// Who the script runs as, with its passwd data for the environment.
#[derive(Debug, Clone)]
pub struct Account {
    pub uid: u32,
    pub gid: u32,
    pub name: String,
    pub home: String,
}

/// Everything needed to start one host's script.
pub struct Launch<'a> {
    pub program: &'a Path,
    pub pre_args: &'a [String],
    pub lang: Option<ScriptLanguage>,
    pub script: &'a Path,
    pub args: &'a [String],
    pub sensitive: bool,
    pub cwd: &'a Path,
    pub env: &'a ExecEnv,
    /// The account's user; `switch` says whether to change to it (the server's own user
    /// otherwise).
    pub account: &'a Account,
    pub switch: bool,
    pub host_id: i64,
    pub host_ip: &'a str,
}

/// A NUL-terminated list in an anonymous in-memory file (never on disk), read from offset 0.
fn params_file(args: &[String]) -> std::io::Result<OwnedFd> {
    if args.iter().any(|a| a.contains('\0')) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a parameter contains a NUL byte",
        ));
    }
    // SAFETY: plain syscall with a NUL-terminated name; the fd is owned right away.
    let fd = unsafe { libc::memfd_create(c"fastexec-params".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor nobody else owns.
    let mut fd = unsafe { OwnedFd::from_raw_fd(fd) };
    if fd.as_raw_fd() <= 2 {
        // A server started with stdio closed: keep clear of the numbers the child's stdio
        // gets before our pre_exec runs.
        // SAFETY: plain syscall; the new descriptor is owned right away.
        let high = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
        if high < 0 {
            return Err(std::io::Error::last_os_error());
        }
        fd = unsafe { OwnedFd::from_raw_fd(high) };
    }
    let mut f = std::fs::File::from(fd);
    for a in args {
        f.write_all(a.as_bytes())?;
        f.write_all(b"\0")?;
    }
    f.rewind()?;
    Ok(f.into())
}

/// A started script: not reaped until [`Running::reap`].
pub struct Running {
    pub child: std::process::Child,
    pub pid: i32,
    pidfd: Option<AsyncFd<OwnedFd>>,
}

/// Start the script. Output (stdout and stderr) goes to `out`.
pub fn spawn(l: &Launch, out: OwnedFd) -> std::io::Result<Running> {
    let out2 = out.try_clone()?;
    let mut cmd = std::process::Command::new(l.program);
    let params = if l.sensitive && !l.args.is_empty() {
        let (flag, boot) = sensitive_boot(l.lang)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::Unsupported, e))?;
        cmd.arg(flag).arg(boot).arg(l.script);
        Some(params_file(l.args)?)
    } else {
        cmd.args(l.pre_args).arg(l.script).args(l.args);
        None
    };
    // Nothing of the server's environment: only what BK-JOB's agent would set up.
    cmd.env_clear()
        .env("PATH", &l.env.path)
        .env("LANG", &l.env.lang)
        .env("HOME", &l.account.home)
        .env("USER", &l.account.name)
        .env("LOGNAME", &l.account.name)
        .env("BK_JOB_HOST_ID", l.host_id.to_string())
        .env("BK_JOB_HOST_IP", l.host_ip)
        .current_dir(l.cwd)
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(out2);
    if l.switch {
        // std calls setgroups(0) before setgid/setuid when running as root.
        cmd.uid(l.account.uid).gid(l.account.gid);
    }
    let params_raw = params.as_ref().map(|f| f.as_raw_fd());
    // SAFETY: only async-signal-safe syscalls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            // Its own session (and so process group): everything it starts can be found and
            // killed by session id, even processes that move to another process group.
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // No descriptor of the server (database, sockets) survives the exec, even one
            // opened without O_CLOEXEC. Best effort: needs Linux 5.11.
            libc::syscall(
                libc::SYS_close_range,
                3u32,
                u32::MAX,
                libc::CLOSE_RANGE_CLOEXEC,
            );
            if let Some(fd) = params_raw {
                if fd == PARAMS_FD {
                    if libc::fcntl(fd, libc::F_SETFD, 0) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                } else if libc::dup2(fd, PARAMS_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = cmd.spawn()?;
    drop(params);
    let pid = child.id() as i32;
    // A pidfd tells when the process ended without reaping it (Linux 5.3; else we poll).
    // SAFETY: plain syscall; the pid is our unreaped child, so it names that process.
    let raw = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
    let pidfd = (raw >= 0)
        .then(|| {
            // SAFETY: a fresh descriptor nobody else owns; the OwnedFd keeps it open for as
            // long as the AsyncFd lives.
            unsafe {
                AsyncFd::register_with_interest(OwnedFd::from_raw_fd(raw), Interest::READABLE)
            }
            .ok()
        })
        .flatten();
    Ok(Running { child, pid, pidfd })
}

impl Running {
    /// Has the process ended? Leaves it a zombie (not reaped).
    fn ended_now(&self) -> bool {
        // SAFETY: zeroed siginfo_t is a valid out-parameter.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                self.pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        // With WNOHANG, si_pid stays 0 while the child runs.
        rc != 0 || unsafe { info.si_pid() } != 0
    }

    /// Wait until the process ended, without reaping it.
    pub async fn ended(&self) {
        if let Some(fd) = &self.pidfd {
            if fd.readable().await.is_ok() {
                return;
            }
        }
        while !self.ended_now() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Reap the ended process (call after [`Running::ended`] and the session sweep).
    pub async fn reap(mut self) -> std::io::Result<std::process::ExitStatus> {
        loop {
            if let Some(s) = self.child.try_wait()? {
                return Ok(s);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreters_come_from_the_configured_path_only() {
        let env = ExecEnv::resolve(&ExecConfig::default()).unwrap();
        assert_eq!(env.path, SAFE_PATH);
        let (bash, _) = env.interpreter(Some(ScriptLanguage::Shell)).unwrap();
        assert!(bash.is_absolute() && bash.ends_with("bash"), "{bash:?}");
        let cfg = ExecConfig {
            path: Some("/nonexistent-dir".into()),
            ..Default::default()
        };
        let env = ExecEnv::resolve(&cfg).unwrap();
        assert!(env
            .interpreter(Some(ScriptLanguage::Shell))
            .unwrap_err()
            .contains("not found in /nonexistent-dir"));
        for bad in [
            ExecConfig {
                path: Some("bin:/usr/bin".into()),
                ..Default::default()
            },
            ExecConfig {
                interpreters: [("shell".to_string(), PathBuf::from("bash"))].into(),
                ..Default::default()
            },
            ExecConfig {
                interpreters: [("ruby".to_string(), PathBuf::from("/usr/bin/ruby"))].into(),
                ..Default::default()
            },
        ] {
            assert!(ExecEnv::resolve(&bad).is_err(), "{bad:?}");
        }
    }
}
