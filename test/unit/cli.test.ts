// The `convlens` command as users run it: the bundled dist/cli.js (built by `npm run build`,
// which `npm test` runs first), spawned as a process. Expected numbers come from the fixtures'
// reference analyses and torchvision's published counts, not from the CLI's own output.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseCommandLine, parseShapes, UsageError } from '../../server/src/cliArgs';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
/** DESIGN.md keeps the fixtures beside the repository, in ../shared/fixtures. */
const FIXTURES = resolve(ROOT, '../shared/fixtures');
const MODELS = relative(ROOT, join(FIXTURES, 'models'));
const RESNET = `${MODELS}/resnet.py`;
const VAE = `${MODELS}/vae_decoder.py`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  return cliWith({}, ...args);
}

/** The syntax-tree cache of library files goes to a folder of the test run, not the user's home. */
const CACHE_DIR = mkdtempSync(join(tmpdir(), 'convlens-cli-cache-'));
after(() => rmSync(CACHE_DIR, { recursive: true, force: true }));

/** The CLI with extra environment variables (undefined: removed). PYTHONPATH is cleared unless
 *  given: the caller's own must not change what the tests see. */
function cliWith(extraEnv: Record<string, string | undefined>, ...args: string[]): Run {
  const env: Record<string, string | undefined> = { ...process.env, PYTHONPATH: undefined, CONVLENS_CACHE_DIR: CACHE_DIR, ...extraEnv };
  delete env.FORCE_COLOR;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with exactly one line on stderr, no stack trace, nothing on stdout. */
function assertOneLineError(r: Run, pattern: RegExp): void {
  assert.equal(r.status, 2, `status ${r.status}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `one line expected: ${JSON.stringify(r.stderr)}`);
  assert.equal(lines[1], '');
  assert.match(lines[0], /^convlens: /);
  // No JavaScript stack trace (Python's own error names, such as NameError, are fine).
  assert.doesNotMatch(r.stderr, /\n\s+at |node:internal|\.(?:js|ts):\d+/);
  assert.match(lines[0], pattern);
}

interface ExpectedLayer {
  name: string | null;
  type: string;
  out: number[];
  macs: number;
  rf: (number | string)[];
  jump: (number | string)[];
}

function expected(name: string): { params: number; macs: number; outputs: number[][]; layers: ExpectedLayer[] } {
  return JSON.parse(readFileSync(join(FIXTURES, 'expected', name), 'utf8'));
}

/** "47/8" → 5.875, as the JSON format gives fractions. */
const toNumber = (v: number | string): number => {
  const [n, d] = String(v).split('/').map(Number);
  return d === undefined ? n : n / d;
};

before(() => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

describe('argument parsing', () => {
  test('shapes in the forms people paste', () => {
    assert.deepEqual(parseShapes('1,3,224,224'), [[1, 3, 224, 224]]);
    assert.deepEqual(parseShapes('(1, 3, 224, 224)'), [[1, 3, 224, 224]]);
    assert.deepEqual(parseShapes('1x3x224x224'), [[1, 3, 224, 224]]);
    assert.deepEqual(parseShapes('[1,3,224,224]'), [[1, 3, 224, 224]]);
    assert.deepEqual(parseShapes('1,3,64,64;1,3,32,32'), [[1, 3, 64, 64], [1, 3, 32, 32]]);
    assert.deepEqual(parseShapes('(1,3,64,64), (1,3,32,32)'), [[1, 3, 64, 64], [1, 3, 32, 32]]);
    assert.deepEqual(parseShapes('[(1,3,64,64), (1,3,32,32)]'), [[1, 3, 64, 64], [1, 3, 32, 32]]);
    assert.deepEqual(parseShapes('(8,)'), [[8]]);
  });

  test('bad shapes are usage errors', () => {
    for (const bad of ['', '1,,3', '1,3,2000000000,2', '0,3', '1.5,3', '-1,3', '(1,3', '1;', 'a,b', '1,3)(2', '1e3,3', '(1,3) junk (2,3)']) {
      assert.throws(() => parseShapes(bad), UsageError, bad);
    }
  });

  test('options, with values after a space or an equals sign, and repeated inputs', () => {
    assert.deepEqual(
      parseCommandLine(['analyze', 'm.py', '--model=resnet50()', '-i', '1,3,8,8', '--input', '1,3,4,4', '-f', 'json', '--fail-on', 'error', '--image-size=64']),
      { kind: 'analyze', file: 'm.py', model: 'resnet50()', inputs: [[1, 3, 8, 8], [1, 3, 4, 4]], format: 'json', failOn: 'error', imageSize: 64, pythonPaths: [], verbose: false },
    );
    assert.deepEqual(parseCommandLine(['analyze', 'm.py']), { kind: 'analyze', file: 'm.py', format: 'table', pythonPaths: [], verbose: false });
    assert.deepEqual(
      parseCommandLine(['analyze', 'm.py', '--python-path', 'src', '--verbose', '--python-path=/opt/libs', '-v']),
      { kind: 'analyze', file: 'm.py', format: 'table', pythonPaths: ['src', '/opt/libs'], verbose: true },
    );
    assert.deepEqual(parseCommandLine(['analyze', 'm.py', '--help']), { kind: 'help' });
    for (const bad of [[], ['analyse', 'm.py'], ['analyze'], ['analyze', 'a.py', 'b.py'], ['analyze', 'm.py', '--fail-on', 'info'], ['analyze', 'm.py', '--image-size', '0'], ['analyze', 'm.py', '--model'], ['analyze', 'm.py', '--python-path'], ['analyze', 'm.py', '--python-path='], ['analyze', 'm.py', '--verbose=yes']]) {
      assert.throws(() => parseCommandLine(bad), UsageError, bad.join(' '));
    }
  });
});

describe('convlens command', () => {
  test('--help and --version', () => {
    const help = cli('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: convlens analyze FILE/);
    for (const option of ['--model', '--input', '--format', '--fail-on', '--image-size', '--python-path', '--verbose', 'PYTHONPATH']) assert.ok(help.stdout.includes(option), option);
    const version = cli('--version');
    assert.equal(version.status, 0);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('could not analyse: one line on stderr and status 2', () => {
    assertOneLineError(cli('analyze', 'no/such/file.py'), /cannot read 'no\/such\/file\.py'.*no such file/);
    assertOneLineError(cli('analyze', MODELS), /is a directory/);
    assertOneLineError(cli('analyze', RESNET, '--input', '1,3,two,224'), /--input '1,3,two,224'/);
    assertOneLineError(cli('analyze', RESNET, '--format', 'xml'), /--format 'xml'/);
    assertOneLineError(cli('analyze', RESNET, '--frobnicate'), /unknown option '--frobnicate'/);
    assertOneLineError(cli('analyze'), /missing FILE/);
    assertOneLineError(cli(), /missing command/);
    assertOneLineError(cli('analyze', RESNET, '--model', 'resnet9000()'), /resnet9000\(\).*not defined/);
    assertOneLineError(cli('analyze', RESNET, '--model', 'resnet50(('), /resnet50\(\(/);
    assertOneLineError(cli('analyze', RESNET, '--model', 'ResNet(BasicBlock)'), /ResNet\(BasicBlock\)/);
    // A module class named instead of called: the message says how to call it; another class does not get that hint.
    // The fixture's `class ResNet` has `def __init__(self, block, layers, num_classes=1000, ...)`: the two without a default.
    assertOneLineError(cli('analyze', RESNET, '--model', 'ResNet'), /`ResNet` did not give an nn\.Module \(got a class\): it names the class; write a call that builds the model, e\.g\. `ResNet\(block, layers\)`$/m);
    assertOneLineError(cli('analyze', RESNET, '--model', 'int'), /`int` did not give an nn\.Module \(got a class\)$/m);
  });

  test('JSON: the contract of DESIGN.md, with the reference numbers of resnet18', () => {
    const r = cli('analyze', RESNET, '--model', 'resnet18()', '--input', '1,3,224,224', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['diagnostics', 'file', 'libraries', 'models']);
    assert.equal(report.file, RESNET);
    assert.deepEqual(report.libraries, []); // torch is modelled, not read from an installation
    assert.equal(report.models.length, 1);
    const model = report.models[0];
    const want = expected('resnet_resnet18.json');
    assert.equal(model.name, 'resnet18()');
    assert.deepEqual(model.inputs, [[1, 3, 224, 224]]);
    assert.deepEqual(model.outputs, want.outputs);
    assert.equal(model.params, 11689512); // torchvision's published count
    assert.equal(model.macs, want.macs);

    const modules = model.layers.filter((l: { kind: string }) => l.kind === 'module');
    const wantModules = want.layers.filter((l) => l.name !== null);
    assert.deepEqual(
      modules.map((l: { path: string; op: string; out: number[][]; macs: number; rf: number[]; jump: number[] }) => [l.path, l.op, l.out[0], l.macs, l.rf, l.jump]),
      wantModules.map((l) => [l.name, l.type, l.out, l.macs, l.rf.map(toNumber), l.jump.map(toNumber)]),
    );

    const conv = model.layers.find((l: { path: string }) => l.path === 'layer1.0.conv1');
    for (const field of ['path', 'op', 'in', 'out', 'params', 'macs', 'kernel', 'stride', 'dilation', 'rf', 'jump', 'defined', 'called']) {
      assert.ok(field in conv, field);
    }
    assert.deepEqual(conv.in, [[1, 64, 56, 56]]);
    assert.equal(conv.params, 64 * 64 * 3 * 3);
    assert.deepEqual([conv.kernel, conv.stride, conv.dilation], [[3, 3], [1, 1], [1, 1]]);
    // Innermost places: `nn.Conv2d(...)` inside conv3x3, and `self.conv1(x)` in BasicBlock.forward.
    const lines = readFileSync(join(ROOT, RESNET), 'utf8').split('\n');
    assert.deepEqual(conv.defined, { file: RESNET, line: lines.findIndex((l) => l.includes('return nn.Conv2d(cin, cout, kernel_size=3')) + 1 });
    assert.deepEqual(conv.called, { file: RESNET, line: lines.findIndex((l) => l.includes('self.bn1(self.conv1(x))')) + 1 });
  });

  test('JSON: fractional jumps are numbers', () => {
    const r = cli('analyze', VAE, '--model', 'Decoder()', '--input', '2,128', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const model = JSON.parse(r.stdout).models[0];
    const want = expected('vae_decoder_Decoder.json');
    const last = want.layers.filter((l) => l.name !== null).at(-1) as ExpectedLayer;
    const got = model.layers.filter((l: { kind: string }) => l.kind === 'module').at(-1);
    assert.deepEqual(got.jump, last.jump.map(toNumber));
    assert.ok(got.jump.every((j: unknown) => typeof j === 'number'));
    assert.ok(model.layers.some((l: { jump: number[] }) => l.jump.some((j) => !Number.isInteger(j))));
  });

  test('input forms give the same analysis', () => {
    const json = (input: string) => JSON.parse(cli('analyze', VAE, '--model', 'Decoder()', '--input', input, '--format', 'json').stdout);
    const plain = json('2,128');
    assert.deepEqual(plain.models[0].inputs, [[2, 128]]);
    assert.deepEqual(json('(2, 128)'), plain);
    assert.deepEqual(json('2x128'), plain);
  });

  test('--image-size sets the inferred input size', () => {
    const r = cli('analyze', RESNET, '--model', 'resnet18()', '--image-size', '64', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const model = JSON.parse(r.stdout).models[0];
    assert.equal(model.inputSource, 'inferred');
    assert.deepEqual(model.inputs[0].slice(-3), [3, 64, 64]);
  });

  test('table: header, totals and no colour when not a terminal', () => {
    const r = cli('analyze', RESNET, '--model', 'resnet50()', '--input', '1,3,224,224');
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\x1b\[/);
    const lines = r.stdout.split('\n');
    assert.ok(lines.some((l) => l.startsWith('resnet50()') && l.includes('[1, 3, 224, 224] → [1, 1000]') && l.includes('4.09 G')), r.stdout);
    const total = lines.find((l) => l.startsWith('Total'));
    assert.ok(total && total.includes('25,557,032') && total.includes('4,089,184,256'), total);
    assert.ok(lines.some((l) => /^\s+layer1\.0\.conv1\s+Conv2d\s+\[1, 64, 56, 56\]/.test(l)));
  });

  test('--fail-on: status 1 only when a diagnostic reaches the threshold', () => {
    // Decoder upsamples with 3x3 stride-2 transposed convolutions: uneven overlap warnings.
    const json = cli('analyze', VAE, '--model', 'Decoder()', '--input', '2,128', '--format', 'json');
    const diagnostics: { severity: string; code: string }[] = JSON.parse(json.stdout).diagnostics;
    assert.ok(diagnostics.some((d) => d.code === 'uneven-overlap' && d.severity === 'warning'));
    const hasError = diagnostics.some((d) => d.severity === 'error');
    assert.equal(cli('analyze', VAE, '--model', 'Decoder()', '--input', '2,128').status, 0);
    assert.equal(cli('analyze', VAE, '--model', 'Decoder()', '--input', '2,128', '--fail-on', 'warning').status, 1);
    assert.equal(cli('analyze', VAE, '--model', 'Decoder()', '--input', '2,128', '--fail-on', 'error').status, hasError ? 1 : 0);
    // Resize-convolution is the cure: nothing to fail on.
    assert.equal(cli('analyze', VAE, '--model', 'ResizeConvDecoder()', '--input', '2,128', '--fail-on', 'warning').status, 0);
  });

  test('markdown and SARIF carry the same diagnostics as JSON', () => {
    const args = ['analyze', VAE, '--model', 'Decoder()', '--input', '2,128'];
    const diagnostics: { code: string; line: number; message: string }[] = JSON.parse(cli(...args, '--format', 'json').stdout).diagnostics;
    const sarif = JSON.parse(cli(...args, '--format', 'sarif').stdout);
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results;
    assert.deepEqual(
      results.map((r: any /* SARIF JSON */) => [r.ruleId, r.locations[0].physicalLocation.region.startLine, r.message.text]),
      diagnostics.map((d) => [d.code, d.line, d.message]),
    );
    assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, VAE);
    const md = cli(...args, '--format', 'markdown');
    assert.equal(md.status, 0);
    assert.match(md.stdout, /^\| Layer \| Op \| Output shape \|/m);
    assert.ok(md.stdout.includes('`uneven-overlap`'));
  });

  test('without --model every root model of the file is analysed', () => {
    const r = cli('analyze', VAE, '--input', '2,128', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const names = JSON.parse(r.stdout).models.map((m: { name: string }) => m.name).sort();
    assert.deepEqual(names, ['Decoder()', 'ResizeConvDecoder()']);
  });
});

describe('imports through the module search path', () => {
  // A user's own package outside the model's folder, found only through --python-path or PYTHONPATH.
  let T = '';
  let LIB = '';
  let MODEL = '';
  const BLOCK_PARAMS = 3 * 16 * 3 * 3 + 16 + (16 * 16 * 3 * 3 + 16); // two 3×3 convolutions with bias

  before(() => {
    T = realpathSync(mkdtempSync(join(tmpdir(), 'convlens-cli-imports-')));
    LIB = join(T, 'lib');
    MODEL = join(T, 'app', 'model.py');
    const write = (path: string, text: string) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    };
    write(
      join(LIB, 'mypkg', '__init__.py'),
      [
        '__version__ = "1.2.3"',
        'from .blocks import conv_block',
        '',
      ].join('\n'),
    );
    write(
      join(LIB, 'mypkg', 'blocks.py'),
      [
        'import torch.nn as nn',
        '',
        'def conv_block(cin, cout, stride=1):',
        '    return nn.Sequential(',
        '        nn.Conv2d(cin, cout, 3, stride=stride, padding=1),',
        '        nn.ReLU(inplace=True),',
        '        nn.Conv2d(cout, cout, 3, padding=1),',
        '    )',
        '',
      ].join('\n'),
    );
    write(
      MODEL,
      [
        'import torch.nn as nn',
        'from mypkg import conv_block',
        '',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.body = conv_block(3, 16, stride=2)',
        '',
        '    def forward(self, x):',
        '        return self.body(x)',
        '',
      ].join('\n'),
    );
  });

  after(() => {
    rmSync(T, { recursive: true, force: true });
  });

  const ARGS = () => ['analyze', MODEL, '--model', 'Net()', '--input', '1,3,32,32', '--format', 'json'];

  function assertResolved(r: Run): void {
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const model = report.models[0];
    assert.equal(model.incomplete, false, JSON.stringify(report.diagnostics));
    assert.deepEqual(
      model.layers.filter((l: { kind: string }) => l.kind === 'module').map((l: { path: string; op: string; out: number[][] }) => [l.path, l.op, l.out[0]]),
      [
        ['body.0', 'Conv2d', [1, 16, 16, 16]],
        ['body.1', 'ReLU', [1, 16, 16, 16]],
        ['body.2', 'Conv2d', [1, 16, 16, 16]],
      ],
    );
    assert.equal(model.params, BLOCK_PARAMS);
    assert.deepEqual(report.libraries, [{ name: 'mypkg', version: '1.2.3', path: join(LIB, 'mypkg') }]);
  }

  test('--python-path DIR: a package outside the file\'s folder is followed', () => {
    assertResolved(cli(...ARGS(), '--python-path', LIB));
    assertResolved(cli(...ARGS(), `--python-path=${relative(ROOT, LIB)}`)); // relative to the cwd
  });

  test('PYTHONPATH is honoured like --python-path', () => {
    assertResolved(cliWith({ PYTHONPATH: `${join(T, 'nothing-here')}:${LIB}` }, ...ARGS()));
  });

  test('without the path the import is not found, and the model says it is incomplete', () => {
    const r = cli(...ARGS());
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.models.map((m: { incomplete: boolean; params: number }) => [m.incomplete, m.params]), [[true, 0]]);
    assert.deepEqual(report.libraries, []);
    assert.ok(report.diagnostics.some((d: { line: number; message: string }) => d.line === 2 && d.message.includes('mypkg')), r.stdout);
  });

  test('--verbose: the search path with kinds and sources on stderr, before the analysis', () => {
    const extra = join(T, 'pp');
    mkdirSync(extra, { recursive: true });
    const r = cliWith({ PYTHONPATH: extra }, 'analyze', MODEL, '--model', 'Net()', '--input', '1,3,32,32', '--python-path', LIB, '--verbose');
    const lines = r.stderr.split('\n');
    const header = lines.indexOf('Module search path (after the file\'s own folder):');
    assert.ok(header >= 0, r.stderr);
    const after = lines.slice(header + 1);
    const end = after.findIndex((l) => !l.startsWith('  '));
    const entries = after.slice(0, end).map((l) => l.trim().split(/\s+/));
    assert.equal(after[end], 'Libraries read:', 'the libraries come after the search path');
    // The temp folder has no project marker above it: the cwd is the project root, then the extras
    // in the order given, then whatever environments this machine has.
    assert.deepEqual(entries.slice(0, 3), [
      ['project', ROOT, 'current', 'directory'],
      ['extra', LIB, '--python-path'],
      ['extra', extra, 'PYTHONPATH'],
    ]);
    assert.ok(entries.slice(3).every((e) => e[0] === 'environment'), r.stderr);
    assert.ok(r.stdout.includes('Net()'), 'the report still goes to stdout');
    assert.doesNotMatch(r.stdout, /Module search path/);
  });

  test('--verbose: the libraries the analysis read, after it; the table names them too', () => {
    const r = cli('analyze', MODEL, '--model', 'Net()', '--input', '1,3,32,32', '--python-path', LIB, '--verbose');
    assert.equal(r.status, 0, r.stderr);
    const tail = r.stderr.slice(r.stderr.indexOf('Libraries read:'));
    assert.equal(tail, `Libraries read:\n  mypkg 1.2.3  ${join(LIB, 'mypkg')}\n`, r.stderr);
    assert.ok(r.stdout.split('\n').includes(`Libraries: mypkg 1.2.3 (${join(LIB, 'mypkg')})`), r.stdout);
    const none = cli('analyze', RESNET, '--model', 'resnet18()', '--verbose');
    assert.equal(none.status, 0, none.stderr);
    assert.ok(none.stderr.endsWith('Libraries read: none\n'), none.stderr);
    assert.doesNotMatch(none.stdout, /^Libraries:/m);
  });

  test('a --python-path that is not a folder: one warning on stderr, the analysis goes on', () => {
    const r = cli('analyze', RESNET, '--model', 'resnet18()', '--python-path', 'no/such/dir', '--python-path', 'package.json', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stderr,
      "convlens: warning: --python-path 'no/such/dir': no such folder; ignored\n" +
        "convlens: warning: --python-path 'package.json': not a folder; ignored\n",
    );
    assert.equal(JSON.parse(r.stdout).models[0].params, 11689512);
  });
});
