// Module search path discovery (server/src/pythonEnvironment) on temp folders built like real
// environments: venvs with pyvenv.cfg, a conda prefix, PYTHONPATH, project markers, symlinked
// folders. The system roots are redirected into the temp folder, so nothing depends on the machine.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SearchPathEntry } from '../../server/src/engine/report';
import { type DirectoryView, discoverSearchPath, nodeDirectoryView } from '../../server/src/pythonEnvironment/searchPath';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';

let T = '';

function dir(...parts: string[]): string {
  const path = join(T, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

function file(path: string, text = ''): string {
  const full = join(T, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** [kind, path relative to the temp folder, source] — compact, and exact. */
function rows(entries: SearchPathEntry[]): [string, string, string][] {
  return entries.map((e) => [e.kind, e.path.startsWith(T + '/') ? e.path.slice(T.length + 1) : e.path, e.source]);
}

before(() => {
  // realpath: on macOS the temp folder is itself behind a symlink.
  T = realpathSync(mkdtempSync(join(tmpdir(), 'convlens-pyenv-')));
});

after(() => {
  rmSync(T, { recursive: true, force: true });
});

describe('discoverSearchPath', () => {
  test('CLI: project root, cwd, --python-path, PYTHONPATH, venv, conda, project .venv, user site, system — in that order', () => {
    file('proj/pyproject.toml', '[project]\nname = "p"\n');
    dir('proj/.git');
    const model = file('proj/src/models/net.py', 'import torch\n');
    dir('work/libs');
    dir('pp1');
    dir('pp2');
    // $VIRTUAL_ENV: version 3.11 from pyvenv.cfg, so its stray python3.12 folder is not searched.
    file('venvA/pyvenv.cfg', 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.4\n');
    dir('venvA/lib/python3.11/site-packages');
    dir('venvA/lib/python3.12/site-packages');
    // $CONDA_PREFIX: no pyvenv.cfg, version unknown: every lib/python3.*, newest first (3.10 > 3.9).
    dir('conda/lib/python3.9/site-packages');
    dir('conda/lib/python3.10/site-packages');
    dir('conda/lib/python3.10/config-3.10');
    // A virtualenv/uv venv in the project root: version_info.
    file('proj/.venv/pyvenv.cfg', 'home = /opt/py/bin\nimplementation = CPython\nversion_info = 3.12.1.final.0\n');
    dir('proj/.venv/lib/python3.12/site-packages');
    // `env` without pyvenv.cfg is an ordinary folder, not a venv.
    dir('proj/env/lib/python3.12/site-packages');
    dir('home/.local/lib/python3.11/site-packages');
    dir('home/.local/lib/python3.8/site-packages');
    dir('sys/usr/local/lib/python3.11/dist-packages');
    dir('sys/usr/lib/python3/dist-packages');

    const entries = discoverSearchPath({
      file: model,
      cwd: join(T, 'work'),
      extraPaths: [{ path: 'libs', source: '--python-path' }],
      env: {
        PYTHONPATH: [join(T, 'pp1'), join(T, 'missing'), '', join(T, 'pp2')].join(':'),
        VIRTUAL_ENV: join(T, 'venvA'),
        CONDA_PREFIX: join(T, 'conda'),
        HOME: join(T, 'home'),
      },
      systemRoot: join(T, 'sys'),
    });
    assert.deepEqual(rows(entries), [
      ['project', 'proj', 'project root (pyproject.toml)'],
      ['project', 'work', 'current directory'],
      ['extra', 'work/libs', '--python-path'],
      ['extra', 'pp1', 'PYTHONPATH'],
      ['extra', 'pp2', 'PYTHONPATH'],
      ['environment', 'venvA/lib/python3.11/site-packages', '$VIRTUAL_ENV'],
      ['environment', 'conda/lib/python3.10/site-packages', '$CONDA_PREFIX'],
      ['environment', 'conda/lib/python3.9/site-packages', '$CONDA_PREFIX'],
      ['environment', 'proj/.venv/lib/python3.12/site-packages', '.venv/pyvenv.cfg'],
      ['environment', 'home/.local/lib/python3.11/site-packages', 'user site'],
      ['environment', 'home/.local/lib/python3.8/site-packages', 'user site'],
      ['environment', 'sys/usr/local/lib/python3.11/dist-packages', '/usr/local'],
      ['environment', 'sys/usr/lib/python3/dist-packages', 'Debian dist-packages'],
    ]);
    rmSync(join(T, 'proj'), { recursive: true });
  });

  test('the nearest marker wins; without any marker only the cwd is a project root', () => {
    file('outer/.git', 'gitdir: /elsewhere/.git/worktrees/outer\n'); // a worktree's .git is a file
    file('outer/pkg/setup.cfg', '[metadata]\n');
    const inner = file('outer/pkg/a/b/model.py');
    const outerOnly = file('outer/other/model.py');
    const bare = file('bare/model.py');
    const env = { HOME: join(T, 'nohome') };
    const systemRoot = join(T, 'nosys');
    assert.deepEqual(rows(discoverSearchPath({ file: inner, env, systemRoot })), [['project', 'outer/pkg', 'project root (setup.cfg)']]);
    assert.deepEqual(rows(discoverSearchPath({ file: outerOnly, env, systemRoot })), [['project', 'outer', 'project root (.git)']]);
    // The temp folder has no marker above it (tmpdir is not inside a project).
    assert.deepEqual(rows(discoverSearchPath({ file: bare, cwd: join(T, 'bare'), env, systemRoot })), [
      ['project', 'bare', 'current directory'],
    ]);
    rmSync(join(T, 'outer'), { recursive: true });
    rmSync(join(T, 'bare'), { recursive: true });
  });

  test('editor: every workspace folder (not the cwd or a marker root), extra paths relative to the first, their venvs', () => {
    file('ws1/pyproject.toml');
    file('ws1/nested/setup.py'); // a nearer marker root: not used when there are workspace folders
    const model = file('ws1/nested/model.py');
    dir('ws1/third_party');
    dir('ws2');
    file('ws2/venv/pyvenv.cfg', 'version = 3.10.12\n');
    dir('ws2/venv/lib/python3.10/site-packages');
    file('ws2/.venv/pyvenv.cfg', 'version = 3.9.1\n');
    dir('ws2/.venv/lib/python3.9/site-packages');
    dir('elsewhere');
    const entries = discoverSearchPath({
      file: model,
      workspaceFolders: [join(T, 'ws1'), join(T, 'ws2')],
      cwd: join(T, 'elsewhere'),
      extraPaths: [
        { path: 'third_party', source: 'convlens.python.extraPaths' },
        { path: join(T, 'ws2'), source: 'python.analysis.extraPaths' }, // already a workspace folder
      ],
      env: {},
      systemRoot: join(T, 'nosys'),
    });
    assert.deepEqual(rows(entries), [
      ['project', 'ws1', 'workspace folder'],
      ['project', 'ws2', 'workspace folder'],
      ['extra', 'ws1/third_party', 'convlens.python.extraPaths'],
      ['environment', 'ws2/.venv/lib/python3.9/site-packages', '.venv/pyvenv.cfg'],
      ['environment', 'ws2/venv/lib/python3.10/site-packages', 'venv/pyvenv.cfg'],
    ]);
    rmSync(join(T, 'ws1'), { recursive: true });
    rmSync(join(T, 'ws2'), { recursive: true });
  });

  test('selected interpreter: the venv of bin/python3.11, and its base with include-system-site-packages', () => {
    const model = file('p1/model.py');
    file('base/bin/python3.11');
    dir('base/lib/python3.11/site-packages');
    dir('base/lib/python3.10/site-packages'); // another version of the base: not this venv's
    file('venvB/pyvenv.cfg', `home = ${join(T, 'base/bin')}\ninclude-system-site-packages = true\nversion = 3.11.9\n`);
    file('venvB/bin/python3.11');
    dir('venvB/lib/python3.11/site-packages');
    const env = { HOME: join(T, 'nohome') };
    const systemRoot = join(T, 'nosys');
    const interpreterPath = join(T, 'venvB/bin/python3.11');
    assert.deepEqual(rows(discoverSearchPath({ file: model, interpreterPath, env, systemRoot })), [
      ['environment', 'venvB/lib/python3.11/site-packages', `selected interpreter ${interpreterPath}`],
      [
        'environment',
        'base/lib/python3.11/site-packages',
        `selected interpreter ${interpreterPath} include-system-site-packages (base ${join(T, 'base')})`,
      ],
    ]);
    // Without include-system-site-packages the base stays out.
    file('venvB/pyvenv.cfg', `home = ${join(T, 'base/bin')}\ninclude-system-site-packages = false\nversion = 3.11.9\n`);
    assert.deepEqual(rows(discoverSearchPath({ file: model, interpreterPath, env, systemRoot })), [
      ['environment', 'venvB/lib/python3.11/site-packages', `selected interpreter ${interpreterPath}`],
    ]);
  });

  test('selected interpreter named just `python`: the version from pyvenv.cfg, else from where its link points', () => {
    const model = file('p2/model.py');
    // A venv whose bin/python says no version: pyvenv.cfg does.
    file('venvC/pyvenv.cfg', 'home = /usr/bin\nversion_info = 3.10.2\n');
    file('venvC/bin/python');
    dir('venvC/lib/python3.10/site-packages');
    dir('venvC/lib/python3.11/site-packages');
    // A conda-like prefix: bin/python → python3.9, no pyvenv.cfg.
    file('condaX/bin/python3.9');
    symlinkSync('python3.9', join(T, 'condaX/bin/python'));
    dir('condaX/lib/python3.9/site-packages');
    dir('condaX/lib/python3.12/site-packages');
    const env = { HOME: join(T, 'nohome') };
    const systemRoot = join(T, 'nosys');
    const venvPython = join(T, 'venvC/bin/python');
    assert.deepEqual(rows(discoverSearchPath({ file: model, interpreterPath: venvPython, env, systemRoot })), [
      ['environment', 'venvC/lib/python3.10/site-packages', `selected interpreter ${venvPython}`],
    ]);
    const condaPython = join(T, 'condaX/bin/python');
    assert.deepEqual(rows(discoverSearchPath({ file: model, interpreterPath: condaPython, env, systemRoot })), [
      ['environment', 'condaX/lib/python3.9/site-packages', `selected interpreter ${condaPython}`],
    ]);
  });

  test('each folder once, by real path: the first reason is kept, symlinks and repeats dropped', () => {
    const model = file('p3/model.py');
    dir('shared/lib');
    symlinkSync(join(T, 'shared/lib'), join(T, 'p3/linked'));
    file('p3/.venv/pyvenv.cfg', 'version = 3.11.0\n');
    dir('p3/.venv/lib/python3.11/site-packages');
    const entries = discoverSearchPath({
      file: model,
      cwd: join(T, 'p3'),
      extraPaths: [
        { path: join(T, 'shared/lib'), source: '--python-path' },
        { path: 'linked', source: '--python-path' }, // the same folder through a symlink
        { path: join(T, 'shared/lib/'), source: '--python-path' }, // the same, trailing slash
      ],
      env: {
        PYTHONPATH: `${join(T, 'p3')}:${join(T, 'p3/linked')}`,
        VIRTUAL_ENV: join(T, 'p3/.venv'), // also found as the project's .venv
        HOME: join(T, 'nohome'),
      },
      systemRoot: join(T, 'nosys'),
    });
    assert.deepEqual(rows(entries), [
      ['project', 'p3', 'current directory'],
      ['extra', 'shared/lib', '--python-path'],
      ['environment', 'p3/.venv/lib/python3.11/site-packages', '$VIRTUAL_ENV'],
    ]);
  });

  test('an injected DirectoryView is what discovery asks', () => {
    // A Windows-like layout described without a disk: Scripts\python.exe, Lib\site-packages.
    const folders = new Set(['/w', '/w/proj', '/venv/Lib/site-packages']);
    const files = new Map([
      ['/w/proj/setup.py', ''],
      ['/venv/pyvenv.cfg', 'home = /base\nversion = 3.12.0\n'],
    ]);
    const asked: string[] = [];
    const fake: DirectoryView = {
      isDirectory: (p) => (asked.push(p), folders.has(p)),
      isFile: (p) => files.has(p),
      readText: (p) => files.get(p) ?? null,
      list: () => null,
      realpath: (p) => (folders.has(p) || files.has(p) ? p : null),
    };
    const entries = discoverSearchPath(
      { file: '/w/proj/model.py', interpreterPath: '/venv/Scripts/python.exe', env: {}, systemRoot: '/' },
      fake,
    );
    assert.deepEqual(rows(entries), [
      ['project', '/w/proj', 'project root (setup.py)'],
      ['environment', '/venv/Lib/site-packages', 'selected interpreter /venv/Scripts/python.exe'],
    ]);
    assert.ok(asked.includes('/usr/lib/python3/dist-packages'), 'the default system root is /');
  });

  test('the default DirectoryView reads the disk', () => {
    const view = nodeDirectoryView();
    const cfg = file('dv/pyvenv.cfg', 'version = 3.11.0\n');
    symlinkSync(join(T, 'dv'), join(T, 'dv-link'));
    assert.equal(view.isDirectory(join(T, 'dv')), true);
    assert.equal(view.isDirectory(cfg), false);
    assert.equal(view.isFile(cfg), true);
    assert.equal(view.readText(cfg), 'version = 3.11.0\n');
    assert.equal(view.readText(join(T, 'dv')), null);
    assert.deepEqual(view.list(join(T, 'dv')), ['pyvenv.cfg']);
    assert.equal(view.list(cfg), null);
    assert.equal(view.realpath(join(T, 'dv-link')), join(T, 'dv'));
    assert.equal(view.realpath(join(T, 'no-such')), null);
  });
});

describe('nodeFileAccess', () => {
  test('regular files only; never throws', () => {
    const access = nodeFileAccess();
    const py = file('fa/pkg/__init__.py', 'X = 1\n');
    assert.equal(access.readFile(py), 'X = 1\n');
    assert.equal(access.readFile(join(T, 'fa/pkg')), null);
    assert.equal(access.readFile(join(T, 'fa/missing.py')), null);
    assert.equal(access.readFile('/dev/null'), null); // a device, though it reads as ''
    assert.equal(access.isDirectory(join(T, 'fa/pkg')), true);
    assert.equal(access.isDirectory(py), false);
    assert.equal(access.isDirectory(join(T, 'fa/missing')), false);
    assert.deepEqual(access.listDirectory(join(T, 'fa/pkg')), ['__init__.py']);
    assert.equal(access.listDirectory(py), null);
    assert.equal(access.listDirectory(join(T, 'fa/missing')), null);
  });

  test('a FIFO named like a module is not read (reading it would wait for a writer forever)', { skip: process.platform === 'win32' }, () => {
    const fifo = join(dir('fifo'), 'mod.py');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo here: nothing to test
    // In a child process with a time limit: a wrong implementation blocks instead of failing.
    const script = `const { nodeFileAccess } = require(${JSON.stringify(join(import.meta.dirname, '../../server/src/pythonEnvironment/fileAccess.ts'))});
      process.stdout.write(JSON.stringify(nodeFileAccess().readFile(${JSON.stringify(fifo)})));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.signal, null, 'readFile blocked on a FIFO');
    assert.equal(r.stdout, 'null', r.stderr);
  });
});
