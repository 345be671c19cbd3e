//! Whom a script runs as: the server's own user, or an account's mapped OS user when the
//! server is root (never a more powerful user than the server).

use super::*;
use std::ffi::CString;

use crate::config::SERVER_USER;
use proc::Account;

/// The local user running the server (for `$SERVER_USER` and the privilege rule).
#[derive(Debug, Clone)]
pub struct ServerUser {
    pub uid: u32,
    pub name: String,
}

impl ServerUser {
    pub fn current() -> ServerUser {
        // SAFETY: geteuid never fails.
        let uid = unsafe { libc::geteuid() };
        let name = lookup_user_by_uid(uid)
            .map(|u| u.name)
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| uid.to_string());
        ServerUser { uid, name }
    }
}

fn passwd_to_account(pw: &libc::passwd) -> Account {
    // SAFETY: getpw*_r filled these with NUL-terminated strings inside our buffer.
    let cstr = |p: *const libc::c_char| {
        if p.is_null() {
            String::new()
        } else {
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned()
        }
    };
    Account {
        uid: pw.pw_uid,
        gid: pw.pw_gid,
        name: cstr(pw.pw_name),
        home: cstr(pw.pw_dir),
    }
}

fn lookup_user(name: &str) -> Option<Account> {
    let cname = CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: zeroed passwd is a valid out-parameter; buffer outlives the call's use.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe {
        libc::getpwnam_r(
            cname.as_ptr(),
            &mut pw,
            buf.as_mut_ptr(),
            buf.len(),
            &mut out,
        )
    };
    (rc == 0 && !out.is_null()).then(|| passwd_to_account(&pw))
}

pub(super) fn lookup_user_by_uid(uid: u32) -> Option<Account> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: as in lookup_user.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr(), buf.len(), &mut out) };
    (rc == 0 && !out.is_null()).then(|| passwd_to_account(&pw))
}

/// Decide whom to run as. A script never runs as a more powerful user than the server: as
/// root we may drop to any user; otherwise only the server's own user is allowed.
pub(super) fn resolve_run_as(os_user: &str, me: &ServerUser) -> Result<Option<Account>, String> {
    if os_user == SERVER_USER || os_user == me.name {
        return Ok(None);
    }
    let Some(u) = lookup_user(os_user) else {
        return Err(format!(
            "local user {os_user:?} does not exist on this machine"
        ));
    };
    if u.uid == me.uid {
        Ok(None)
    } else if me.uid == 0 {
        Ok(Some(u))
    } else {
        Err(format!(
            "the account maps to local user {os_user:?}, but the server runs as {:?} (not root) \
             and never runs a script as another user",
            me.name
        ))
    }
}
