// Python's module search path for each open file, as the editor sees it (workspace folders, the
// settings' extra paths, the Python extension's interpreter), found from files — never by running
// Python — once per folder and kept until something it depends on changes.

import { dirname, resolve } from 'node:path';
import type { SearchPathEntry } from '../engine/report';
import { nodeFileAccess } from '../pythonEnvironment/fileAccess';
import { discoverSearchPath, type DiscoveryInput } from '../pythonEnvironment/searchPath';
import type { PythonEnvironmentParams, PythonScope } from './protocol';
import { isInsideFolder } from './uris';

const fileAccess = nodeFileAccess();

/** `${workspaceFolder}`, `${workspaceFolder:name}`, `${userHome}` in a path setting. */
function substituteVariables(path: string, workspaceFolders: readonly string[], home: string | undefined): string {
  return path.replace(/\$\{(workspaceFolder(?::([^}]*))?|userHome)\}/g, (whole: string, name: string, folderName: string | undefined) => {
    if (name === 'userHome') return home ?? whole;
    const folder = folderName === undefined ? workspaceFolders[0] : workspaceFolders.find((f) => f.split(/[\\/]/).pop() === folderName);
    return folder ?? whole;
  });
}

/**
 * The search path of each file, found once per folder and kept until a setting or the editor's
 * Python environment changes (not per keystroke): discovery reads pyvenv.cfg files and lists
 * `lib/python3.*` folders, which is cheap but not free.
 */
export class SearchPathProvider {
  private readonly byFolder = new Map<string, SearchPathEntry[]>();
  private environment: PythonEnvironmentParams = { workspaceFolders: [], scopes: [] };
  private extraPaths: string[] = [];
  /** Bumped whenever the search paths may have changed (part of the scheduler's cache key). */
  generation = 0;

  constructor(
    private readonly env: Record<string, string | undefined> = process.env,
    private readonly discover: (input: DiscoveryInput) => SearchPathEntry[] = (input) => discoverSearchPath(input),
  ) {}

  /** The editor's view of the Python environment changed (or arrived). Returns whether it differs. */
  setEnvironment(environment: PythonEnvironmentParams): boolean {
    if (JSON.stringify(environment) === JSON.stringify(this.environment)) return false;
    this.environment = environment;
    this.clear();
    return true;
  }

  get workspaceFolders(): readonly string[] {
    return this.environment.workspaceFolders;
  }

  /** `convlens.python.extraPaths` changed (or may have). Returns whether it differs. */
  setExtraPaths(extraPaths: readonly string[]): boolean {
    if (JSON.stringify(extraPaths) === JSON.stringify(this.extraPaths)) return false;
    this.extraPaths = [...extraPaths];
    this.clear();
    return true;
  }

  /** Forget every search path found (a folder appeared: a new virtual environment, a package). */
  clear(): void {
    this.byFolder.clear();
    this.generation++;
  }

  /** The scope of the workspace folder holding `file` (the innermost), else the window's. */
  private scopeOf(file: string): PythonScope | undefined {
    let best: PythonScope | undefined;
    for (const scope of this.environment.scopes) {
      if (scope.folder === undefined) {
        if (!best) best = scope;
        continue;
      }
      if (isInsideFolder(file, scope.folder) && (best?.folder === undefined || scope.folder.length > best.folder.length)) best = scope;
    }
    return best;
  }

  /** Python's sys.path (after the file's own folder) for a file; [] for documents that are not files. */
  searchPathFor(file: string): SearchPathEntry[] {
    if (file.includes('://') || file.startsWith('untitled:')) return [];
    const folder = dirname(resolve(file));
    const known = this.byFolder.get(folder);
    if (known) return known;
    const scope = this.scopeOf(resolve(file));
    const workspaceFolders = this.environment.workspaceFolders;
    const home = this.env.HOME ?? this.env.USERPROFILE;
    const extraPaths = [
      ...this.extraPaths.map((path) => ({ path: substituteVariables(path, workspaceFolders, home), source: 'convlens.python.extraPaths' })),
      ...(scope?.analysisExtraPaths ?? []).map((path) => ({ path, source: 'python.analysis.extraPaths' })),
    ];
    let entries: SearchPathEntry[];
    try {
      entries = this.discover({
        file: resolve(file),
        workspaceFolders: [...workspaceFolders],
        extraPaths,
        env: this.env,
        interpreterPath: scope?.interpreterPath ? interpreterFile(scope.interpreterPath) : undefined,
      });
    } catch {
      // Discovery only reads files and never throws by design; should it, the file's own folder
      // still resolves the imports next to it.
      entries = [];
    }
    this.byFolder.set(folder, entries);
    return entries;
  }
}

/** The Python extension may name an environment's folder instead of its interpreter (a conda
 *  environment without a python binary): `<folder>/python` has that folder as its prefix. */
function interpreterFile(path: string): string {
  return fileAccess.isDirectory(path) ? resolve(path, 'python') : path;
}
