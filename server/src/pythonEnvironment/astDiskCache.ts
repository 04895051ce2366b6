// The typed AST of installed library files, kept on disk between processes (AnalyzeOptions.astCache).
// The first analysis in a fresh process that imports torchvision parses about a hundred library
// files (1.4 MB of Python): with this cache a later process reads their ASTs instead.
//
// Only library files come here (the engine decides: Interpreter.isLibraryFile), never the user's.
//
// An entry is keyed by a hash of: AST_FORMAT_VERSION, a stamp of the code that makes ASTs (see
// codeStamp), the file's path and its text. Whoever changes the AST's form (ast.ts) or how it is
// made (parse.ts, lezer/*.ts) must bump AST_FORMAT_VERSION; the stamp catches a forgotten bump
// when running from source (the converter's files) or from a bundle (the bundle file itself).
//
// Entry layout: one header line `convlens-ast <version> <crc32 of the rest> <length>,<length>,...\n`,
// then the UTF-8 JSON of the module with the bodies of its outermost functions left out (each
// replaced by its index), then the JSON of each such body, back to back; the lengths are in bytes.
// A body is decoded and parsed the first time it is read (most library functions are never called
// by a given model), through a getter that then turns into a plain property.
//
// Writes go to a temporary file renamed into place, so a concurrent reader sees the whole entry
// or none. An entry that cannot be read, fails its checksum or does not parse is a miss (the file
// is parsed again and the entry rewritten); nothing here throws. The folder is bounded in total
// size: past the bound, the least recently used entries go (a hit refreshes an entry's mtime).

import type * as Crypto from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Zlib from 'node:zlib';
import type * as ast from '../engine/python/ast';
import { parsePython } from '../engine/python/parse';
import type { AstCache } from '../engine/report';
import { convlensCacheDir } from '../startup/cacheDir';

/** Bump whenever ast.ts, parse.ts or lezer/*.ts change what a parse produces. */
export const AST_FORMAT_VERSION = 3;
export const DEFAULT_AST_CACHE_BYTES = 256 * 1024 * 1024;
const MAGIC = 'convlens-ast';
const ENTRY_SUFFIX = '.ast';
/** Temporary files of writes that never finished (a killed process) are removed after this. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface AstDiskCacheOptions {
  /** The folder holding the entries (created when first written). */
  dir: string;
  /** Bound on the entries' total size in bytes (default 256 MB). */
  maxBytes?: number;
}

/** The AST cache's folder: `ast` in ConvLens's cache folder (startup/cacheDir.ts), or null when
 *  caching is off or no folder can be named. */
export function astCacheDirFor(env: Record<string, string | undefined>): string | null {
  const dir = convlensCacheDir(env);
  return dir === null ? null : join(dir, 'ast');
}

/** The cache as the environment asks for it (see astCacheDirFor), or undefined when it is off. */
export function astDiskCacheFromEnv(env: Record<string, string | undefined>): AstDiskCache | undefined {
  const dir = astCacheDirFor(env);
  return dir ? new AstDiskCache({ dir }) : undefined;
}

let stamp: string | undefined;

/** Size and mtime of the code that makes ASTs: the converter's sources when running from them,
 *  else the bundle this runs in. A rebuilt or edited converter never reads an older entry. */
function codeStamp(): string {
  if (stamp !== undefined) return stamp;
  const sources = ['ast.ts', 'parse.ts', 'lezer/convert.ts', 'lezer/repair.ts', 'lezer/literals.ts'].map((f) => join(__dirname, '../engine/python', f));
  const parts: string[] = [];
  for (const file of sources) {
    try {
      const s = statSync(file);
      parts.push(`${s.size}:${s.mtimeMs}`);
    } catch {
      // not running from source
    }
  }
  const extra = parts.length ? lezerStamp() : [__filename];
  for (const file of extra) {
    try {
      const s = statSync(file);
      parts.push(`${s.size}:${s.mtimeMs}`);
    } catch {
      // nothing to stamp with: the version constant alone
    }
  }
  stamp = parts.join(',');
  return stamp;
}

function lezerStamp(): string[] {
  try {
    return [require.resolve('@lezer/python'), require.resolve('@lezer/common'), require.resolve('@lezer/lr')];
  } catch {
    return [];
  }
}

type Json = Record<string, unknown>;

export class AstDiskCache implements AstCache {
  readonly dir: string;
  readonly maxBytes: number;
  private folderMade = false;
  /** Total size of the entries, counted at the first write (then kept up to date); null before. */
  private totalBytes: number | null = null;

  constructor(options: AstDiskCacheOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_AST_CACHE_BYTES;
  }

  /** The entry's file for a path and text. */
  entryFile(path: string, text: string): string {
    const hash = crypto().createHash('sha1').update(`${AST_FORMAT_VERSION}\0${codeStamp()}\0${path}\0`).update(text).digest('hex');
    return join(this.dir, hash + ENTRY_SUFFIX);
  }

  get(path: string, text: string): ast.PyModule | null {
    let file: string;
    let data: Buffer;
    try {
      file = this.entryFile(path, text);
      data = readFileSync(file);
    } catch {
      return null;
    }
    let module: ast.PyModule | null;
    try {
      module = decode(data, text);
    } catch {
      module = null;
    }
    if (!module) return null;
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // removed meanwhile by another process's pruning: the module read is whole all the same
    }
    return module;
  }

  set(path: string, text: string, module: ast.PyModule): void {
    try {
      const data = encode(module);
      if (data === null) return;
      const file = this.entryFile(path, text);
      if (!this.folderMade) {
        mkdirSync(this.dir, { recursive: true });
        this.folderMade = true;
      }
      const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      const bytes = data;
      try {
        writeFileSync(temp, bytes);
        renameSync(temp, file);
      } catch (e) {
        try {
          unlinkSync(temp);
        } catch {
          // never written
        }
        throw e;
      }
      if (this.totalBytes === null) this.totalBytes = this.measure();
      else this.totalBytes += bytes.length;
      if (this.totalBytes > this.maxBytes) this.prune(file);
    } catch {
      // a cache that cannot be written is no cache: the analysis goes on
    }
  }

  /** The entries' total size; temporary files of dead writes are removed on the way. */
  private measure(): number {
    let total = 0;
    const now = Date.now();
    for (const name of readdirSync(this.dir)) {
      const full = join(this.dir, name);
      try {
        const s = statSync(full);
        if (name.endsWith(ENTRY_SUFFIX)) total += s.size;
        else if (name.endsWith('.tmp') && now - s.mtimeMs > STALE_TEMP_MS) unlinkSync(full);
      } catch {
        // gone meanwhile
      }
    }
    return total;
  }

  /** Remove the least recently used entries until the folder holds at most 3/4 of the bound. */
  private prune(keep: string): void {
    const entries: { file: string; size: number; mtimeMs: number }[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(ENTRY_SUFFIX)) continue;
      const file = join(this.dir, name);
      try {
        const s = statSync(file);
        entries.push({ file, size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    const goal = Math.floor(this.maxBytes * 0.75);
    for (const e of entries) {
      if (total <= goal) break;
      if (e.file === keep) continue;
      try {
        unlinkSync(e.file);
      } catch {
        // removed by another process
      }
      total -= e.size;
    }
    this.totalBytes = total;
  }
}

// ---------- the entry format ----------

// node:crypto and node:zlib are loaded on first use: a command that reads no library (most CLI
// runs on a self-contained file) does not pay the ~14 ms their loading costs.
let cryptoModule: typeof Crypto | undefined;
const crypto = (): typeof Crypto => (cryptoModule ??= require('node:crypto') as typeof Crypto);
let zlibModule: typeof Zlib | undefined;
const zlib = (): typeof Zlib => (zlibModule ??= require('node:zlib') as typeof Zlib);

/** zlib.crc32 (Node 20.15 and later); without it entries carry no checksum. */
function crc32(data: string | Uint8Array): number | null {
  const z = zlib() as { crc32?: (d: string | Uint8Array) => number };
  return typeof z.crc32 === 'function' ? z.crc32(data) : null;
}

/** The entry's text for a module, or null when JSON cannot carry it exactly. */
export function encode(module: ast.PyModule): Buffer | null {
  const bodies: string[] = [];
  let exact = true;
  // Run-time additions to nodes (`$site`, `$value`, `$generator`: interpreter.ts) are never written; values JSON
  // would change (Infinity, NaN, undefined) make the module one not to cache.
  const replacer = (key: string, value: unknown): unknown => {
    if (key.charCodeAt(0) === 36) return undefined;
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) exact = false;
    return value;
  };
  const outer = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(outer);
    if (value === null || typeof value !== 'object') return value;
    const node = value as Json;
    const copy: Json = {};
    for (const key of Object.keys(node)) {
      if (key.charCodeAt(0) === 36) continue;
      if (key === 'body' && node.kind === 'FunctionDef' && Array.isArray(node.body)) {
        copy.body = bodies.length;
        bodies.push(JSON.stringify(node.body, replacer));
      } else copy[key] = outer(node[key]);
    }
    return copy;
  };
  const main = JSON.stringify(outer(module), replacer);
  if (!exact) return null;
  const chunks = [main, ...bodies].map((c) => Buffer.from(c, 'utf8'));
  const payload = Buffer.concat(chunks);
  const header = `${MAGIC} ${AST_FORMAT_VERSION} ${crc32(payload) ?? '-'} ${chunks.map((c) => c.length).join(',')}\n`;
  return Buffer.concat([Buffer.from(header, 'latin1'), payload]);
}

/** The module of an entry's bytes, or null when the entry is not whole; `text` is the file's
 *  source, parsed again should a lazily read body turn out unreadable. */
export function decode(bytes: Buffer, text: string): ast.PyModule | null {
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 1 << 20) return null;
  const header = bytes.toString('latin1', 0, newline).split(' ');
  if (header.length !== 4 || header[0] !== MAGIC || header[1] !== String(AST_FORMAT_VERSION)) return null;
  const lengths = header[3]!.split(',').map(Number);
  if (lengths.length === 0 || lengths.some((n) => !Number.isInteger(n) || n < 0)) return null;
  if (bytes.length - newline - 1 !== lengths.reduce((a, b) => a + b, 0)) return null;
  if (header[2] !== '-') {
    const sum = crc32(bytes.subarray(newline + 1));
    if (sum !== null && String(sum) !== header[2]) return null;
  }
  // Only the module's outer part is decoded now; each body's bytes when it is first read.
  let at = newline + 1;
  const main = JSON.parse(bytes.toString('utf8', at, at + lengths[0]!)) as ast.PyModule;
  if (!main || main.kind !== 'Module' || !Array.isArray(main.body) || !Array.isArray(main.errors)) return null;
  at += lengths[0]!;
  const starts: number[] = [];
  for (let i = 1; i < lengths.length; i++) {
    starts.push(at);
    at += lengths[i]!;
  }
  let fresh: ast.PyModule | null = null;
  const readBody = (fn: Json, index: number): ast.Stmt[] => {
    const start = starts[index];
    try {
      if (start === undefined) throw new Error('no such body');
      const body = JSON.parse(bytes.toString('utf8', start, start + lengths[index + 1]!)) as unknown;
      if (!Array.isArray(body)) throw new Error('not a body');
      return body as ast.Stmt[];
    } catch {
      // Not expected after the checksum; the same function in a fresh parse of the text is.
      fresh ??= parsePython(text);
      return findFunction(fresh, fn.from as number, fn.to as number)?.body ?? [];
    }
  };
  installLazyBodies(main, readBody);
  return main;
}

/** Outside function bodies, every FunctionDef whose body is an index gets it on first read. */
function installLazyBodies(value: unknown, readBody: (fn: Json, index: number) => ast.Stmt[]): void {
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') installLazyBodies(v, readBody);
    return;
  }
  const node = value as Json;
  for (const key in node) {
    const v = node[key];
    if (key === 'body' && typeof v === 'number' && node.kind === 'FunctionDef') {
      lazyBody(node, v, readBody);
    } else if (v !== null && typeof v === 'object') installLazyBodies(v, readBody);
  }
}

function lazyBody(fn: Json, index: number, readBody: (fn: Json, index: number) => ast.Stmt[]): void {
  const settle = (body: unknown): void => {
    Object.defineProperty(fn, 'body', { value: body, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(fn, 'body', {
    enumerable: true,
    configurable: true,
    get(): ast.Stmt[] {
      const body = readBody(fn, index);
      settle(body);
      return body;
    },
    set: settle,
  });
}

function findFunction(value: unknown, from: number, to: number): ast.FunctionDef | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = v !== null && typeof v === 'object' ? findFunction(v, from, to) : null;
      if (found) return found;
    }
    return null;
  }
  const node = value as Json;
  if (node.kind === 'FunctionDef' && node.from === from && node.to === to) return node as unknown as ast.FunctionDef;
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (v !== null && typeof v === 'object') {
      const found = findFunction(v, from, to);
      if (found) return found;
    }
  }
  return null;
}
