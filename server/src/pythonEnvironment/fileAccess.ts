// The engine's file access (AnalyzeOptions.readFile, whyNotRead, isDirectory, listDirectory)
// backed by node:fs. The engine is pure and never touches the disk itself; the CLI and the
// language server hand it these.
//
// ConvLens is run on code nobody has vetted (pull requests in CI, files from the internet), so
// what an analysis may read is narrow, and a refusal never shows any of the file's text:
//  - regular files only, checked with `stat` before opening and again on the open file (a FIFO or
//    a device named like a module would block or never end);
//  - source files only: the path and, once symbolic links are resolved, the real path end in a
//    source extension of a front end (a link `envmod.py → /proc/self/environ` is refused);
//  - inside the allowed roots (the project's folders and the module search path), after
//    resolving symbolic links;
//  - at most MAX_SOURCE_BYTES, read in bounded chunks (files in /proc say size 0).
// Every failure is "nothing there" (null) for the engine, which asks `whyNotRead` to tell the user.

import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { sep } from 'node:path';
import { nodeDirectoryView } from './searchPath';

/** The largest file ConvLens reads as source (an imported module, or the analysed file). */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
export const MAX_SOURCE_DESCRIPTION = '2 MB';

/** Source extensions of the two front ends (Python; TypeScript and JavaScript). */
const SOURCE_EXTENSION = /\.(py|pyi|ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export interface FileAccess {
  /** The UTF-8 text of a source file the rules allow, or null. */
  readFile(path: string): string | null;
  /** Why `readFile(path)` gave null when the path names something that exists (a FIFO, a file
   *  outside the roots, …); null when it does not exist or was read. */
  whyNotRead(path: string): string | null;
  /** Whether the path is a folder (following symbolic links). */
  isDirectory(path: string): boolean;
  /** The names in a folder, or null when it cannot be listed. */
  listDirectory(path: string): string[] | null;
}

export interface ReadRules {
  /** Folders whose files may be read, compared with the file's real path (nodeFileAccess
   *  resolves their links once; readSourceFile takes them as they are); undefined: any. */
  roots?: readonly string[];
  /** Default MAX_SOURCE_BYTES. */
  maxBytes?: number;
}

/** O_NONBLOCK: opening a FIFO for reading must not wait for a writer (absent on Windows). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Texts read before, by path, with the identity of the file they came from: every analysis
 *  follows the same imports (a torchvision model reads about a hundred library files), and a
 *  `stat` is far cheaper than reading and decoding the file again. Bounded by total size. */
interface CachedText { mtimeMs: number; size: number; ino: number; real: string; text: string }
const textCache = new Map<string, CachedText>();
const TEXT_CACHE_CHARS = 48 * 1024 * 1024;
let cachedChars = 0;

function remember(path: string, entry: CachedText): void {
  const old = textCache.get(path);
  if (old) cachedChars -= old.text.length;
  textCache.delete(path);
  textCache.set(path, entry);
  cachedChars += entry.text.length;
  for (const [key, value] of textCache) {
    if (cachedChars <= TEXT_CACHE_CHARS) break;
    textCache.delete(key);
    cachedChars -= value.text.length;
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

export type SourceRead = { text: string } | { refused: string } | { missing: true };

/** Reads at most `maxBytes` (+1 to tell a longer file) from an open file, whatever it says its size is. */
function readBounded(fd: number, maxBytes: number): Buffer | null {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) return null;
  }
  return Buffer.concat(chunks, total);
}

function isInside(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

/**
 * Reads `path` as source under the rules: its text, why it was refused (a sentence that names the
 * path's kind, never its content), or that nothing is there.
 */
export function readSourceFile(path: string, rules: ReadRules = {}): SourceRead {
  const maxBytes = rules.maxBytes ?? MAX_SOURCE_BYTES;
  let stat: Stats | undefined;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    return { refused: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (!stat) return { missing: true };
  if (!stat.isFile()) return stat.isDirectory() ? { missing: true } : { refused: `it is ${kindOf(stat)}, not a source file` };
  if (!SOURCE_EXTENSION.test(path)) return { refused: 'it is not a Python, TypeScript or JavaScript source file' };
  // A text read before from this very file (a link repointed elsewhere names another inode).
  const cached = textCache.get(path);
  const hit = cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size && cached.ino === stat.ino ? cached : undefined;
  let real: string;
  if (hit) {
    real = hit.real;
  } else {
    try {
      real = realpathSync(path);
    } catch {
      return { missing: true };
    }
  }
  if (!SOURCE_EXTENSION.test(real)) return { refused: 'it is a symbolic link to a file that is not a Python, TypeScript or JavaScript source file' };
  if (rules.roots && !isInside(real, rules.roots)) {
    return { refused: `it is a symbolic link to ${real}, outside the project and library folders ConvLens reads` };
  }
  if (stat.size > maxBytes) return { refused: `it is larger than ${describeBytes(maxBytes)}, the most ConvLens reads of one file` };
  if (hit) return { text: hit.text };
  let fd: number | undefined;
  try {
    fd = openSync(path, OPEN_FLAGS);
    // The path may have been replaced since the stat.
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { refused: `it is ${kindOf(opened)}, not a source file` };
    const bytes = readBounded(fd, maxBytes);
    if (bytes === null) return { refused: `it is larger than ${describeBytes(maxBytes)}, the most ConvLens reads of one file` };
    const text = bytes.toString('utf8');
    remember(path, { mtimeMs: opened.mtimeMs, size: opened.size, ino: opened.ino, real, text });
    return { text };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: true };
    return { refused: `it cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ?? 'error'})` };
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Nothing to do: the text, if any, is already read.
      }
    }
  }
}

function describeBytes(bytes: number): string {
  return bytes === MAX_SOURCE_BYTES ? MAX_SOURCE_DESCRIPTION : `${bytes} bytes`;
}

const MAX_REMEMBERED_REFUSALS = 1000;

/** File access for one analysis (or a series sharing the same roots). */
export function nodeFileAccess(given: ReadRules = {}): FileAccess {
  const folders = nodeDirectoryView();
  // Roots compared by their real paths, resolved once for every file read through this access.
  const rules: ReadRules = given.roots ? { ...given, roots: given.roots.map(realRoot) } : given;
  const refusals = new Map<string, string>();
  return {
    readFile(path) {
      const read = readSourceFile(path, rules);
      if ('text' in read) {
        refusals.delete(path);
        return read.text;
      }
      refusals.delete(path);
      if ('refused' in read) {
        refusals.set(path, read.refused);
        // Bounded: a file importing thousands of unreadable names must not grow the server.
        if (refusals.size > MAX_REMEMBERED_REFUSALS) refusals.delete(refusals.keys().next().value as string);
      }
      return null;
    },
    whyNotRead: (path) => refusals.get(path) ?? null,
    isDirectory: folders.isDirectory,
    listDirectory: folders.list,
  };
}
