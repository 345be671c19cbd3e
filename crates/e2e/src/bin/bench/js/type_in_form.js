const done = arguments[arguments.length - 1];
const [scriptBytes, lines, runs] = [arguments[0], arguments[1], arguments[2]];
const ta = document.querySelector('[name="script_content"]');
const ips = document.querySelector('[name="ip_list"]');
if (!ta || !ips) { done(null); return; }
const line = "echo \"hello 世界\" && ls -l /tmp\n";
const script = line.repeat(Math.ceil(scriptBytes / new TextEncoder().encode(line).length));
let list = "";
for (let i = 0; i < lines; i++) list += `0:10.${(i / 62500) | 0}.${((i / 250) | 0) % 250}.${i % 250}\n`;
const input = (el, v) => { el.value = v; el.dispatchEvent(new Event("input", { bubbles: true })); };
const nextTask = () => new Promise((r) => setTimeout(r, 0));
// Leptos runs effects as microtasks: drained here, before any rendering step can run.
const drain = async () => { for (let k = 0; k < 50; k++) await Promise.resolve(); };
(async () => {
  input(ips, list);
  input(ta, script);
  await new Promise((r) => setTimeout(r, 200));
  const work = [], total = [];
  for (let i = 0; i < runs; i++) {
    const v = script + (i % 2 ? "x" : "");
    ta.value = v;
    const t0 = performance.now();
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    await drain();
    const t1 = performance.now();
    await nextTask();
    work.push(t1 - t0);
    total.push(performance.now() - t0);
  }
  // Leave a small form behind (the draft is stored).
  input(ta, "echo hello\n");
  input(ips, "");
  await nextTask();
  done({ work, total });
})();
