const done = arguments[arguments.length - 1];
const body = window.__jobBody;
if (!window.__realFetch) window.__realFetch = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === "string" ? input : input.url;
  if (url.includes("get_job_instance_status")) {
    return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
  }
  return window.__realFetch.call(window, input, init);
};
const go = (path) => { history.pushState(null, "", path); dispatchEvent(new PopStateEvent("popstate", { state: null })); };
const ready = () => {
  const root = document.getElementById("job-view");
  return !!(root && root.querySelector(".job-host-row") && root.querySelector(".job-group-tab"));
};
(async () => {
  go("/");
  await new Promise((r) => setTimeout(r, 300));
  if (document.getElementById("job-view")) { done("the job view stayed mounted on /"); return; }
  let finished = false;
  const finish = (v) => { if (!finished) { finished = true; obs.disconnect(); done(v); } };
  const obs = new MutationObserver(() => { if (ready()) finish(performance.now() - t0); });
  obs.observe(document.body, { childList: true, subtree: true });
  const t0 = performance.now();
  go("/jobs/biz/2/1");
  if (ready()) finish(performance.now() - t0);
  setTimeout(() => finish(null), 60000);
})();
