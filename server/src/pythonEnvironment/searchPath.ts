// Python's module search path (sys.path), found from files alone. ConvLens never runs Python or
// any other program of the user's: instead of asking an interpreter for its sys.path, this reads
// what an interpreter would read — project markers, pyvenv.cfg, the lib/pythonX.Y folders of
// prefixes — and lists the folders in the order Python would search them. It is the caller's side
// of the engine's `searchPaths` option (the engine itself stays free of file-system access), which
// is why it lives outside server/src/engine and may use node:fs.

import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { SearchPathEntry } from '../engine/report';

export interface DiscoveryInput {
  /** Absolute path of the analysed file. */
  file: string;
  /** Editor: every workspace folder; CLI: none. */
  workspaceFolders?: string[];
  /** CLI: process.cwd(). */
  cwd?: string;
  /** `--python-path`, `convlens.python.extraPaths`, `python.analysis.extraPaths`; relative ones are
   *  resolved against the first workspace folder, else the cwd, else the file's folder. */
  extraPaths?: { path: string; source: string }[];
  /** PYTHONPATH, VIRTUAL_ENV, CONDA_PREFIX, HOME. */
  env: Record<string, string | undefined>;
  /** The interpreter the VS Code Python extension selected. */
  interpreterPath?: string;
  /** Where the system folders (`/usr/local/lib/…`, `/usr/lib/python3/dist-packages`) are looked
   *  for; `/` unless a test points it at a folder of its own. */
  systemRoot?: string;
}

/** The few file-system questions discovery asks; injectable so tests can use temp folders. */
export interface DirectoryView {
  isDirectory(path: string): boolean;
  isFile(path: string): boolean;
  /** The text of a regular file, or null. */
  readText(path: string): string | null;
  /** Names in a folder, or null. */
  list(path: string): string[] | null;
  /** The path with every symbolic link resolved, or null when it does not exist. */
  realpath(path: string): string | null;
}

/** pyvenv.cfg and project markers are small; anything bigger is not one. */
const MAX_CONFIG_BYTES = 1 << 20;

export function nodeDirectoryView(): DirectoryView {
  const stat = (path: string) => {
    try {
      return statSync(path, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  };
  return {
    isDirectory: (path) => stat(path)?.isDirectory() ?? false,
    isFile: (path) => stat(path)?.isFile() ?? false,
    readText: (path) => {
      const s = stat(path);
      if (!s?.isFile() || s.size > MAX_CONFIG_BYTES) return null;
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    list: (path) => {
      try {
        return readdirSync(path);
      } catch {
        return null;
      }
    },
    realpath: (path) => {
      try {
        return realpathSync(path);
      } catch {
        return null;
      }
    },
  };
}

/** What a pyvenv.cfg says that matters here. */
interface VenvConfig {
  /** `home`: the folder of the base interpreter. */
  home?: string;
  includeSystemSitePackages: boolean;
  /** `3.11` from `version` (venv) or `version_info` (virtualenv, uv). */
  version?: string;
}

function parsePyvenvCfg(text: string): VenvConfig {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    values.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const versionText = values.get('version') ?? values.get('version_info');
  return {
    home: values.get('home') || undefined,
    includeSystemSitePackages: (values.get('include-system-site-packages') ?? '').toLowerCase() === 'true',
    version: majorMinor(versionText),
  };
}

/** `3.11.4.final.0` → `3.11`; undefined when the text does not start with a version. */
function majorMinor(text: string | undefined): string | undefined {
  const match = text ? /^(\d+)\.(\d+)/.exec(text) : null;
  return match ? `${match[1]}.${match[2]}` : undefined;
}

/** `python3.11`, `python3.11t`, `python3.11.exe` → `3.11`. */
function versionFromInterpreterName(path: string): string | undefined {
  const match = /^python(\d+)\.(\d+)t?(?:\.exe)?$/i.exec(basename(path));
  return match ? `${match[1]}.${match[2]}` : undefined;
}

/** `/x/bin/python3.11` → `/x` (Windows venvs: `Scripts\python.exe`); an interpreter outside a
 *  `bin` folder (a Windows installation: `C:\Python311\python.exe`) has its own folder as prefix. */
function prefixOfInterpreter(interpreter: string): string {
  const folder = dirname(interpreter);
  return /^(bin|Scripts)$/i.test(basename(folder)) ? dirname(folder) : folder;
}

/** The `lib/python3.*` folders under `lib`, newest version first (3.10 before 3.9). */
function pythonVersionsIn(fs: DirectoryView, lib: string): string[] {
  const versions: { name: string; major: number; minor: number }[] = [];
  for (const name of fs.list(lib) ?? []) {
    const match = /^python(\d+)\.(\d+)t?$/.exec(name);
    if (match) versions.push({ name, major: Number(match[1]), minor: Number(match[2]) });
  }
  versions.sort((a, b) => b.major - a.major || b.minor - a.minor || a.name.localeCompare(b.name));
  return versions.map((v) => v.name);
}

/**
 * The site folders of one installation prefix: `lib/pythonX.Y/site-packages` for the known
 * version, or of every `lib/python3.*` (newest first) when it is unknown; Debian's
 * `dist-packages` forms for a system prefix; `Lib/site-packages` on Windows.
 */
function siteFoldersOfPrefix(fs: DirectoryView, prefix: string, version: string | undefined, isVenv: boolean): string[] {
  const lib = join(prefix, 'lib');
  const pythonDirs = version ? [`python${version}`] : pythonVersionsIn(fs, lib);
  const folders: string[] = [];
  for (const dir of pythonDirs) {
    folders.push(join(lib, dir, 'site-packages'));
    if (!isVenv) folders.push(join(lib, dir, 'dist-packages'));
  }
  if (!isVenv) folders.push(join(lib, 'python3', 'dist-packages'));
  folders.push(join(prefix, 'Lib', 'site-packages'));
  return folders;
}

/** A prefix (interpreter's, $VIRTUAL_ENV, $CONDA_PREFIX, a project venv) → its site folders, and
 *  its base installation's when its pyvenv.cfg includes the system site-packages. */
function environmentCandidates(
  fs: DirectoryView,
  prefix: string,
  source: string,
  knownVersion: string | undefined,
): SearchPathEntry[] {
  const cfgText = fs.readText(join(prefix, 'pyvenv.cfg'));
  const cfg = cfgText === null ? undefined : parsePyvenvCfg(cfgText);
  const version = knownVersion ?? cfg?.version;
  const candidates: SearchPathEntry[] = siteFoldersOfPrefix(fs, prefix, version, cfg !== undefined).map((path) => ({
    path,
    kind: 'environment',
    source,
  }));
  if (cfg?.includeSystemSitePackages && cfg.home) {
    const home = resolve(prefix, cfg.home);
    const basePrefix = /^(bin|Scripts)$/i.test(basename(home)) ? dirname(home) : home;
    const baseSource = `${source} include-system-site-packages (base ${basePrefix})`;
    for (const path of siteFoldersOfPrefix(fs, basePrefix, version, false)) {
      candidates.push({ path, kind: 'environment', source: baseSource });
    }
  }
  return candidates;
}

const PROJECT_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', '.git'];

/** The nearest folder at or above `start` holding a project marker, with the marker found. */
function findProjectRoot(fs: DirectoryView, start: string): { root: string; marker: string } | undefined {
  let folder = start;
  for (;;) {
    for (const marker of PROJECT_MARKERS) {
      const path = join(folder, marker);
      // `.git` is a folder, or a file in a worktree or submodule.
      if (fs.isFile(path) || (marker === '.git' && fs.isDirectory(path))) return { root: folder, marker };
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

const VENV_NAMES = ['.venv', 'venv', 'env'];

/**
 * The module search path for analysing `input.file`, in Python's order: project roots, extra
 * paths (settings, `--python-path`, PYTHONPATH), then the user's environments and the system's
 * site folders. Only folders that exist, each once (the first of those with the same real path).
 */
export function discoverSearchPath(input: DiscoveryInput, fs: DirectoryView = nodeDirectoryView()): SearchPathEntry[] {
  const candidates: SearchPathEntry[] = [];
  const fileFolder = dirname(resolve(input.file));

  // a. Project roots.
  const projectRoots: string[] = [];
  const workspaceFolders = (input.workspaceFolders ?? []).map((f) => resolve(f));
  if (workspaceFolders.length > 0) {
    for (const folder of workspaceFolders) {
      projectRoots.push(folder);
      candidates.push({ path: folder, kind: 'project', source: 'workspace folder' });
    }
  } else {
    const found = findProjectRoot(fs, fileFolder);
    if (found) {
      projectRoots.push(found.root);
      candidates.push({ path: found.root, kind: 'project', source: `project root (${found.marker})` });
    }
    if (input.cwd !== undefined) {
      const cwd = resolve(input.cwd);
      projectRoots.push(cwd);
      candidates.push({ path: cwd, kind: 'project', source: 'current directory' });
    }
  }

  // b. Extra paths named by the user.
  const relativeBase = workspaceFolders[0] ?? (input.cwd !== undefined ? resolve(input.cwd) : fileFolder);
  for (const extra of input.extraPaths ?? []) {
    if (extra.path.trim() === '') continue;
    candidates.push({ path: resolve(relativeBase, expandHome(extra.path, input.env.HOME)), kind: 'extra', source: extra.source });
  }
  const cwdBase = input.cwd !== undefined ? resolve(input.cwd) : relativeBase;
  for (const entry of (input.env.PYTHONPATH ?? '').split(delimiter)) {
    if (entry === '') continue;
    candidates.push({ path: resolve(cwdBase, entry), kind: 'extra', source: 'PYTHONPATH' });
  }

  // c. Environments, found from files.
  if (input.interpreterPath) {
    const interpreter = resolve(input.interpreterPath);
    const realName = fs.realpath(interpreter);
    const version = versionFromInterpreterName(interpreter) ?? venvVersion(fs, prefixOfInterpreter(interpreter)) ?? (realName ? versionFromInterpreterName(realName) : undefined);
    candidates.push(...environmentCandidates(fs, prefixOfInterpreter(interpreter), `selected interpreter ${input.interpreterPath}`, version));
  }
  const virtualEnv = input.env.VIRTUAL_ENV;
  if (virtualEnv && isAbsolute(virtualEnv)) candidates.push(...environmentCandidates(fs, virtualEnv, '$VIRTUAL_ENV', undefined));
  const condaPrefix = input.env.CONDA_PREFIX;
  if (condaPrefix && isAbsolute(condaPrefix)) candidates.push(...environmentCandidates(fs, condaPrefix, '$CONDA_PREFIX', undefined));
  for (const root of projectRoots) {
    for (const name of VENV_NAMES) {
      const venv = join(root, name);
      if (fs.isFile(join(venv, 'pyvenv.cfg'))) candidates.push(...environmentCandidates(fs, venv, `${name}/pyvenv.cfg`, undefined));
    }
  }

  // User site and system folders.
  const home = input.env.HOME;
  if (home && isAbsolute(home)) {
    const lib = join(home, '.local', 'lib');
    for (const dir of pythonVersionsIn(fs, lib)) {
      candidates.push({ path: join(lib, dir, 'site-packages'), kind: 'environment', source: 'user site' });
    }
  }
  const systemRoot = resolve(input.systemRoot ?? '/');
  const usrLocalLib = join(systemRoot, 'usr', 'local', 'lib');
  for (const dir of pythonVersionsIn(fs, usrLocalLib)) {
    candidates.push({ path: join(usrLocalLib, dir, 'site-packages'), kind: 'environment', source: '/usr/local' });
    candidates.push({ path: join(usrLocalLib, dir, 'dist-packages'), kind: 'environment', source: '/usr/local' });
  }
  candidates.push({ path: join(usrLocalLib, 'python3', 'dist-packages'), kind: 'environment', source: '/usr/local' });
  candidates.push({ path: join(systemRoot, 'usr', 'lib', 'python3', 'dist-packages'), kind: 'environment', source: 'Debian dist-packages' });

  return dedupeExisting(fs, candidates);
}

function venvVersion(fs: DirectoryView, prefix: string): string | undefined {
  const text = fs.readText(join(prefix, 'pyvenv.cfg'));
  return text === null ? undefined : parsePyvenvCfg(text).version;
}

/** `~/libs` → `$HOME/libs` (settings are often written that way); anything else unchanged. */
function expandHome(path: string, home: string | undefined): string {
  if (!home || !(path === '~' || path.startsWith('~/'))) return path;
  return join(home, path.slice(1));
}

function dedupeExisting(fs: DirectoryView, candidates: readonly SearchPathEntry[]): SearchPathEntry[] {
  const seen = new Set<string>();
  const entries: SearchPathEntry[] = [];
  for (const candidate of candidates) {
    if (!fs.isDirectory(candidate.path)) continue;
    const real = fs.realpath(candidate.path) ?? candidate.path;
    if (seen.has(real)) continue;
    seen.add(real);
    entries.push({ path: candidate.path, kind: candidate.kind, source: candidate.source });
  }
  return entries;
}

/** Whether a path names an existing folder (for the CLI's warning on a bad `--python-path`). */
export function describeMissingFolder(path: string): string | undefined {
  try {
    const s = lstatSync(path, { throwIfNoEntry: false });
    if (s === undefined) return 'no such folder';
    return statSync(path).isDirectory() ? undefined : 'not a folder';
  } catch {
    return 'no such folder';
  }
}
