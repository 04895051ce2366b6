// The language server re-analyses a file when something it read changes on disk, but the client's
// file watcher covers the workspace only. The libraries an analysis read (torchvision in
// site-packages, a package on `convlens.python.extraPaths`) usually live outside it: each gets a
// watcher of its own, on its folder only (never a whole site-packages), and its changes go to the
// server as ordinary `workspace/didChangeWatchedFiles` events.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { DidChangeWatchedFilesNotification, FileChangeType, type LanguageClient } from 'vscode-languageclient/node';
import type { LibraryInfo } from '../../server/src/engine/report';

/** Enough for every library a project uses; a runaway list must not exhaust the OS's watches. */
const MAX_WATCHED = 32;

export class LibraryWatchers implements vscode.Disposable {
  private readonly watchers = new Map<string, vscode.Disposable>();

  constructor(private readonly client: LanguageClient) {}

  /** Watches the folders of these libraries (those outside every workspace folder). */
  watch(libraries: readonly LibraryInfo[] | undefined): void {
    for (const library of libraries ?? []) {
      if (this.watchers.size >= MAX_WATCHED) return;
      const target = library.path;
      if (!target || this.watchers.has(target) || insideWorkspace(target)) continue;
      this.watchers.set(target, this.create(target));
    }
  }

  private create(target: string): vscode.Disposable {
    try {
      // A package: every Python file under its folder; a single-file module: that file.
      const pattern = target.endsWith('.py')
        ? new vscode.RelativePattern(vscode.Uri.file(path.dirname(target)), path.basename(target))
        : new vscode.RelativePattern(vscode.Uri.file(target), '**/*.py');
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const send = (type: FileChangeType) => (uri: vscode.Uri) => {
        this.client
          .sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri.toString(), type }] })
          .catch(() => undefined);
      };
      watcher.onDidCreate(send(FileChangeType.Created));
      watcher.onDidChange(send(FileChangeType.Changed));
      watcher.onDidDelete(send(FileChangeType.Deleted));
      return watcher;
    } catch {
      // Watching is a convenience: without it, a library edited on disk is read again at the next edit.
      return { dispose: () => undefined };
    }
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
  }
}

function insideWorkspace(target: string): boolean {
  return (vscode.workspace.workspaceFolders ?? []).some((f) => {
    if (f.uri.scheme !== 'file') return false;
    const relative = path.relative(f.uri.fsPath, target);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });
}
