const n = arguments[0];
const rows = new Array(n);
const t0 = 1767225600000;
for (let i = 0; i < n; i++) {
  // Mostly successes, a share with a custom tag, some script failures, some agent errors.
  const failed = i % 50 === 7, agent = i % 997 === 3;
  const status = agent ? 1 : failed ? 104 : 9;
  rows[i] = {
    bk_host_id: 1000000 + i,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    bk_cloud_id: i % 3 === 0 ? 1 : 0,
    status,
    tag: status === 9 && i % 10 === 0 ? "slow" : "",
    exit_code: status === 9 ? 0 : failed ? 1 : undefined,
    error_code: 0,
    start_time: t0 + (i % 1000),
    end_time: t0 + 2000 + (i % 1000),
    total_time: 2000,
  };
}
const body = JSON.stringify({
  result: true, code: 0, message: "success", job_request_id: "bench",
  data: {
    finished: true,
    job_instance: { job_instance_id: 1, name: "bench", status: 4, create_time: t0, start_time: t0,
                    end_time: t0 + 3000, total_time: 3000, bk_scope_type: "biz", bk_scope_id: "2" },
    step_instance_list: [{ step_instance_id: 1, name: "bench", type: 1, status: 4, execute_count: 0,
                           create_time: t0, start_time: t0, end_time: t0 + 3000, total_time: 3000,
                           step_ip_result_list: rows }],
  },
});
window.__jobBody = body;
return body.length;
