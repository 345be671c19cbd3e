const target = arguments[0];
const line = "echo '你好，世界' && printf '%s\\n' \"快速执行脚本 fast_execute_script\" # 中文注释 CJK\n";
const enc = new TextEncoder();
const per = enc.encode(line).length;
let s = line.repeat(Math.floor(target / per));
s += "x".repeat(target - enc.encode(s).length);
window.__benchScript = s;
window.__nativeB64 = function (str) {
  const bytes = new TextEncoder().encode(str);
  const CHUNK = 3 * 8192; // a multiple of 3, so the pieces concatenate into one valid Base64
  const parts = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    parts.push(btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK))));
  }
  return parts.join("");
};
let cjk = 0;
for (const ch of line) if (ch.charCodeAt(0) > 0x2e80) cjk++;
return { bytes: enc.encode(s).length, chars: s.length, cjk_per_line: cjk, line_bytes: per };
