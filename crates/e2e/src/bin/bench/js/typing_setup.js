// Shared by type_in_form.js and type_in_editor.js (prepended by typing.rs): the page's
// script and host-list controls, a 1 MiB script and `lines` targets, and the timing helpers.
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
