// What an analysis may read (issue 11, item 1), tried as an attacker would: hostile files made at
// test time in a temporary project, the built CLI run on them with a time limit. Each must end
// with a clear diagnostic or error (exit 0, 1 or 2), and a secret placed in the environment must
// appear in no output format, whichever way a file tries to reach /proc/self/environ.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeFileAccess, readSourceFile, MAX_SOURCE_BYTES } from '../../server/src/pythonEnvironment/fileAccess';
import { spawnCpuBounded } from '../support/cpuBoundedSpawn';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
/** Unlikely to appear by chance in any output. */
const SECRET = 'ghp_convlensTestSecret7f3a9c';
const FORMATS = ['table', 'json', 'markdown', 'sarif'];
/** CPU time a CLI run may use (test/support/cpuBoundedSpawn.ts): bounded work, not a race with the machine's load. */
const CPU_LIMIT_S = 30;

const work = mkdtempSync(join(tmpdir(), 'convlens-hostile-'));
after(() => rmSync(work, { recursive: true, force: true }));

function project(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  // A project marker: the folder is the project root for the CLI's search path.
  writeFileSync(join(dir, 'pyproject.toml'), '');
  return dir;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
  stoppedBy: string | null;
}

function cli(cwd: string, ...args: string[]): Run {
  const env = { ...process.env, CONVLENS_SECRET_FOR_TEST: SECRET, PYTHONPATH: '', CONVLENS_CACHE_DIR: join(work, 'cache') };
  const r = spawnCpuBounded(process.execPath, [CLI, ...args], CPU_LIMIT_S, { cwd, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal, stoppedBy: r.stoppedBy };
}

function assertNoSecret(r: Run, what: string): void {
  assert.equal(r.signal, null, `${what}: killed (${r.signal}): ${r.stoppedBy ?? 'by a signal'}`);
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${what}: exit ${r.status}\n${r.stderr}`);
  assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), `${what}: the secret is in the output`);
  // Nor any other variable of the environment (PATH's value is in every environment).
  assert.ok(!(r.stdout + r.stderr).includes(process.env.PATH ?? SECRET), `${what}: PATH's value is in the output`);
}

const usesName = (module: string, name: string) => `import torch.nn as nn
from ${module} import ${name}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, ${name}, 3)

    def forward(self, x):
        return self.conv(x)
`;

test('a Python module that is a symbolic link to /proc/self/environ is not read, in any format; the import line says why', () => {
  const dir = project('environ-link');
  symlinkSync('/proc/self/environ', join(dir, 'envmod.py'));
  // The name the model uses is the secret's variable name: were the file read, it would be "defined".
  writeFileSync(join(dir, 'model.py'), usesName('envmod', 'CONVLENS_SECRET_FOR_TEST'));
  for (const format of FORMATS) {
    const r = cli(dir, 'analyze', 'model.py', '--format', format);
    assertNoSecret(r, format);
    assert.equal(r.status, 0, r.stderr);
  }
  const json = JSON.parse(cli(dir, 'analyze', 'model.py', '--format', 'json').stdout) as {
    diagnostics: { line: number; severity: string; code: string; message: string }[];
    models: { incomplete?: boolean }[];
  };
  const importLine = json.diagnostics.find((d) => d.line === 2);
  assert.ok(importLine, JSON.stringify(json.diagnostics));
  assert.equal(importLine.severity, 'warning');
  assert.equal(importLine.code, 'unknown');
  assert.match(importLine.message, /envmod\.py, which ConvLens does not read: it is a symbolic link to a file that is not a Python/);
  assert.equal(json.models[0]?.incomplete, true);
});

test('a module that is a FIFO does not block the analysis; /dev/zero and a FIFO as FILE are one-line errors', () => {
  const dir = project('fifo');
  const fifo = spawnSync('mkfifo', [join(dir, 'pipe.py')]);
  assert.equal(fifo.status, 0, 'mkfifo is needed for this test');
  writeFileSync(join(dir, 'model.py'), usesName('pipe', 'WIDTH'));
  const r = cli(dir, 'analyze', 'model.py', '--format', 'json');
  assertNoSecret(r, 'FIFO import');
  const report = JSON.parse(r.stdout) as { diagnostics: { line: number; message: string }[] };
  assert.ok(report.diagnostics.some((d) => d.line === 2 && /pipe\.py, which ConvLens does not read: it is a FIFO/.test(d.message)), r.stdout);

  const zero = cli(dir, 'analyze', '/dev/zero');
  assertNoSecret(zero, '/dev/zero');
  assert.equal(zero.status, 2);
  assert.equal(zero.stderr, "convlens: cannot read '/dev/zero': it is a device, not a source file\n");
  const pipe = cli(dir, 'analyze', 'pipe.py');
  assert.equal(pipe.status, 2);
  assert.equal(pipe.stderr, "convlens: cannot read 'pipe.py': it is a FIFO (named pipe), not a source file\n");
});

test('/proc/self/environ as FILE, or a .py link to it, is refused without reading it', () => {
  const dir = project('environ-file');
  symlinkSync('/proc/self/environ', join(dir, 'model.py'));
  for (const file of ['/proc/self/environ', 'model.py']) {
    const r = cli(dir, 'analyze', file);
    assertNoSecret(r, file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^convlens: cannot read '[^']+': it is (?:a symbolic link to a file that is )?not a Python, TypeScript or JavaScript source file\n$/);
  }
});

test('a .py module outside the project and library folders, reached through a symbolic link, is not read', () => {
  const outside = project('outside');
  writeFileSync(join(outside, 'channels.py'), `SECRET = 16  # ${SECRET}\n`);
  const dir = project('linked');
  symlinkSync(join(outside, 'channels.py'), join(dir, 'channels.py'));
  writeFileSync(join(dir, 'model.py'), usesName('channels', 'SECRET'));
  const r = cli(dir, 'analyze', 'model.py', '--format', 'json');
  assertNoSecret(r, 'link out of the project');
  const report = JSON.parse(r.stdout) as { diagnostics: { line: number; message: string }[]; models: { incomplete?: boolean }[] };
  assert.ok(report.diagnostics.some((d) => d.line === 2 && d.message.includes(`it is a symbolic link to ${join(outside, 'channels.py')}, outside the project and library folders`)), r.stdout);
  assert.equal(report.models[0]?.incomplete, true);
  // The same folder named with --python-path is a library folder: then it is read, and exact.
  const allowed = cli(dir, 'analyze', 'model.py', '--format', 'json', '--python-path', outside);
  const full = JSON.parse(allowed.stdout) as { models: { incomplete?: boolean; layers: { out: number[][] }[] }[] };
  assert.notEqual(full.models[0]?.incomplete, true, allowed.stdout);
  assert.deepEqual(full.models[0]?.layers[0]?.out, [[1, 16, 222, 222]]);
});

test('an oversized file: as FILE a one-line error; imported, a warning on the import line', () => {
  const dir = project('large');
  const big = `WIDTH = 8\n${'# padding line of a very large generated module\n'.repeat(Math.ceil(MAX_SOURCE_BYTES / 48) + 10)}`;
  writeFileSync(join(dir, 'huge.py'), big);
  writeFileSync(join(dir, 'model.py'), usesName('huge', 'WIDTH'));
  const file = cli(dir, 'analyze', 'huge.py');
  assert.equal(file.status, 2);
  assert.equal(file.stderr, "convlens: cannot read 'huge.py': it is larger than 2 MB, the most ConvLens reads of one file\n");
  const r = cli(dir, 'analyze', 'model.py', '--format', 'json');
  const report = JSON.parse(r.stdout) as { diagnostics: { line: number; message: string }[] };
  assert.ok(report.diagnostics.some((d) => d.line === 2 && /huge\.py, which ConvLens does not read: it is larger than 2 MB/.test(d.message)), r.stdout);
});

test('a TypeScript model importing /proc/self/environ (or a .ts link to it) shows none of it', () => {
  const dir = project('ts');
  symlinkSync('/proc/self/environ', join(dir, 'env.ts'));
  for (const specifier of ['/proc/self/environ', './env.ts']) {
    writeFileSync(
      join(dir, 'model.ts'),
      `import * as tf from '@tensorflow/tfjs';\nimport e from '${specifier}';\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [e] }));\n`,
    );
    for (const format of FORMATS) {
      const r = cli(dir, 'analyze', 'model.ts', '--format', format);
      assertNoSecret(r, `${specifier} ${format}`);
    }
    const json = JSON.parse(cli(dir, 'analyze', 'model.ts', '--format', 'json').stdout) as { diagnostics: { line: number; message: string }[] };
    assert.ok(json.diagnostics.some((d) => d.line === 2 && /which ConvLens does not read/.test(d.message)), JSON.stringify(json.diagnostics));
  }
});

test('readSourceFile: roots, extensions, size bound, and what each refusal says', () => {
  const dir = project('rules');
  writeFileSync(join(dir, 'ok.py'), 'x = 1\n');
  writeFileSync(join(dir, 'notes.txt'), 'x = 1\n');
  mkdirSync(join(dir, 'pkg.py'));
  assert.deepEqual(readSourceFile(join(dir, 'ok.py'), { roots: [dir] }), { text: 'x = 1\n' });
  assert.deepEqual(readSourceFile(join(dir, 'missing.py'), { roots: [dir] }), { missing: true });
  assert.deepEqual(readSourceFile(join(dir, 'pkg.py'), { roots: [dir] }), { missing: true });
  assert.deepEqual(readSourceFile(join(dir, 'notes.txt')), { refused: 'it is not a Python, TypeScript or JavaScript source file' });
  assert.match((readSourceFile(join(dir, 'ok.py'), { roots: [join(work, 'elsewhere')] }) as { refused: string }).refused, /outside the project and library folders/);
  assert.deepEqual(readSourceFile(join(dir, 'ok.py'), { maxBytes: 5 }), { refused: 'it is larger than 5 bytes, the most ConvLens reads of one file' });
  assert.deepEqual(readSourceFile(join(dir, 'ok.py'), { maxBytes: 6 }), { text: 'x = 1\n' });
  const access = nodeFileAccess({ roots: [dir] });
  assert.equal(access.readFile(join(dir, 'notes.txt')), null);
  assert.equal(access.whyNotRead(join(dir, 'notes.txt')), 'it is not a Python, TypeScript or JavaScript source file');
  assert.equal(access.readFile(join(dir, 'missing.py')), null);
  assert.equal(access.whyNotRead(join(dir, 'missing.py')), null);
});
