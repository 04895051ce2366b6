// The code-cache loader (server/src/startup/bundleLoader.ts) on small bundles written here, and the
// built CLI writing and then reading its cache. What matters: the module runs as Node would run
// it (exports, module.exports, relative require, a #! line), the cache is written once and then
// accepted by V8, and a damaged or foreign entry only costs a compile (and is replaced).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadBundle } from '../../server/src/startup/bundleLoader';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs `body` with a new temporary folder, removed afterwards. */
function inFolder(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-bundle-loader-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeBundle(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

test('a bundle runs like a CommonJS module: exports, this, relative require, __filename, a #! line', () =>
  inFolder((dir) => {
    writeBundle(dir, 'helper.js', 'module.exports = { twice: (x) => 2 * x };');
    const file = writeBundle(dir, 'main.js', '#!/usr/bin/env node\nconst { twice } = require("./helper.js");\nexports.value = twice(21);\nexports.self = this === exports;\nexports.file = __filename;\nexports.dir = __dirname;\nexports.path = require("node:path").sep;');
    const bundle = loadBundle<{ value: number; self: boolean; file: string; dir: string; path: string }>(file, null);
    assert.equal(bundle.exports.value, 42);
    assert.equal(bundle.exports.self, true);
    assert.equal(bundle.exports.file, file);
    assert.equal(bundle.exports.dir, dir);
    assert.equal(bundle.exports.path, '/');
    assert.equal(bundle.codeCache, 'off');
  }));

test('module.exports replaced by the bundle is what the caller gets', () =>
  inFolder((dir) => {
    const file = writeBundle(dir, 'b.js', 'module.exports = function answer() { return 7; };');
    assert.equal(loadBundle<() => number>(file, null).exports(), 7);
  }));

/** Loads `file` in a new Node process (V8 keeps compiled scripts per process, which would hide
 *  what the cache does) and saves its code cache; what the loader said and the module's exports. */
function loadInChild(file: string, cache: string): { codeCache: string; exports: Record<string, unknown> } {
  const code = `const { loadBundle } = require(${JSON.stringify(join(ROOT, 'server/src/startup/bundleLoader.ts'))});
const b = loadBundle(${JSON.stringify(file)}, ${JSON.stringify(cache)});
b.saveCodeCache();
b.saveCodeCache();
process.stdout.write(JSON.stringify({ codeCache: b.codeCache, exports: b.exports }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { codeCache: string; exports: Record<string, unknown> };
}

test('the cache is written once, accepted by V8 in the next process, and a damaged entry is replaced', () =>
  inFolder((dir) => {
    const cache = join(dir, 'cache');
    // Enough functions that V8's cache is more than a header.
    const body = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join('\n') + '\nexports.sum = f3(2) + f49(1);';
    const file = writeBundle(dir, 'big.js', body);
    const first = loadInChild(file, cache);
    assert.deepEqual(first, { codeCache: 'missing', exports: { sum: 3 * 2 + 3 + 49 + 49 } });
    const entries = readdirSync(cache);
    assert.equal(entries.length, 1);
    assert.match(entries[0], /^big\.js-[0-9a-f]{16}\.v8cache$/);
    const written = statSync(join(cache, entries[0])).mtimeMs;

    assert.deepEqual(loadInChild(file, cache), { codeCache: 'used', exports: first.exports });
    // Accepted: not written again.
    assert.equal(statSync(join(cache, entries[0])).mtimeMs, written);

    // Garbage where the entry was: V8 rejects it, the module still runs, the entry is rewritten.
    const entry = join(cache, entries[0]);
    writeFileSync(entry, Buffer.alloc(readFileSync(entry).length, 7));
    assert.deepEqual(loadInChild(file, cache), { codeCache: 'rejected', exports: first.exports });
    assert.deepEqual(loadInChild(file, cache), { codeCache: 'used', exports: first.exports });
  }));

test('a rebuilt bundle gets a new entry and the old one goes', () =>
  inFolder((dir) => {
    const cache = join(dir, 'cache');
    const file = writeBundle(dir, 'b.js', 'exports.v = 1;');
    loadBundle(file, cache).saveCodeCache();
    const before = readdirSync(cache);
    writeBundle(dir, 'b.js', 'exports.v = 22;');
    const rebuilt = loadBundle<{ v: number }>(file, cache);
    assert.equal(rebuilt.exports.v, 22);
    assert.notEqual(rebuilt.codeCache, 'used');
    rebuilt.saveCodeCache();
    const after = readdirSync(cache);
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
  }));

test('a cache folder that cannot be made is only a slower start', () =>
  inFolder((dir) => {
    const file = writeBundle(dir, 'b.js', 'exports.v = 3;');
    const blocker = writeBundle(dir, 'not-a-folder', 'x');
    const bundle = loadBundle<{ v: number }>(file, join(blocker, 'cache'));
    assert.equal(bundle.exports.v, 3);
    assert.doesNotThrow(() => bundle.saveCodeCache());
  }));

test('the built CLI writes its code cache on the first analysis and the same report comes from the cached run; --no-cache writes nothing', () =>
  inFolder((dir) => {
    const run = (...extra: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'analyze', join(ROOT, 'examples/vae_decoder.py'), '--format', 'json', ...extra], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CONVLENS_CACHE_DIR: dir },
      });
    const off = run('--no-cache');
    assert.equal(off.status, 0, off.stderr);
    assert.deepEqual(readdirSync(dir), []);
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(readdirSync(join(dir, 'code')).map((f) => f.replace(/-[0-9a-f]{16}/, '-KEY')), ['cli-analyze.js-KEY.v8cache']);
    const entry = join(dir, 'code', readdirSync(join(dir, 'code'))[0]!);
    const written = statSync(entry).mtimeMs;
    const second = run();
    assert.equal(second.status, 0, second.stderr);
    // Accepted, so not written again: the CLI sets its V8 flags (shortRun.ts) before compiling.
    assert.equal(statSync(entry).mtimeMs, written);
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.stdout, off.stdout);
    const models = (JSON.parse(second.stdout) as { models: unknown[] }).models;
    assert.ok(models.length > 0);
  }));

/** One language-server process (the built dist/server.js): initialize, shutdown, exit. */
function serverSession(cacheDir: string): void {
  const frame = (m: object) => {
    const body = JSON.stringify(m);
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const input = [
    frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }),
    frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }),
    frame({ jsonrpc: '2.0', method: 'exit' }),
  ].join('');
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { input, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CONVLENS_CACHE_DIR: cacheDir } });
  assert.equal(r.signal, null, r.stderr);
}

test('the built language server writes its code cache once and the next start accepts it (its V8 flags are set before the bundle is compiled)', () =>
  inFolder((dir) => {
    serverSession(dir);
    const [entry] = readdirSync(join(dir, 'code'));
    assert.match(entry ?? '', /^server-main\.js-[0-9a-f]{16}\.v8cache$/);
    const written = statSync(join(dir, 'code', entry!)).mtimeMs;
    serverSession(dir);
    // A rejected cache is written again at exit; an accepted one is left as it was.
    assert.equal(statSync(join(dir, 'code', entry!)).mtimeMs, written);
  }));
