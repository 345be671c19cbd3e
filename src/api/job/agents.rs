//! The host check's call: `query_agent_info` (POST in every mode; at most
//! [`bkjob_api::MAX_AGENT_QUERY_HOSTS`] hosts a call), read through the one envelope reader.
//! A seam of its own, so the host check can be tested with a fake.

use bkjob_api::{QueryAgentInfoData, QueryAgentInfoRequest};

use super::{CallError, HttpJobApi, LocalFuture};
use crate::api::call::Api;

/// What the host check needs from the server.
pub trait AgentApi {
    /// The agent status of the request's hosts (a host left out of the answer is unknown).
    fn agent_info(
        &self,
        request: &QueryAgentInfoRequest,
    ) -> LocalFuture<Result<QueryAgentInfoData, CallError>>;
}

impl AgentApi for HttpJobApi {
    fn agent_info(
        &self,
        request: &QueryAgentInfoRequest,
    ) -> LocalFuture<Result<QueryAgentInfoData, CallError>> {
        self.call(Api::AgentInfo, request)
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_answer;
    use super::*;
    use crate::api::call::{build_call, Method};
    use crate::connection::{AuthMode, Connection};

    fn request() -> QueryAgentInfoRequest {
        QueryAgentInfoRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("2".into()),
            host_id_list: Some(vec![101, 9_007_199_254_740_993]),
            ..Default::default()
        }
    }

    #[test]
    fn the_call_is_a_post_in_every_mode() {
        for (mode, url) in [
            (AuthMode::Gateway, "/api/v3/query_agent_info"),
            (AuthMode::None, "/api/v3/query_agent_info"),
            (AuthMode::Esb, "/api/c/compapi/v2/jobv3/query_agent_info/"),
        ] {
            let conn = Connection {
                auth_mode: mode,
                bk_app_code: "app".into(),
                ..Connection::default()
            };
            let call = build_call(&conn, bkjob_api::Lang::En, Api::AgentInfo, &request());
            assert_eq!((call.method, call.url.as_str()), (Method::Post, url));
            assert!(call.query.is_empty());
            let body = call.body.unwrap();
            // IDs above 2^53 go out exact.
            assert!(
                body.contains(r#""host_id_list":[101,9007199254740993]"#),
                "{body}"
            );
            assert!(body.contains(r#""bk_scope_id":"2""#), "{body}");
            // ESB carries the app in the body, the gateway in a header.
            assert_eq!(
                body.contains("bk_app_code"),
                mode == AuthMode::Esb,
                "{body}"
            );
        }
    }

    #[test]
    fn answers_are_read() {
        let ok = r#"{"result":true,"code":0,"data":{"agent_info_list":[
            {"bk_host_id":101,"status":1,"version":"1.0"},{"bk_host_id":104,"status":0}]}}"#;
        let d: QueryAgentInfoData = read_answer(200, ok).unwrap();
        assert_eq!(d.agent_info_list.len(), 2);
        assert_eq!(
            (d.agent_info_list[1].bk_host_id, d.agent_info_list[1].status),
            (104, 0)
        );
        // BK's limit error
        let over =
            r#"{"result":false,"code":1240003,"message":"HostIds size can not be over 5000"}"#;
        let e = read_answer::<QueryAgentInfoData>(200, over).unwrap_err();
        assert_eq!(e.code(), Some(1_240_003));
        // a server without the API: the gateway's 404
        let gone = r#"{"result":false,"code":1640401,"message":"API not found"}"#;
        let e = read_answer::<QueryAgentInfoData>(404, gone).unwrap_err();
        assert_eq!(e.code(), Some(1_640_401));
    }
}
