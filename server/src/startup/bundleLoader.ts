// Loads one of ConvLens's CommonJS bundles (dist/*.js) with V8's code cache, so that a process
// does not compile the same half megabyte of JavaScript on every start. Node 20 has no compile
// cache of its own (module.enableCompileCache came in 22.1), and the CLI and the language server
// are started often: the cache took the CLI's whole run on ResNet-50 from ~370 to ~300 ms CPU.
//
// The cache is V8's own serialised bytecode, written with `Script#createCachedData` after the
// process has run (so it holds the functions the run compiled, not only the top level). V8 checks
// the data against the source and its own version and flags and rejects what does not match; a
// rejected or unreadable entry only costs the ordinary compile, and is written again. Entries are
// named by the bundle's path, size and mtime and the Node version, so a rebuilt bundle or another
// Node never meets an older entry; older entries of the same bundle are removed when one is
// written. Nothing here throws because of the cache: every failure falls back to compiling.

import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export interface LoadedBundle<T> {
  exports: T;
  /** What the code cache gave: `used` (V8 accepted it), `missing`, `rejected`, or `off` (no folder). */
  codeCache: 'used' | 'missing' | 'rejected' | 'off';
  /** Writes the code cache when there was none or V8 rejected it; later calls do nothing. */
  saveCodeCache(): void;
}

const CACHE_SUFFIX = '.v8cache';

/** 32-bit FNV-1a of a string, as 8 hex digits. Not node:crypto: loading it costs the CLI ~8 ms,
 *  and a cache name needs no cryptographic strength (V8 itself checks the data against the source). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function entryName(file: string): string {
  const stat = statSync(file);
  // Two hashes of different halves of the key: 64 bits, so unrelated bundles do not share a name.
  const key = fnv1a(`${file}\0${stat.size}`) + fnv1a(`${stat.mtimeMs}\0${process.version}\0${process.arch}\0${file}`);
  return `${basename(file)}-${key}${CACHE_SUFFIX}`;
}

function readEntry(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeEntry(dir: string, name: string, data: Buffer, bundle: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, join(dir, name));
    // One entry per bundle: the ones of earlier builds or other Node versions go.
    const prefix = `${bundle}-`;
    for (const other of readdirSync(dir)) {
      if (other !== name && other.startsWith(prefix) && other.endsWith(CACHE_SUFFIX)) unlinkSync(join(dir, other));
    }
  } catch {
    // A cache that cannot be written is only a slower next start.
  }
}

/**
 * Runs `file` (a CommonJS bundle) as Node's `require` would, compiling it with the code cache kept
 * in `cacheDir` (null: no cache). Its own `require` resolves relative to `file`.
 */
export function loadBundle<T>(file: string, cacheDir: string | null): LoadedBundle<T> {
  // A bundle starts with a `#!` line when it is also a command; as a function body that is no syntax.
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  let name: string | undefined;
  let cached: Buffer | undefined;
  if (cacheDir !== null) {
    try {
      name = entryName(file);
      cached = readEntry(join(cacheDir, name));
    } catch {
      name = undefined;
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapper, { filename: file, cachedData: cached });
  const codeCache = name === undefined ? 'off' : cached === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'used';
  let needsWrite = codeCache === 'missing' || codeCache === 'rejected';
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    exports: module.exports as T,
    codeCache,
    saveCodeCache() {
      if (!needsWrite || cacheDir === null || name === undefined) return;
      needsWrite = false;
      try {
        writeEntry(cacheDir, name, script.createCachedData(), basename(file));
      } catch {
        // as above: only a slower next start
      }
    },
  };
}
