// What the editor knows about where Python looks for modules, for the server's module search
// path: the workspace folders, Pylance's `python.analysis.extraPaths`, and the interpreter the
// Python extension selected — read through that extension's public API when it is installed, never
// by running anything. Sent to the server at start and again whenever one of them changes.
// Everything here must survive the Python extension being absent, disabled, slow or throwing.

import * as vscode from 'vscode';
import type { PythonEnvironmentParams, PythonScope } from '../../server/src/lsp/protocol';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The part of the Python extension's API used here (`@vscode/python-extension`'s
 *  `PythonExtension.environments`); every member is checked before use. */
interface EnvironmentPath {
  readonly id?: string;
  readonly path: string;
}
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath | undefined | Promise<EnvironmentPath | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function environmentsApiOf(exports: unknown): PythonEnvironmentsApi | undefined {
  if (!isRecord(exports)) return undefined;
  const environments = exports.environments;
  if (!isRecord(environments) || typeof environments.getActiveEnvironmentPath !== 'function') return undefined;
  return environments as unknown as PythonEnvironmentsApi;
}

const isAbsolutePath = (p: string) => /^([\\/]|[A-Za-z]:[\\/])/.test(p);

/** The path of an EnvironmentPath; a bare command name (`python`: nothing selected) says nothing. */
function pathOf(result: unknown): string | undefined {
  const path = typeof result === 'string' ? result : isRecord(result) && typeof result.path === 'string' ? result.path : '';
  return isAbsolutePath(path) ? path : undefined;
}

/** `${workspaceFolder}`, `${workspaceFolder:name}`, `${userHome}`, `~/`, and relative paths
 *  (against the folder the setting belongs to) → absolute paths. */
function absoluteSettingPath(path: string, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const home = process.env.HOME ?? process.env.USERPROFILE;
  let p = path.replace(/\$\{(workspaceFolder(?::([^}]*))?|userHome)\}/g, (whole: string, name: string, folderName: string | undefined) => {
    if (name === 'userHome') return home ?? whole;
    const f = folderName === undefined ? (folder ?? folders[0]) : folders.find((w) => w.name === folderName);
    return f?.uri.fsPath ?? whole;
  });
  if (home && (p === '~' || p.startsWith('~/'))) p = home + p.slice(1);
  if (p.includes('${')) return undefined;
  const base = folder ?? folders[0];
  if (!isAbsolutePath(p)) {
    if (!base) return undefined;
    return vscode.Uri.joinPath(base.uri, p).fsPath;
  }
  return p;
}

/** Without the Python extension's API: the `python.defaultInterpreterPath` setting, when it names
 *  an interpreter by its path (the default, `python`, names none). */
function defaultInterpreterPath(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  try {
    const value = vscode.workspace.getConfiguration('python', folder?.uri).get<unknown>('defaultInterpreterPath');
    if (typeof value !== 'string' || value.trim() === '' || !/[\\/]/.test(value)) return undefined;
    const path = absoluteSettingPath(value.trim(), folder);
    return path && isAbsolutePath(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function analysisExtraPaths(folder: vscode.WorkspaceFolder | undefined): string[] {
  try {
    const value = vscode.workspace.getConfiguration('python.analysis', folder?.uri).get<unknown>('extraPaths');
    if (!Array.isArray(value)) return [];
    return value.flatMap((p) => (typeof p === 'string' && p.trim() !== '' ? (absoluteSettingPath(p, folder) ?? []) : []));
  } catch {
    return [];
  }
}

export class PythonEnvironmentTracker implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private api: PythonEnvironmentsApi | undefined;
  private hooking: Promise<void> | undefined;
  private lastSent = '';
  private readonly changed = new vscode.EventEmitter<PythonEnvironmentParams>();
  /** Fires with the new environment when something in it differs from what was last reported. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: (message: string) => void) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('python.analysis.extraPaths') || e.affectsConfiguration('python.defaultInterpreterPath')) void this.update();
      }),
      // The Python extension installed or enabled while this window is open.
      vscode.extensions.onDidChange(() => {
        if (!this.api && vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) void this.hookPythonExtension().then(() => this.update());
      }),
    );
  }

  /** Activates the Python extension (when installed) and subscribes to its interpreter changes. */
  hookPythonExtension(): Promise<void> {
    if (this.api) return Promise.resolve();
    if (!this.hooking) {
      this.hooking = this.hook().finally(() => {
        this.hooking = undefined;
      });
    }
    return this.hooking;
  }

  private async hook(): Promise<void> {
    try {
      const extension = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
      if (!extension) return;
      const exports: unknown = extension.isActive ? extension.exports : await extension.activate();
      const api = environmentsApiOf(exports);
      if (!api) {
        this.log('[python] the Python extension has no environments API; its selected interpreter is not used');
        return;
      }
      this.api = api;
      if (typeof api.onDidChangeActiveEnvironmentPath === 'function') {
        this.disposables.push(api.onDidChangeActiveEnvironmentPath(() => void this.update()));
      }
    } catch (error) {
      this.log(`[python] the Python extension could not be used: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async interpreterFor(folder: vscode.WorkspaceFolder | undefined): Promise<string | undefined> {
    const api = this.api;
    if (!api) return defaultInterpreterPath(folder);
    try {
      return pathOf(await api.getActiveEnvironmentPath(folder?.uri));
    } catch (error) {
      this.log(`[python] getActiveEnvironmentPath failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The environment as the editor knows it now. */
  async current(): Promise<PythonEnvironmentParams> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const scopes: PythonScope[] = [];
    const window: PythonScope = { analysisExtraPaths: analysisExtraPaths(undefined) };
    const windowInterpreter = await this.interpreterFor(undefined);
    if (windowInterpreter) window.interpreterPath = windowInterpreter;
    scopes.push(window);
    for (const folder of folders) {
      if (folder.uri.scheme !== 'file') continue;
      const scope: PythonScope = { folder: folder.uri.fsPath, analysisExtraPaths: analysisExtraPaths(folder) };
      const interpreter = await this.interpreterFor(folder);
      if (interpreter) scope.interpreterPath = interpreter;
      scopes.push(scope);
    }
    return { workspaceFolders: folders.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath), scopes };
  }

  /** The environment now, without waiting for the Python extension (for the server's start). */
  async initial(waitForPythonMs: number): Promise<PythonEnvironmentParams> {
    await Promise.race([this.hookPythonExtension(), new Promise<void>((done) => setTimeout(done, waitForPythonMs))]);
    const params = await this.current();
    this.lastSent = JSON.stringify(params);
    // A Python extension slower than the wait reports its interpreter when it is ready.
    void this.hookPythonExtension().then(() => this.update());
    return params;
  }

  /** Reads everything again and fires onDidChange when it differs from what was last reported. */
  async update(): Promise<void> {
    try {
      const params = await this.current();
      const text = JSON.stringify(params);
      if (text === this.lastSent) return;
      this.lastSent = text;
      this.changed.fire(params);
    } catch (error) {
      this.log(`[python] ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
