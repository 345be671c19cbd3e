//! The pickers' calls: `get_account_list` and the script library (`get_script_list`,
//! `get_script_version_list`, `get_script_version_detail` and their `get_public_*` twins),
//! GET on the gateway and POST on ESB like the other read APIs ([`Api::method`]), read through
//! the one envelope reader. Two seams ([`AccountListApi`], [`ScriptLibraryApi`]) so the
//! pickers are tested with fakes.

use bkjob_api::{
    AccountItem, GetAccountListRequest, GetScriptListRequest, GetScriptVersionDetailRequest,
    GetScriptVersionListRequest, PageData, ScriptItem, ScriptVersionItem,
};

use super::{CallError, HttpJobApi, LocalFuture};
use crate::api::call::Api;
use crate::api::envelope::{parse_with_serde, Head, Payload, Unreadable};

/// How long a picker waits for an answer before it says the server did not answer (and offers
/// Retry): a list the user is waiting for, not a job that may take long.
pub const PICKER_TIMEOUT_SECS: u32 = 20;

/// Which script library: the scope's own scripts or the public ones (公共脚本).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Library {
    /// The business's (or business set's) scripts.
    #[default]
    Business,
    /// The public scripts, shared by every business (no scope, no `view_script`).
    Public,
}

impl Library {
    /// The list, version list and version detail APIs of this library.
    pub fn apis(self) -> [Api; 3] {
        match self {
            Library::Business => [
                Api::ScriptList,
                Api::ScriptVersionList,
                Api::ScriptVersionDetail,
            ],
            Library::Public => [
                Api::PublicScriptList,
                Api::PublicScriptVersionList,
                Api::PublicScriptVersionDetail,
            ],
        }
    }
}

/// What the account picker needs from the server.
pub trait AccountListApi {
    /// One page of the scope's accounts.
    fn accounts(
        &self,
        request: &GetAccountListRequest,
    ) -> LocalFuture<Result<PageData<AccountItem>, CallError>>;
}

/// What the script picker needs from the server.
pub trait ScriptLibraryApi {
    /// One page of `library`'s scripts.
    fn scripts(
        &self,
        library: Library,
        request: &GetScriptListRequest,
    ) -> LocalFuture<Result<PageData<ScriptItem>, CallError>>;
    /// One page of a script's versions.
    fn versions(
        &self,
        library: Library,
        request: &GetScriptVersionListRequest,
    ) -> LocalFuture<Result<PageData<ScriptVersionItem>, CallError>>;
    /// One version, with its content.
    fn version(
        &self,
        library: Library,
        request: &GetScriptVersionDetailRequest,
    ) -> LocalFuture<Result<ScriptVersionItem, CallError>>;
}

// The answers, read with serde like the job view's.
macro_rules! serde_payload {
    ($($t:ty),*) => {$(
        impl Payload for $t {
            fn parse(body: &str) -> Result<(Head, Option<Self>), Unreadable> {
                parse_with_serde(body)
            }
        }
    )*};
}
serde_payload!(
    PageData<AccountItem>,
    PageData<ScriptItem>,
    PageData<ScriptVersionItem>,
    ScriptVersionItem
);

impl AccountListApi for HttpJobApi {
    fn accounts(
        &self,
        request: &GetAccountListRequest,
    ) -> LocalFuture<Result<PageData<AccountItem>, CallError>> {
        self.call_within(Api::AccountList, request, Some(PICKER_TIMEOUT_SECS))
    }
}

impl ScriptLibraryApi for HttpJobApi {
    fn scripts(
        &self,
        library: Library,
        request: &GetScriptListRequest,
    ) -> LocalFuture<Result<PageData<ScriptItem>, CallError>> {
        self.call_within(library.apis()[0], request, Some(PICKER_TIMEOUT_SECS))
    }

    fn versions(
        &self,
        library: Library,
        request: &GetScriptVersionListRequest,
    ) -> LocalFuture<Result<PageData<ScriptVersionItem>, CallError>> {
        self.call_within(library.apis()[1], request, Some(PICKER_TIMEOUT_SECS))
    }

    fn version(
        &self,
        library: Library,
        request: &GetScriptVersionDetailRequest,
    ) -> LocalFuture<Result<ScriptVersionItem, CallError>> {
        self.call_within(library.apis()[2], request, Some(PICKER_TIMEOUT_SECS))
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_answer;
    use super::*;
    use crate::api::call::{build_call, Method};
    use crate::connection::{AuthMode, Connection};
    use bkjob_api::Lang;

    #[test]
    fn library_calls_are_gets_on_the_gateway_and_posts_on_esb() {
        let req = GetScriptListRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("2".into()),
            name: Some("disk usage".into()),
            start: Some(20),
            length: Some(20),
            ..Default::default()
        };
        for (lib, name) in [
            (Library::Business, "get_script_list"),
            (Library::Public, "get_public_script_list"),
        ] {
            let api = lib.apis()[0];
            for mode in [AuthMode::Gateway, AuthMode::None] {
                let conn = Connection {
                    auth_mode: mode,
                    ..Connection::default()
                };
                let call = build_call(&conn, Lang::En, api, &req);
                assert_eq!(call.method, Method::Get);
                assert_eq!(call.url, format!("/api/v3/{name}"));
                assert!(call
                    .query
                    .contains(&("name".to_owned(), "disk usage".to_owned())));
                assert!(call.query.contains(&("start".to_owned(), "20".to_owned())));
                assert_eq!(call.body, None);
            }
            let esb = Connection {
                auth_mode: AuthMode::Esb,
                ..Connection::default()
            };
            let call = build_call(&esb, Lang::En, api, &req);
            assert_eq!(call.method, Method::Post);
            assert_eq!(call.url, format!("/api/c/compapi/v2/jobv3/{name}/"));
            assert!(call.body.unwrap().contains(r#""name":"disk usage""#));
        }
        // every picker API is a GET resource of the gateway
        let apis = [Library::Business.apis(), Library::Public.apis()].concat();
        for &api in apis.iter().chain(&[Api::AccountList]) {
            assert_eq!(api.method(AuthMode::Gateway), Method::Get, "{api:?}");
            assert_eq!(api.method(AuthMode::Esb), Method::Post, "{api:?}");
        }
        let names: Vec<_> = apis.iter().map(|a| a.name()).collect();
        assert_eq!(
            names,
            [
                "get_script_list",
                "get_script_version_list",
                "get_script_version_detail",
                "get_public_script_list",
                "get_public_script_version_list",
                "get_public_script_version_detail"
            ]
        );
    }

    #[test]
    fn answers_are_read() {
        let accounts = r#"{"result":true,"code":0,"data":{"start":0,"length":1,"total":12,"data":[
            {"id":70,"bk_scope_type":"biz","bk_scope_id":"1","bk_biz_id":null,"account":"aaa",
             "alias":"aaa","category":1,"type":1,"db_system_account_id":null,"os":"Linux",
             "creator":"admin","create_time":1614659536108,"last_modify_user":"admin",
             "last_modify_time":1614659536116,"description":null}]}}"#;
        let page: PageData<AccountItem> = read_answer(200, accounts).unwrap();
        assert_eq!(page.total, 12);
        assert_eq!(page.data.unwrap()[0].os.as_deref(), Some("Linux"));

        let detail = r##"{"result":true,"code":0,"data":{"id":1,"bk_scope_type":"biz","bk_scope_id":"1",
            "bk_biz_id":null,"script_id":"000dbdddc06c453baf1f2decddf00c69","name":"a.sh",
            "version":"V1.0","content":"#!/bin/bash\necho hello","status":1,"version_desc":"d",
            "creator":"admin","create_time":1,"last_modify_user":"admin","last_modify_time":1,
            "script_language":1,"description":"x"}}"##;
        let v: ScriptVersionItem = read_answer(200, detail).unwrap();
        // plain text, as BK-JOB stores and returns it
        assert_eq!(v.content.as_deref(), Some("#!/bin/bash\necho hello"));

        let scripts = r#"{"result":true,"code":0,"data":{"start":0,"length":10,"total":1,"data":[
            {"id":"000dbd","bk_scope_type":null,"bk_scope_id":null,"name":"a.sh","script_language":1,
             "online_script_version_id":100,"creator":"admin"}]}}"#;
        let page: PageData<ScriptItem> = read_answer(200, scripts).unwrap();
        assert_eq!(page.data.unwrap()[0].online_script_version_id, Some(100));

        let versions =
            r#"{"result":true,"code":0,"data":{"start":0,"length":10,"total":0,"data":[]}}"#;
        let page: PageData<ScriptVersionItem> = read_answer(200, versions).unwrap();
        assert_eq!(page.data, Some(Vec::new()));
    }
}
