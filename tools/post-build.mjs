// Trunk post_build hook (Trunk.toml), release builds only: minify the JS glue (and fix its
// integrity hashes), then write the precompressed .br/.gz copies of the final files. One hook
// so the order is certain: the copies must be made from the minified files.
import { minifyJs } from './minify-js.mjs';
import { precompress } from './precompress.mjs';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run this as a Trunk hook');

await minifyJs(dir);
precompress(dir);
