// Trunk pre_build hook (Trunk.toml), every build:
// 1. Forget the JS snippets of earlier builds. wasm-bindgen writes each `inline_js` as
//    snippets/<crate>/inlineN.js into an output folder Trunk never empties, and Trunk preloads
//    every file found there: an old snippet would be downloaded by every first visit.
// 2. Bundle the on-demand script editor (src/form/editor/codemirror.mjs: CodeMirror 6 from
//    node_modules, pinned in package-lock.json) into one ES module, `fastexec-editor.js`, in
//    Trunk's staging folder. The app imports it on the first focus of the script box
//    (src/lazy/bridge.rs); the first visit never downloads it. esbuild is an npm package
//    (nothing is downloaded at build time).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const target = process.env.CARGO_TARGET_DIR || 'target';
const profile = process.env.TRUNK_PROFILE === 'release' ? 'release' : 'debug';
rmSync(join(target, 'wasm-bindgen', profile, 'snippets'), { recursive: true, force: true });

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run this as a Trunk hook');

await build({
  entryPoints: ['src/form/editor/codemirror.mjs'],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  // Release builds are minified here (the post-build minifier then finds little to do);
  // `trunk serve` keeps it readable.
  minify: process.env.TRUNK_PROFILE === 'release',
  legalComments: 'none',
  outfile: join(dir, 'fastexec-editor.js'),
  logLevel: 'warning',
});
