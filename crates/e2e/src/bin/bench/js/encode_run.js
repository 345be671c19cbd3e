const which = arguments[0];
const s = window.__benchScript;
const t0 = performance.now();
const out = which === "wasm" ? window.wasmBindings.bench_encode_base64(s) : window.__nativeB64(s);
const ms = performance.now() - t0;
window["__out_" + which] = out;
return ms;
