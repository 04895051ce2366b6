// Which models, when the file does not say: classes that need constructor arguments are listed
// with their signature, a ready directive and the calls that build them in the project; a call
// with literal arguments (a training script's) is analysed; a file of parts is analysed through
// the model of the file that imports it. The numbers of the chosen calls are held to real PyTorch
// (scripts/golden/project_models.py); the candidates to the fixtures' text.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

import { analyzeFile } from '../../server/src/engine/analyze';
import type { AnalyzeOptions, FileReport } from '../../server/src/engine/report';
import { parseCommandLine } from '../../server/src/cliArgs';
import { formatJson } from '../../server/src/format/json';
import { formatTable } from '../../server/src/format/table';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';
import { assertMatchesGolden, readGolden } from '../support/torchGolden';

const root = resolve(__dirname, '../..');
const projects = join(root, 'test/fixtures/projects');
const golden = (name: string) => readGolden(join(root, 'test/golden/torch', `${name}.json`));

function analyseProjectFile(project: string, file: string, extra: Partial<AnalyzeOptions> = {}): FileReport {
  const dir = join(projects, project);
  const path = join(dir, file);
  return analyzeFile({
    file: path, text: readFileSync(path, 'utf8'), ...nodeFileAccess({ roots: [dir] }), defaultImageSize: 64,
    searchPaths: [{ path: dir, kind: 'project', source: 'test' }], timeLimitMs: 30_000, ...extra,
  });
}

const only = (report: FileReport, index: number): FileReport => ({ ...report, models: [report.models[index]!] });

describe('a generators-and-losses file built by its training script (pychoice_pix2pix)', () => {
  const report = analyseProjectFile('pychoice_pix2pix', 'models/networks.py');
  const train = join(projects, 'pychoice_pix2pix/train.py');

  test('the literal calls of train.py are analysed, exact against real PyTorch', () => {
    assert.deepEqual(report.models.map((m) => m.name), [
      'ResnetGenerator(3, 3, 64, norm_layer=nn.InstanceNorm2d, n_blocks=9)',
      'NLayerDiscriminator(6, 64, n_layers=3)',
    ]);
    assertMatchesGolden(only(report, 0), golden('project_pychoice_pix2pix_ResnetGenerator_3_3_64_norm_layer_nn_InstanceNorm2d_n_blocks_9'));
    assertMatchesGolden(only(report, 1), golden('project_pychoice_pix2pix_NLayerDiscriminator_6_64_n_layers_3'));
    assert.deepEqual(report.models.map((m) => m.modelSource && [m.modelSource.kind, m.modelSource.file, m.modelSource.line]), [
      ['call', train, 9],
      ['call', train, 10],
    ]);
    assert.deepEqual(report.models.map((m) => m.inputs), [[[1, 3, 64, 64]], [[1, 6, 64, 64]]]);
  });

  test('a class with no layer to take an input from (the loss) stays a listed candidate, with its call', () => {
    assert.deepEqual(report.modelCandidates?.map((c) => [c.className, c.signature, c.directive]), [
      ['GANLoss', 'GANLoss(gan_mode, target_real_label=1.0, target_fake_label=0.0)', "# convlens: model=GANLoss('lsgan')"],
    ]);
    assert.deepEqual(report.modelCandidates![0]!.calls, [{ expression: "GANLoss('lsgan')", file: train, line: 11, literal: true }]);
  });

  test('the table says where the model came from and lists the candidates; JSON carries them', () => {
    const table = formatTable(report);
    assert.match(table, /note: model from the call at .*train\.py:9 \(the file names no model\)/);
    assert.match(table, /GANLoss\(gan_mode, target_real_label=1\.0, target_fake_label=0\.0\)/);
    assert.match(table, /# convlens: model=GANLoss\('lsgan'\)/);
    const json = JSON.parse(formatJson(report)) as { modelCandidates: unknown[]; models: { modelSource: { kind: string } }[] };
    assert.equal(json.modelCandidates.length, 1);
    assert.equal(json.models[0]!.modelSource.kind, 'call');
  });
});

describe('a U-Net split into unet_model.py and unet_parts.py (pychoice_unet)', () => {
  const unetGolden = 'project_pychoice_unet_UNet_n_channels_3_n_classes_2_bilinear_False';

  test('unet_model.py: the call of train.py (a __main__ block) is analysed', () => {
    const report = analyseProjectFile('pychoice_unet', 'unet/unet_model.py');
    assertMatchesGolden(report, golden(unetGolden));
    assert.equal(report.models[0]!.modelSource?.kind, 'call');
    assert.equal(report.models[0]!.modelSource?.file, join(projects, 'pychoice_unet/train.py'));
    assert.equal(report.modelCandidates, undefined);
  });

  test('unet_parts.py: the parts show the numbers of the instances the U-Net makes', () => {
    const report = analyseProjectFile('pychoice_unet', 'unet/unet_parts.py');
    const model = assertMatchesGolden(report, golden(unetGolden));
    const source = model.modelSource!;
    assert.deepEqual([source.kind, source.file, source.line, source.expression, source.call?.line],
      ['through', join(projects, 'pychoice_unet/unet/unet_model.py'), 5, 'UNet(n_channels=3, n_classes=2, bilinear=False)', 6]);
    // Down(64, 128) in UNet.__init__ is a literal call, but a part of UNet: not a model of its own.
    assert.equal(report.modelCandidates, undefined);
    const parts = join(projects, 'pychoice_unet/unet/unet_parts.py');
    const down1 = model.layers.filter((l) => l.path.startsWith('down1.') && l.defined[0]?.file === parts);
    assert.deepEqual(down1.map((l) => l.out[0]), [[1, 64, 32, 32], [1, 128, 32, 32], [1, 128, 32, 32], [1, 128, 32, 32], [1, 128, 32, 32], [1, 128, 32, 32], [1, 128, 32, 32]]);
    assert.match(formatTable(report), /note: this file's classes as UNet\(n_channels=3, n_classes=2, bilinear=False\) of .*unet_model\.py:5 builds them, built as at .*train\.py:6/);
  });
});

describe('the engine API: a file analysed through the model of a file the caller names', () => {
  test('through unet_model.py: the same U-Net, exact', () => {
    const report = analyseProjectFile('pychoice_unet', 'unet/unet_parts.py', { through: join(projects, 'pychoice_unet/unet/unet_model.py') });
    assertMatchesGolden(report, golden('project_pychoice_unet_UNet_n_channels_3_n_classes_2_bilinear_False'));
  });

  test('through a file whose models do not use the parts: an error that says so, no model', () => {
    const through = join(projects, 'pychoice_pix2pix/models/networks.py');
    const report = analyseProjectFile('pychoice_unet', 'unet/unet_parts.py', { through });
    assert.deepEqual(report.models, []);
    assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      [`no model of ${through} could be built that uses the classes of this file (see the hints)`]);
  });

  test('the command line: --through FILE', () => {
    const command = parseCommandLine(['analyze', 'unet/unet_parts.py', '--through', 'unet/unet_model.py']);
    assert.equal(command.kind === 'analyze' && command.through, 'unet/unet_model.py');
    assert.throws(() => parseCommandLine(['analyze', 'a.py', '--through', ' ']), /--through needs a file/);
  });
});

describe('candidates without a usable call', () => {
  const files: Record<string, string> = {
    '/proj/nets.py': `import torch.nn as nn

class Net(nn.Module):
    def __init__(self, width, depth=2, *, act=nn.ReLU):
        super().__init__()
        self.body = nn.Sequential(*[nn.Conv2d(3 if i == 0 else width, width, 3) for i in range(depth)])

    def forward(self, x):
        return self.body(x)
`,
    '/proj/run.py': 'import argparse\nfrom nets import Net\n\nargs = argparse.ArgumentParser().parse_args()\nnet = Net(args.width)\n',
    '/proj/other.py': 'class Net:\n    pass\n\nx = Net(3)\n',
  };
  const options = (file: string): AnalyzeOptions => ({
    file, text: files[file]!, readFile: (p) => files[p] ?? null,
    listDirectory: (d) => (d === '/proj' ? Object.keys(files).map((f) => f.slice('/proj/'.length)) : null),
  });

  test('no model: the class is listed with its signature, a template directive and the computed call', () => {
    const report = analyzeFile(options('/proj/nets.py'));
    assert.deepEqual(report.models, []);
    assert.deepEqual(report.modelCandidates, [{
      className: 'Net', signature: 'Net(width, depth=2, *, act=nn.ReLU)',
      location: { file: '/proj/nets.py', line: 3, column: 0, endLine: 9, endColumn: 27 },
      directive: '# convlens: model=Net(width=...)',
      // other.py's Net(3) is another class: it does not import nets.
      calls: [{ expression: 'Net(args.width)', file: '/proj/run.py', line: 5, literal: false }],
    }]);
    const table = formatTable(report);
    assert.doesNotMatch(table, /No models analysed/);
    assert.match(table, /Net\(width, depth=2, \*, act=nn\.ReLU\)  \/proj\/nets\.py:3\n {4}# convlens: model=Net\(width=\.\.\.\)\n {4}built at \/proj\/run\.py:5: Net\(args\.width\) \(arguments computed there\)/);
  });

  test('a directive naming the model leaves nothing to list', () => {
    const text = `# convlens: model=Net(8) input=1,3,32,32\n${files['/proj/nets.py']}`;
    const report = analyzeFile({ ...options('/proj/nets.py'), text });
    assert.deepEqual(report.models.map((m) => [m.name, m.outputs]), [['Net(8)', [[1, 8, 28, 28]]]]);
    assert.equal(report.modelCandidates, undefined);
  });
});

describe('a model= directive decides what is analysed; the other classes that need arguments are still listed', () => {
  const text = `import torch.nn as nn

class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)

    def forward(self, x):
        return self.conv(x)

class Head(nn.Module):
    def __init__(self, classes, hidden=8):
        super().__init__()
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc(x)

# convlens: model=Net(8)
# convlens: input=(1, 3, 16, 16)
class Net(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.b = Block(3, width)

    def forward(self, x):
        return self.b(x)
`;
  const report = analyzeFile({ file: '/proj/net.py', text, readFile: (p) => (p === '/proj/net.py' ? text : null), timeLimitMs: 30_000 });

  test('only the directive\'s model is analysed', () => {
    assert.deepEqual(report.models.map((m) => m.name), ['Net(8)']);
  });

  test('Head (needs arguments, built by no analysed model) is listed with its signature; Block (a part of Net) is not', () => {
    assert.deepEqual((report.modelCandidates ?? []).map((c) => [c.className, c.signature, c.directive]),
      [['Head', 'Head(classes, hidden=8)', '# convlens: model=Head(classes=...)']]);
  });
});
