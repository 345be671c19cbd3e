(async () => {
  // The first focus loads the code editor (src/lazy/bridge.rs): focus → editor in place.
  const f0 = performance.now();
  ta.focus();
  for (let k = 0; k < 1000 && !ta.fastexecEditor; k++) await new Promise((r) => setTimeout(r, 5));
  if (!ta.fastexecEditor) { done(null); return; }
  const load = performance.now() - f0;
  input(ips, list);
  ta.value = script; // shown in the editor; the app gets it through the input event
  ta.dispatchEvent(new Event("input", { bubbles: true }));
  await new Promise((r) => setTimeout(r, 300));
  const view = ta.fastexecEditor.view;
  const work = [], total = [];
  for (let i = 0; i < runs; i++) {
    const end = view.state.doc.length;
    // One typed character (or its deletion), as CodeMirror applies a keystroke: the editor
    // updates, writes the text back to the form's textarea and fires its input event.
    const change = i % 2 ? { from: end - 1, to: end } : { from: end, insert: "x" };
    const t0 = performance.now();
    view.dispatch({ changes: change, selection: { anchor: i % 2 ? end - 1 : end + 1 }, userEvent: "input.type", scrollIntoView: true });
    await drain();
    const t1 = performance.now();
    await nextTask();
    work.push(t1 - t0);
    total.push(performance.now() - t0);
  }
  ta.value = "echo hello\n";
  ta.dispatchEvent(new Event("input", { bubbles: true }));
  input(ips, "");
  await nextTask();
  done({ load, work, total });
})();
