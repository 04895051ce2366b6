// The ConvLens language server's entry: `node dist/server.js --stdio` (or --node-ipc, as the VS
// Code client starts it). It loads the server itself (serverMain.ts, dist/server-main.js) with V8's
// code cache, so that each editor window's server does not compile the whole bundle again.

import { join } from 'node:path';
import { limitHeapGrowth } from './lsp/heapGrowth';
import { loadBundle } from './startup/bundleLoader';
import { convlensCacheDir } from './startup/cacheDir';

/** Long enough for the first analyses to have compiled what they use, so the cache holds it. */
const SAVE_CODE_CACHE_AFTER_MS = 20_000;

// Before the bundle is compiled: V8 keys its code cache by its flags, so a flag set later would
// make every start reject the cache written by the one before.
limitHeapGrowth();
const cacheDir = convlensCacheDir(process.env);
const bundle = loadBundle<unknown>(join(__dirname, 'server-main.js'), cacheDir === null ? null : join(cacheDir, 'code'));
setTimeout(() => bundle.saveCodeCache(), SAVE_CODE_CACHE_AFTER_MS).unref();
process.once('exit', () => bundle.saveCodeCache());
