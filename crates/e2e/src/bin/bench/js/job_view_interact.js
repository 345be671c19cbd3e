const done = arguments[arguments.length - 1];
const [what, runs] = [arguments[0], arguments[1]];
const root = document.getElementById("job-view");
if (!root) { done("no job view"); return; }
const nextTask = () => new Promise((r) => setTimeout(r, 0));
const firstRow = () => { const r = root.querySelector(".job-host-row"); return r ? r.getAttribute("data-host-id") : ""; };
const queries = ["10.0.1", "1:10.0.12", "1000123", "10.0.2", ""];
(async () => {
  const out = [];
  let changed = 0;
  for (let i = 0; i < runs; i++) {
    const before = firstRow() + "|" + (root.querySelector('[data-field="filter_count"]') || {}).textContent;
    let t0;
    if (what === "switch") {
      const tabs = root.querySelectorAll(".job-group-tab");
      if (tabs.length < 2) { done("fewer than 2 group tabs"); return; }
      const tab = tabs[(i + 1) % tabs.length];
      t0 = performance.now();
      tab.click();
    } else {
      const input = root.querySelector('[name="host_filter"]');
      if (!input) { done("no host_filter input"); return; }
      input.value = queries[i % queries.length];
      t0 = performance.now();
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    await nextTask();
    out.push(performance.now() - t0);
    const after = firstRow() + "|" + (root.querySelector('[data-field="filter_count"]') || {}).textContent;
    if (after !== before) changed++;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  }
  done({ ms: out, changed });
})();
