//! The history page's call: `get_job_instance_list` (GET on the gateway, POST on ESB, like
//! the status call), read through the one envelope reader. A seam of its own, so the page can
//! be tested with a fake.

use bkjob_api::{GetJobInstanceListRequest, JobInstanceListItem, PageData};

use super::{CallError, HttpJobApi, LocalFuture};
use crate::api::call::Api;

/// What the history page needs from the server.
pub trait JobListApi {
    /// One page of the scope's jobs, newest first.
    fn job_list(
        &self,
        request: &GetJobInstanceListRequest,
    ) -> LocalFuture<Result<PageData<JobInstanceListItem>, CallError>>;
}

impl JobListApi for HttpJobApi {
    fn job_list(
        &self,
        request: &GetJobInstanceListRequest,
    ) -> LocalFuture<Result<PageData<JobInstanceListItem>, CallError>> {
        self.call(Api::JobList, request)
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_answer;
    use super::*;
    use crate::api::call::{build_call, Method};
    use crate::connection::{AuthMode, Connection};

    #[test]
    fn the_call_is_a_get_on_the_gateway_and_a_post_on_esb() {
        let req = GetJobInstanceListRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("2".into()),
            create_time_start: Some(1),
            create_time_end: Some(2),
            ip: Some("127.0.0.2".into()),
            length: Some(Some(20)),
            ..Default::default()
        };
        let gw = Connection::default();
        let call = build_call(&gw, bkjob_api::Lang::En, Api::JobList, &req);
        assert_eq!(call.method, Method::Get);
        assert_eq!(call.url, "/api/v3/get_job_instance_list");
        assert!(call
            .query
            .contains(&("ip".to_owned(), "127.0.0.2".to_owned())));
        assert!(call.query.contains(&("length".to_owned(), "20".to_owned())));
        let esb = Connection {
            auth_mode: AuthMode::Esb,
            ..Connection::default()
        };
        let call = build_call(&esb, bkjob_api::Lang::En, Api::JobList, &req);
        assert_eq!(call.method, Method::Post);
        assert_eq!(call.url, "/api/c/compapi/v2/jobv3/get_job_instance_list/");
        assert!(call.body.unwrap().contains(r#""create_time_end":2"#));
    }

    #[test]
    fn pages_are_read() {
        let ok = r#"{"result":true,"code":0,"data":{"start":0,"length":20,"total":1,"data":[
            {"bk_scope_type":"biz","bk_scope_id":"2","bk_biz_id":null,"job_instance_id":9007199254740993,
             "job_template_id":null,"job_plan_id":null,"name":"n","operator":"admin",
             "create_time":1,"start_time":1,"end_time":2,"total_time":1,"launch_mode":2,"status":3,"type":1}]}}"#;
        let page: PageData<JobInstanceListItem> = read_answer(200, ok).unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.data.unwrap()[0].job_instance_id, 9_007_199_254_740_993);
        // an empty page's list is null
        let empty =
            r#"{"result":true,"code":0,"data":{"start":0,"length":20,"total":0,"data":null}}"#;
        let page: PageData<JobInstanceListItem> = read_answer(200, empty).unwrap();
        assert_eq!((page.total, page.data), (0, None));
        // the window refusal
        let wide = r#"{"result":false,"code":1241002,"message":"请求参数不合法"}"#;
        let e = read_answer::<PageData<JobInstanceListItem>>(200, wide).unwrap_err();
        assert_eq!((e.kind(), e.code()), ("api-error", Some(1_241_002)));
    }
}
