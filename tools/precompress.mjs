// Precompressed copies of the built app, written once at build time so the server never
// compresses a static file per request: `name.br` (brotli quality 11, the best ratio; too slow
// to run per request) and `name.gz` (gzip -9) next to every text or wasm file.
// fastexec-server (tower-http `precompressed_br/gzip`) and nginx (`brotli_static`/`gzip_static`)
// serve them as they are, picked by the request's Accept-Encoding.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// Formats that are already compressed (images, fonts) gain nothing.
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|svg|txt|map)$/;

const files = (d) =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)],
  );

export function precompress(dir) {
  for (const file of files(dir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const data = readFileSync(file);
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    const gz = gzipSync(data, { level: 9 });
    // A tiny file can grow; then there is nothing to gain and the server sends it as is.
    if (br.length < data.length) writeFileSync(file + '.br', br);
    if (gz.length < data.length) writeFileSync(file + '.gz', gz);
  }
}
