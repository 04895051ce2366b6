// Document URIs and the file paths the engine works with.

import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The engine's name for a document: its file path for `file:` URIs, the URI itself otherwise
 *  (untitled documents cannot import or be imported). */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return resolve(fileURLToPath(uri));
    } catch {
      return uri;
    }
  }
  return uri;
}

export function pathToUri(path: string): string {
  return path.includes('://') || path.startsWith('untitled:') ? path : pathToFileURL(path).toString();
}

/** Paths as the engine may spell them (relative, with `..`) compared as files. */
export function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.includes(':') && !/^[A-Za-z]:[\\/]/.test(a)) return false;
  return resolve(a) === resolve(b);
}

/** Whether a path is a folder or lies below it (either separator). */
export function isInsideFolder(path: string, folder: string): boolean {
  const f = folder.replace(/[\\/]+$/, '');
  return path === f || path.startsWith(`${f}/`) || path.startsWith(`${f}\\`);
}
