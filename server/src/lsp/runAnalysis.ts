// One engine run for one document: the engine reads imported files through us, so we learn the
// document's dependencies (the user's own modules and the installed libraries' files alike); the
// `defaultInputShape` setting fills in models whose input would otherwise be guessed from the first
// layer; the module search path (Python's sys.path, found from files and the editor's settings —
// never by running Python) tells the engine where `import torchvision` and the user's own packages
// are.

import { dirname, resolve } from 'node:path';
import { analyzeFile } from '../engine/analyze';
import type { FileReport, SearchPathEntry } from '../engine/report';
import { nodeFileAccess } from '../pythonEnvironment/fileAccess';
import { astDiskCacheFromEnv } from '../pythonEnvironment/astDiskCache';
import { discoverSearchPath, type DiscoveryInput } from '../pythonEnvironment/searchPath';
import type { ConvLensSettings, PythonEnvironmentParams, PythonScope } from './protocol';
import { parseShapeList } from './settings';

export interface AnalysisInput {
  file: string;
  text: string;
  settings: ConvLensSettings;
  /** The text of an open document at that path (it wins over the disk), or undefined. */
  openText: (path: string) => string | undefined;
  /** Where absolute imports are looked for after the file's own folder (none: only that folder). */
  searchPaths?: SearchPathEntry[];
}

export interface AnalysisOutput {
  report: FileReport;
  /** Every path the engine asked for, found or not (a file created later may satisfy an import). */
  dependencies: Set<string>;
  durationMs: number;
}

function readerFor(input: AnalysisInput, dependencies: Set<string>) {
  return (path: string): string | null => {
    const full = path.includes('://') ? path : resolve(path);
    dependencies.add(full);
    const open = input.openText(full);
    if (open !== undefined) return open;
    // Regular files only (never a FIFO or a device), texts reused while the file is unchanged.
    return fileAccess.readFile(full);
  };
}

const fileAccess = nodeFileAccess();
/** Parsed library files kept between server runs: the first analysis after the editor starts
 *  reads torchvision's ASTs instead of parsing them (the CLI's folder; CONVLENS_CACHE_DIR). */
const astCache = astDiskCacheFromEnv(process.env);

export function runAnalysis(input: AnalysisInput): AnalysisOutput {
  const started = performance.now();
  const dependencies = new Set<string>();
  const report = analyzeFile({
    file: input.file,
    text: input.text,
    readFile: readerFor(input, dependencies),
    defaultImageSize: input.settings.defaultImageSize,
    // The setting is a better guess than the first layer, but a directive or __main__ beats it.
    defaultInputs: (input.settings.defaultInputShape && parseShapeList(input.settings.defaultInputShape)) || undefined,
    searchPaths: input.searchPaths,
    isDirectory: fileAccess.isDirectory,
    listDirectory: fileAccess.listDirectory,
    astCache,
  });
  dependencies.delete(resolve(input.file));
  return { report, dependencies, durationMs: performance.now() - started };
}

/** `${workspaceFolder}`, `${workspaceFolder:name}`, `${userHome}` in a path setting. */
function substituteVariables(path: string, workspaceFolders: readonly string[], home: string | undefined): string {
  return path.replace(/\$\{(workspaceFolder(?::([^}]*))?|userHome)\}/g, (whole: string, name: string, folderName: string | undefined) => {
    if (name === 'userHome') return home ?? whole;
    const folder = folderName === undefined ? workspaceFolders[0] : workspaceFolders.find((f) => f.split(/[\\/]/).pop() === folderName);
    return folder ?? whole;
  });
}

function isInside(path: string, folder: string): boolean {
  const f = folder.replace(/[\\/]+$/, '');
  return path === f || path.startsWith(`${f}/`) || path.startsWith(`${f}\\`);
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
      if (isInside(file, scope.folder) && (best?.folder === undefined || scope.folder.length > best.folder.length)) best = scope;
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
