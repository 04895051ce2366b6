// Where `import a.b.c` finds its files, the way Python's path-based finder does, without running
// Python: the importing file's folder, the package that file belongs to, then the search path the
// caller found (project roots, extra paths, installed environments). Regular packages
// (`__init__.py`), namespace packages (PEP 420: folders without one, portions merged across
// entries) and single-file modules. Pure: every file-system question goes through the caller's
// callbacks, and each answer is remembered for the life of the resolver (one analysis).

import type { LibraryInfo, SearchPathEntry } from '../report';

export interface ResolverFileAccess {
  readFile: (path: string) => string | null;
  /** Why a path that exists was not read (a FIFO, a link out of the project, too large); null otherwise. */
  whyNotRead?: (path: string) => string | null;
  isDirectory?: (path: string) => boolean;
  listDirectory?: (path: string) => string[] | null;
}

/** What one dotted name resolved to. */
export interface ModuleLocation {
  /** Full dotted name (`torchvision.models.resnet`). */
  name: string;
  /** The file to execute (`resnet.py`, `pkg/__init__.py`); null for a namespace package. */
  file: string | null;
  /** A package's `__path__`: the folders its submodules are looked for in. Null for a plain module. */
  packagePath: string[] | null;
  /** The search-path entry the top-level package came from (null: the importer's own folder). */
  entry: SearchPathEntry | null;
}

/** Libraries whose code is compiled: their Python source is a thin layer over native code that a
 *  shape analysis cannot follow, so they are never interpreted from source (torch is modelled
 *  natively; the others are opaque where the interpreter does not model them). */
export const COMPILED_LIBRARIES = new Set([
  'torch', 'numpy', 'scipy', 'PIL', 'cv2', 'matplotlib', 'pandas', 'sklearn', 'tensorflow', 'jax', 'jaxlib',
  'skimage', 'h5py', 'numba', 'triton', 'onnx', 'onnxruntime', 'tensorrt', 'pycocotools', 'lmdb', 'av', 'accimage',
  'functorch', 'torchgen', 'torchaudio', 'torchtext', 'wandb', 'tensorboard', 'tensorboardX', 'tqdm', 'yaml',
]);

/** Python's standard library (CPython 3.11's `sys.stdlib_module_names`, public names): modules
 *  that are always there, so never "not found". Those the interpreter models are native modules;
 *  the others are opaque (what comes from them is unknown), never looked for on the search path. */
export const STANDARD_LIBRARY = new Set([
  '__future__', 'abc', 'aifc', 'antigravity', 'argparse', 'array', 'ast', 'asynchat', 'asyncio', 'asyncore',
  'atexit', 'audioop', 'base64', 'bdb', 'binascii', 'bisect', 'builtins', 'bz2', 'cProfile', 'calendar',
  'cgi', 'cgitb', 'chunk', 'cmath', 'cmd', 'code', 'codecs', 'codeop', 'collections', 'colorsys',
  'compileall', 'concurrent', 'configparser', 'contextlib', 'contextvars', 'copy', 'copyreg', 'crypt', 'csv',
  'ctypes', 'curses', 'dataclasses', 'datetime', 'dbm', 'decimal', 'difflib', 'dis', 'distutils', 'doctest',
  'email', 'encodings', 'ensurepip', 'enum', 'errno', 'faulthandler', 'fcntl', 'filecmp', 'fileinput',
  'fnmatch', 'fractions', 'ftplib', 'functools', 'gc', 'genericpath', 'getopt', 'getpass', 'gettext', 'glob',
  'graphlib', 'grp', 'gzip', 'hashlib', 'heapq', 'hmac', 'html', 'http', 'idlelib', 'imaplib', 'imghdr',
  'imp', 'importlib', 'inspect', 'io', 'ipaddress', 'itertools', 'json', 'keyword', 'lib2to3', 'linecache',
  'locale', 'logging', 'lzma', 'mailbox', 'mailcap', 'marshal', 'math', 'mimetypes', 'mmap', 'modulefinder',
  'msilib', 'msvcrt', 'multiprocessing', 'netrc', 'nis', 'nntplib', 'nt', 'ntpath', 'nturl2path', 'numbers',
  'opcode', 'operator', 'optparse', 'os', 'ossaudiodev', 'pathlib', 'pdb', 'pickle', 'pickletools', 'pipes',
  'pkgutil', 'platform', 'plistlib', 'poplib', 'posix', 'posixpath', 'pprint', 'profile', 'pstats', 'pty',
  'pwd', 'py_compile', 'pyclbr', 'pydoc', 'pydoc_data', 'pyexpat', 'queue', 'quopri', 'random', 're',
  'readline', 'reprlib', 'resource', 'rlcompleter', 'runpy', 'sched', 'secrets', 'select', 'selectors',
  'shelve', 'shlex', 'shutil', 'signal', 'site', 'smtpd', 'smtplib', 'sndhdr', 'socket', 'socketserver',
  'spwd', 'sqlite3', 'sre_compile', 'sre_constants', 'sre_parse', 'ssl', 'stat', 'statistics', 'string',
  'stringprep', 'struct', 'subprocess', 'sunau', 'symtable', 'sys', 'sysconfig', 'syslog', 'tabnanny',
  'tarfile', 'telnetlib', 'tempfile', 'termios', 'textwrap', 'this', 'threading', 'time', 'timeit',
  'tkinter', 'token', 'tokenize', 'tomllib', 'trace', 'traceback', 'tracemalloc', 'tty', 'turtle',
  'turtledemo', 'types', 'typing', 'unicodedata', 'unittest', 'urllib', 'uu', 'uuid', 'venv', 'warnings',
  'wave', 'weakref', 'webbrowser', 'winreg', 'winsound', 'wsgiref', 'xdrlib', 'xml', 'xmlrpc', 'zipapp',
  'zipfile', 'zipimport', 'zlib', 'zoneinfo',
]);

const IMPLICIT_ENTRY: SearchPathEntry = { path: '', kind: 'project', source: "the importing file's folder" };

export class ModuleResolver {
  private readonly texts = new Map<string, string | null>();
  /** Files that exist where Python would import them but that the caller would not read, with why. */
  private readonly refused = new Map<string, string>();
  private readonly dirs = new Map<string, boolean>();
  private readonly libraries = new Map<string, LibraryInfo>();

  /** The search path with each folder written once, without a trailing slash. */
  readonly searchPaths: readonly SearchPathEntry[];
  /** Folders of installed or extra entries: files below them belong to libraries, not the user. */
  private readonly libraryRoots: string[];

  constructor(
    private readonly fs: ResolverFileAccess,
    searchPaths: readonly SearchPathEntry[],
  ) {
    const seen = new Set<string>();
    this.searchPaths = searchPaths
      .map((entry) => ({ ...entry, path: entry.path.replace(/\/+$/, '') || '/' }))
      .filter((entry) => !seen.has(entry.path) && seen.add(entry.path));
    this.libraryRoots = this.searchPaths.filter((e) => e.kind !== 'project').map((e) => (e.path === '/' ? '/' : `${e.path}/`));
  }

  isLibraryPath(path: string): boolean {
    return this.libraryRoots.some((root) => path.startsWith(root));
  }

  /** A file's text, read once per analysis (existence checks and loading share the read). */
  read(path: string): string | null {
    let text = this.texts.get(path);
    if (text === undefined) {
      text = this.fs.readFile(path);
      this.texts.set(path, text);
      const why = text === null ? this.fs.whyNotRead?.(path) : null;
      if (why) this.refused.set(path, why);
    }
    return text;
  }

  /** A file is there (Python would import it) even when the caller refused to read it: the
   *  search stops at it, and the import says why nothing came of it. */
  isFile(path: string): boolean {
    return this.read(path) !== null || this.refused.has(path);
  }

  /** The refused file that the module `dotted` (relative: its last parts) resolved to, if any. */
  refusalFor(dotted: string): { path: string; reason: string } | null {
    const tail = dotted.split('.').filter(Boolean).join('/');
    for (const [path, reason] of this.refused) {
      if (!tail || path.endsWith(`/${tail}.py`) || path.endsWith(`/${tail}.pyi`) || path.endsWith(`/${tail}/__init__.py`)) return { path, reason };
    }
    return null;
  }

  private isDir(path: string): boolean {
    if (!this.fs.isDirectory) return false;
    let known = this.dirs.get(path);
    if (known === undefined) {
      known = this.fs.isDirectory(path);
      this.dirs.set(path, known);
    }
    return known;
  }

  /** The folders searched for a top-level name imported from `importerPath`, in order. */
  roots(importerPath: string, topName: string): SearchPathEntry[] {
    const own = dirname(importerPath);
    const roots: SearchPathEntry[] = [{ ...IMPLICIT_ENTRY, path: own }];
    // A file inside a package imports that package by its absolute name (`from torchvision.ops
    // import misc` inside torchvision): the folder above the package is a root for that name.
    const packageRoot = this.enclosingPackageRoot(own, topName);
    if (packageRoot !== null) roots.push({ path: packageRoot, kind: 'project', source: `the folder holding package '${topName}'` });
    const seen = new Set(roots.map((r) => r.path));
    for (const entry of this.searchPaths) if (!seen.has(entry.path)) roots.push(entry);
    return roots;
  }

  private enclosingPackageRoot(dir: string, topName: string): string | null {
    let base = dir;
    for (let i = 0; i < 12; i++) {
      const up = dirname(base);
      if (up === base) return null;
      if (base.slice(up.length + 1) === topName && this.isFile(joinPath(base, '__init__.py'))) return up;
      base = up;
    }
    return null;
  }

  /** A top-level module or package (`torchvision`), searched along the roots. */
  findTop(name: string, importerPath: string): ModuleLocation | null {
    const portions: string[] = [];
    let portionEntry: SearchPathEntry | null = null;
    for (const root of this.roots(importerPath, name)) {
      const found = this.findIn(root.path, name, name);
      if (!found) continue;
      const entry = root.source === IMPLICIT_ENTRY.source ? null : root;
      if (found.file !== null) return { ...found, entry };
      portions.push(...found.packagePath!);
      portionEntry ??= entry;
    }
    return portions.length ? { name, file: null, packagePath: portions, entry: portionEntry } : null;
  }

  /** A submodule of a package, searched in the package's `__path__`. */
  findSub(parent: ModuleLocation, name: string): ModuleLocation | null {
    if (!parent.packagePath) return null;
    const full = `${parent.name}.${name}`;
    const portions: string[] = [];
    for (const dir of parent.packagePath) {
      const found = this.findIn(dir, name, full);
      if (!found) continue;
      if (found.file !== null) return { ...found, entry: parent.entry };
      portions.push(...found.packagePath!);
    }
    return portions.length ? { name: full, file: null, packagePath: portions, entry: parent.entry } : null;
  }

  /** One folder: a regular package wins over a module, which wins over a namespace portion. */
  private findIn(dir: string, name: string, fullName: string): ModuleLocation | null {
    const stem = joinPath(dir, name);
    const init = joinPath(stem, '__init__.py');
    if (this.isFile(init)) return { name: fullName, file: init, packagePath: [stem], entry: null };
    if (this.isFile(`${stem}.py`)) return { name: fullName, file: `${stem}.py`, packagePath: null, entry: null };
    if (this.isDir(stem)) return { name: fullName, file: null, packagePath: [stem], entry: null };
    return null;
  }

  /** `a.b.c` from the top: every package on the way, then the module. */
  resolveAbsolute(dotted: string, importerPath: string): ModuleLocation[] | null {
    const parts = dotted.split('.');
    const chain: ModuleLocation[] = [];
    let current = this.findTop(parts[0]!, importerPath);
    if (!current) return null;
    chain.push(current);
    for (const part of parts.slice(1)) {
      current = this.findSub(current, part);
      if (!current) return null;
      chain.push(current);
    }
    return chain;
  }

  /** The places a failed import of `dotted` was looked for, for the message. */
  searchedFor(dotted: string, importerPath: string): string[] {
    const top = dotted.split('.')[0]!;
    return this.roots(importerPath, top).map((r) => r.path);
  }

  /** Records the library a module found on an installed or extra path belongs to. */
  noteLibrary(location: ModuleLocation): void {
    const entry = location.entry;
    if (!entry || entry.kind === 'project') return;
    const top = location.name.split('.')[0]!;
    if (this.libraries.has(top)) return;
    const folder = joinPath(entry.path, top);
    const isPackage = !this.isFile(`${folder}.py`) || this.isFile(joinPath(folder, '__init__.py'));
    this.libraries.set(top, { name: top, version: this.versionOf(entry.path, top, isPackage), path: isPackage ? folder : `${folder}.py` });
  }

  addLibrary(info: LibraryInfo): void {
    if (!this.libraries.has(info.name)) this.libraries.set(info.name, info);
  }

  listLibraries(): LibraryInfo[] {
    return [...this.libraries.values()];
  }

  /** `version.py` / `__init__.py` `__version__ = '…'`, else the `*.dist-info` or `*.egg-info` beside it. */
  private versionOf(root: string, top: string, isPackage: boolean): string | null {
    const fromSource = (path: string): string | null => {
      const text = this.read(path);
      const m = text && /^__version__\s*(?::\s*str\s*)?=\s*['"]([^'"\n]+)['"]/m.exec(text);
      return m ? m[1]! : null;
    };
    if (isPackage) {
      const v = fromSource(joinPath(root, top, 'version.py')) ?? fromSource(joinPath(root, top, '__init__.py'));
      if (v) return v;
    } else {
      const v = fromSource(joinPath(root, `${top}.py`));
      if (v) return v;
    }
    const names = this.fs.listDirectory?.(root) ?? [];
    const normal = (s: string): string => s.toLowerCase().replace(/[-_.]+/g, '_');
    for (const n of names) {
      const m = /^(.+?)-([^-]+?)(?:-py\d[\d.]*)?\.(dist-info|egg-info)$/.exec(n);
      if (m && normal(m[1]!) === normal(top)) {
        const metadata = this.read(joinPath(root, n, m[3] === 'dist-info' ? 'METADATA' : 'PKG-INFO'));
        const declared = metadata && /^Version:\s*(\S+)/m.exec(metadata);
        return declared ? declared[1]! : m[2]!;
      }
    }
    return null;
  }
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

export function joinPath(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}
