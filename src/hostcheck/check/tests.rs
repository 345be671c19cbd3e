use super::*;
use crate::hostcheck::host_ids;

fn list(range: std::ops::RangeInclusive<i64>) -> String {
    range.map(|i| i.to_string()).collect::<Vec<_>>().join("\n")
}

fn check(text: &str) -> HostCheck {
    HostCheck::default().next("biz", "2", host_ids(text))
}

/// The answer of a server that knows `normal` and `abnormal` of the asked hosts.
fn answer(req: &QueryAgentInfoRequest, abnormal: &[i64], unknown: &[i64]) -> QueryAgentInfoData {
    let agent_info_list = req
        .host_id_list
        .as_ref()
        .unwrap()
        .iter()
        .filter(|id| !unknown.contains(id))
        .map(|&id| AgentInfo {
            bk_host_id: id,
            status: if abnormal.contains(&id) { 0 } else { 1 },
            version: None,
        })
        .collect();
    QueryAgentInfoData { agent_info_list }
}

fn sizes(s: &Started) -> Vec<usize> {
    s.requests
        .iter()
        .map(|r| r.host_id_list.as_ref().unwrap().len())
        .collect()
}

#[test]
fn lists_are_split_in_chunks_of_5000() {
    for (n, expected) in [
        (1, vec![1]),
        (5_000, vec![5_000]),
        (5_001, vec![5_000, 1]),
        (50_000, vec![5_000; 10]),
    ] {
        let mut c = check(&list(1..=n));
        let started = c.start(true).unwrap();
        assert_eq!(sizes(&started), expected, "{n} hosts");
        assert_eq!(c.progress(), Some((0, expected.len())));
        // every host once, in order, with the scope
        let all: Vec<i64> = started
            .requests
            .iter()
            .flat_map(|r| r.host_id_list.clone().unwrap())
            .collect();
        assert_eq!(all, (1..=n).collect::<Vec<_>>());
        let r = &started.requests[0];
        assert_eq!(
            (r.bk_scope_type.as_deref(), r.bk_scope_id.as_deref()),
            (Some("biz"), Some("2"))
        );
    }
}

#[test]
fn answers_merge_into_states_and_a_missing_host_is_unknown() {
    let mut c = check(&list(1..=5_001));
    assert_eq!(c.message(), Message::Unchecked);
    let s = c.start(false).unwrap();
    assert!(c.start(true).is_none(), "one run at a time");
    // chunk 0: host 7 abnormal, host 8 left out
    assert!(c.apply(s.run, 0, &answer(&s.requests[0], &[7], &[8])));
    assert_eq!(c.progress(), Some((1, 2)));
    assert_eq!(c.message(), Message::Unchecked);
    assert_eq!(
        c.counts(),
        Counts {
            normal: 4_998,
            abnormal: 1,
            unknown: 1,
            pending: 1
        }
    );
    // chunk 1 (host 5001) is the last: the run is over
    assert!(!c.apply(s.run, 1, &answer(&s.requests[1], &[5_001], &[])));
    assert_eq!(c.progress(), None);
    assert_eq!(
        c.message(),
        Message::Checked {
            abnormal: 2,
            unknown: 1
        }
    );
    assert_eq!(c.abnormal_text(), "7\n5001");
    assert_eq!(c.hosts_in(Agent::Unknown, 10), [8]);
    assert_eq!(c.hosts_in(Agent::Normal, 3), [1, 2, 3]);
}

#[test]
fn an_answer_for_hosts_not_asked_changes_nothing_and_other_statuses_are_unknown() {
    let mut c = check("1 2 3");
    let s = c.start(false).unwrap();
    let data = QueryAgentInfoData {
        agent_info_list: vec![
            AgentInfo {
                bk_host_id: 99,
                status: 0,
                version: None,
            },
            AgentInfo {
                bk_host_id: 1,
                status: 1,
                version: None,
            },
            AgentInfo {
                bk_host_id: 2,
                status: 7,
                version: None,
            },
        ],
    };
    assert!(!c.apply(s.run, 0, &data));
    assert_eq!(
        [1, 2, 3].map(|id| c.hosts_in(Agent::Unknown, 9).contains(&id)),
        [false, true, true]
    );
    assert_eq!(c.counts().normal, 1);
    assert_eq!(c.ids(), [1, 2, 3]);
}

#[test]
fn remove_keeps_only_normal_hosts_in_the_users_order() {
    let mut c = check("30 x 10 20 10 40 50");
    assert_eq!(c.normal_text(), None, "nothing checked yet");
    let s = c.start(false).unwrap();
    assert!(!c.apply(s.run, 0, &answer(&s.requests[0], &[20], &[50])));
    assert_eq!(c.normal_text().as_deref(), Some("30\n10\n40"));
    // the new list, as the app sends it back, is known already: no call, nothing abnormal
    let after = c.next("biz", "2", host_ids("30\n10\n40"));
    assert_eq!(after.auto(10_000), Auto::Idle);
    assert_eq!(
        after.message(),
        Message::Checked {
            abnormal: 0,
            unknown: 0
        }
    );
    assert_eq!(after.normal_text().as_deref(), Some("30\n10\n40"));
}

#[test]
fn a_new_list_supersedes_the_check_in_flight() {
    let mut c = check("1 2");
    let s = c.start(false).unwrap();
    // the user adds host 3 while 1 and 2 are being checked
    let mut c2 = c.next("biz", "2", host_ids("1 2 3"));
    assert_eq!(c2.progress(), None);
    assert!(!c2.apply(s.run, 0, &answer(&s.requests[0], &[1], &[])));
    assert!(!c2.fail(s.run, CallError::Network { detail: "x".into() }));
    assert_eq!(c2.counts().pending, 3, "the stale answer was ignored");
    assert!(c2.error().is_none());
    // the new run asks for the whole new list; its ID differs from the old one
    let s2 = c2.start(false).unwrap();
    assert_ne!(s2.run, s.run);
    assert_eq!(sizes(&s2), [3]);
    // an old run's answer arriving now is still ignored
    assert!(!c2.apply(s.run, 0, &answer(&s.requests[0], &[1], &[])));
    assert_eq!(c2.counts().pending, 3);
    assert!(!c2.apply(s2.run, 0, &answer(&s2.requests[0], &[3], &[])));
    assert_eq!(c2.abnormal_text(), "3");
}

#[test]
fn known_hosts_carry_over_and_only_new_ones_are_asked() {
    let mut c = check("1 2");
    let s = c.start(false).unwrap();
    c.apply(s.run, 0, &answer(&s.requests[0], &[2], &[]));
    let mut more = c.next("biz", "2", host_ids("2 1 3"));
    assert_eq!(more.counts().pending, 1);
    assert_eq!(more.hosts_in(Agent::Abnormal, 9), [2]);
    assert_eq!(sizes(&more.start(false).unwrap()), [1]);
    // "Check hosts" asks about every host afresh
    let mut again = c.next("biz", "2", host_ids("2 1 3"));
    let s = again.start(true).unwrap();
    assert_eq!(s.requests[0].host_id_list, Some(vec![2, 1, 3]));
    assert_eq!(again.counts().pending, 3);
    // another business: nothing carries over
    assert_eq!(c.next("biz", "3", host_ids("1 2")).counts().pending, 2);
    assert!(c.is_for("biz", "2", &[1, 2]));
    assert!(!c.is_for("biz", "2", &[2, 1]));
}

#[test]
fn a_failed_chunk_stops_the_run_and_leaves_its_hosts_unchecked() {
    let mut c = check(&list(1..=12_000));
    let s = c.start(true).unwrap();
    assert!(c.apply(s.run, 0, &answer(&s.requests[0], &[], &[])));
    let denied = CallError::Api {
        http_status: 200,
        code: 9_900_403,
        message: "no".into(),
        job_request_id: None,
        permission: None,
    };
    assert!(c.fail(s.run, denied));
    assert_eq!(c.error().and_then(CallError::code), Some(9_900_403));
    assert_eq!(c.progress(), None);
    assert_eq!(c.counts().pending, 7_000);
    assert_eq!(c.message(), Message::Unchecked);
    // an explicit check again clears the error and asks the rest
    let again = c.start(false).unwrap();
    assert!(c.error().is_none());
    assert_eq!(sizes(&again), [5_000, 2_000]);
}

#[test]
fn the_automatic_check_waits_for_the_typing_to_stop_and_stays_under_one_call() {
    let c = check("1 2 3");
    assert_eq!(c.auto(0), Auto::Wait(DEBOUNCE_MS));
    assert_eq!(c.auto(300), Auto::Wait(DEBOUNCE_MS - 300));
    assert_eq!(c.auto(i64::from(DEBOUNCE_MS)), Auto::Check);
    // a clock that went back waits the whole time
    assert_eq!(c.auto(-5), Auto::Wait(DEBOUNCE_MS));
    // 5,000 ids: automatic; 5,001: only the button
    assert_eq!(check(&list(1..=5_000)).auto(900), Auto::Check);
    assert_eq!(check(&list(1..=5_001)).auto(900), Auto::Manual);
    assert_eq!(check(&list(1..=50_000)).auto(900), Auto::Manual);
    // nothing to check, or no business yet
    assert_eq!(check("x 0").auto(900), Auto::Idle);
    assert_eq!(
        HostCheck::default()
            .next("biz", "", host_ids("1"))
            .auto(900),
        Auto::Idle
    );
    // running: no second run
    let mut running = check("1");
    running.start(false).unwrap();
    assert_eq!(running.auto(900), Auto::Idle);
}

#[test]
fn an_empty_list_has_nothing_to_warn_about() {
    let mut c = check("");
    assert!(c.start(true).is_none());
    assert_eq!(
        c.message(),
        Message::Checked {
            abnormal: 0,
            unknown: 0
        }
    );
}

#[test]
fn the_list_shows_abnormal_hosts_first_and_stops_at_the_cap() {
    let mut c = check("1 2 3 4 5");
    let s = c.start(false).unwrap();
    c.apply(s.run, 0, &answer(&s.requests[0], &[4, 2], &[1, 5]));
    use Agent::{Abnormal, Unknown};
    assert_eq!(
        c.not_normal(10),
        [(2, Abnormal), (4, Abnormal), (1, Unknown), (5, Unknown)]
    );
    assert_eq!(
        c.not_normal(3),
        [(2, Abnormal), (4, Abnormal), (1, Unknown)]
    );
    assert_eq!(c.not_normal(1), [(2, Abnormal)]);
}
