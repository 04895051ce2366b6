// The engine's file access (AnalyzeOptions.readFile, isDirectory, listDirectory) backed by node:fs.
// The engine is pure and never touches the disk itself; the CLI and the language server hand it
// these. Following imports must never hang or crash the analysis: readFile reads regular files
// only (a FIFO or a device named like a module would block or never end), and every failure is
// "nothing there" (null / false) rather than an exception.

import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { nodeDirectoryView } from './searchPath';

export interface FileAccess {
  /** The UTF-8 text of a regular file, or null (missing, a folder, a FIFO, a device, unreadable). */
  readFile(path: string): string | null;
  /** Whether the path is a folder (following symbolic links). */
  isDirectory(path: string): boolean;
  /** The names in a folder, or null when it cannot be listed. */
  listDirectory(path: string): string[] | null;
}

/** O_NONBLOCK: opening a FIFO for reading must not wait for a writer (absent on Windows). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Texts read before, by path, with the identity of the file they came from: every analysis
 *  follows the same imports (a torchvision model reads about a hundred library files), and a
 *  `stat` is far cheaper than reading and decoding the file again. Bounded by total size. */
interface CachedText { mtimeMs: number; size: number; ino: number; text: string }
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

function readRegularFile(path: string): string | null {
  let fd: number | undefined;
  try {
    // Checked before opening (no open at all of a device or FIFO) and again on the open file
    // (the path may have been replaced in between).
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile()) return null;
    const hit = textCache.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size && hit.ino === stat.ino) return hit.text;
    fd = openSync(path, OPEN_FLAGS);
    const opened = fstatSync(fd);
    if (!opened.isFile()) return null;
    const text = readFileSync(fd, 'utf8');
    remember(path, { mtimeMs: opened.mtimeMs, size: opened.size, ino: opened.ino, text });
    return text;
  } catch {
    return null;
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

export function nodeFileAccess(): FileAccess {
  const folders = nodeDirectoryView();
  return { readFile: readRegularFile, isDirectory: folders.isDirectory, listDirectory: folders.list };
}
