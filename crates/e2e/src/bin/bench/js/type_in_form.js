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
