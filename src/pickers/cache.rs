//! The pickers' answers kept for the session, so reopening a picker (or going back to a page
//! of the list) asks the server nothing. Plain memory of the on-demand module, keyed by the
//! scope, the API and the query ([`key`]); only successes are kept (a Retry asks again); it
//! holds what the lists show, never a credential. [`clear`] empties it when the connection
//! settings change (another server or user may see other things).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;

use crate::api::job::{CallError, LocalFuture};
use crate::api::Api;

thread_local! {
    // A list, not a map: a session asks a few dozen things, and the module stays smaller.
    static CACHE: RefCell<Vec<(String, Rc<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// The key of an answer: `{api} {scope} {query as JSON}`.
pub fn key(api: Api, scope: &str, query: &impl Serialize) -> String {
    let q = serde_json::to_string(query).unwrap_or_default();
    format!("{} {scope} {q}", api.name())
}

/// The answer kept under `key`, if one of type `T` is.
pub fn get<T: Clone + 'static>(key: &str) -> Option<T> {
    let v = CACHE.with_borrow(|c| Some(c.iter().find(|(k, _)| k == key)?.1.clone()))?;
    v.downcast_ref::<T>().cloned()
}

/// Keep `value` under `key` (in place of what was there).
pub fn put<T: 'static>(key: String, value: T) {
    CACHE.with_borrow_mut(|c| {
        c.retain(|(k, _)| *k != key);
        c.push((key, Rc::new(value)));
    });
}

/// Forget every answer.
pub fn clear() {
    CACHE.with_borrow_mut(Vec::clear);
}

/// The kept answer under `key`, else `call()`'s (kept when it succeeds).
pub async fn fetch<T: Clone + 'static>(
    key: String,
    call: impl FnOnce() -> LocalFuture<Result<T, CallError>>,
) -> Result<T, CallError> {
    if let Some(v) = get::<T>(&key) {
        return Ok(v);
    }
    let v = call().await?;
    put(key, v.clone());
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkjob_api::{GetScriptListRequest, GetScriptVersionListRequest};
    use std::cell::Cell;
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    fn run<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("pending"),
        }
    }

    #[test]
    fn keys_tell_scope_api_and_query_apart() {
        let q = |name: &str, start| GetScriptListRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("2".into()),
            name: Some(name.into()),
            start: Some(start),
            ..Default::default()
        };
        let k = key(Api::ScriptList, "biz/2", &q("a", 0));
        assert_eq!(k, key(Api::ScriptList, "biz/2", &q("a", 0)));
        assert!(k.starts_with("get_script_list biz/2 {"));
        let others = [
            key(Api::ScriptList, "biz/3", &q("a", 0)),
            key(Api::PublicScriptList, "biz/2", &q("a", 0)),
            key(Api::ScriptList, "biz/2", &q("b", 0)),
            key(Api::ScriptList, "biz/2", &q("a", 20)),
            key(
                Api::ScriptList,
                "biz/2",
                &GetScriptVersionListRequest::default(),
            ),
        ];
        for o in &others {
            assert_ne!(&k, o);
        }
    }

    #[test]
    fn answers_are_kept_by_type_and_only_on_success() {
        clear();
        let calls = Cell::new(0);
        let call = |v: Result<u32, CallError>| {
            calls.set(calls.get() + 1);
            Box::pin(async move { v }) as LocalFuture<Result<u32, CallError>>
        };
        let lost = || CallError::Network { detail: "x".into() };
        assert!(run(fetch("k".into(), || call(Err(lost())))).is_err());
        assert_eq!(get::<u32>("k"), None, "an error is not kept");
        assert_eq!(run(fetch("k".into(), || call(Ok(7)))).unwrap(), 7);
        assert_eq!(run(fetch("k".into(), || call(Ok(8)))).unwrap(), 7);
        assert_eq!(calls.get(), 2, "the kept answer is used");
        // another type under the same key is not this one
        assert_eq!(get::<String>("k"), None);
        put("k".into(), 9u32);
        assert_eq!(get::<u32>("k"), Some(9), "replaced");
        clear();
        assert_eq!(get::<u32>("k"), None);
    }
}
