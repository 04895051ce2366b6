// The input ConvLens guesses when the file gives none: channels from the first layer forward
// applies to each input (not the first defined), a size the model runs on nearest to the image
// size asked for (the sizes real PyTorch ran, from scripts/golden/valid_sizes.py), and what is
// said when the input is not one the model runs on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { AnalyzeOptions } from '../../server/src/engine/report';

const root = resolve(__dirname, '../..');
const stylesFile = join(root, 'test/fixtures/styles/pyinput_classifiers.py');
/** The file without its input directives: the input must be guessed. */
const undirected = readFileSync(stylesFile, 'utf8').replace(/# convlens: input=[^\n]*/g, '#');
const readFile = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};
const golden = (name: string) => JSON.parse(readFileSync(join(root, 'test/golden/torch', `validsizes_${name}.json`), 'utf8')) as { square: number[] };

function analyse(model: string, extra: Partial<AnalyzeOptions> = {}) {
  const report = analyzeFile({ file: stylesFile, text: undirected, readFile, model, timeLimitMs: 60_000, validSizesTimeMs: 60_000, validSizesSteps: 100_000_000, ...extra });
  return { report, model: report.models[0]! };
}

/** The size a guess should take, by brute force over the golden's sizes: n when valid, else in the
 *  run of consecutive valid sizes nearest to n, the one with the most factors of 2, then nearest. */
function nearest(valid: number[], n: number): number {
  if (valid.includes(n)) return n;
  const closest = [...valid].sort((a, b) => Math.abs(a - n) - Math.abs(b - n) || a - b)[0]!;
  const run = valid.filter((k) => {
    for (let j = Math.min(k, closest); j <= Math.max(k, closest); j++) if (!valid.includes(j)) return false;
    return true;
  });
  const twos = (k: number): number => (k % 2 ? 0 : 1 + twos(k / 2));
  return run.sort((a, b) => twos(b) - twos(a) || Math.abs(a - n) - Math.abs(b - n))[0]!;
}

test('MnistNet: channels from conv1 though fc1 is defined first; the size its Linear(9216) fixes', () => {
  const { report, model } = analyse('MnistNet()');
  assert.equal(model.inputSource, 'inferred');
  assert.deepEqual(model.inputs, [[1, 1, nearest(golden('pyinput_MnistNet').square, 224), nearest(golden('pyinput_MnistNet').square, 224)]]);
  assert.deepEqual(model.inputs, [[1, 1, 28, 28]]);
  assert.match(model.inputReason ?? '', /x: 1 channel from conv1, the first layer forward applies to it/);
  assert.match(model.inputReason ?? '', /size 28: the model does not run at 224; it runs on H, W: 28 or 29/);
  assert.equal(model.incomplete, false);
  assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning'), []);
});

test('CifarResNet: the size nearest to --image-size among those its fixed 4×4 pooling allows', () => {
  for (const size of [224, 20, 40]) {
    const { model } = analyse('CifarResNet()', { defaultImageSize: size });
    const n = nearest(golden('pyinput_CifarResNet').square, size);
    assert.deepEqual(model.inputs, [[1, 3, n, n]], `--image-size ${size}`);
  }
});

test('RgbDepthFusion: each input gets its channels from the stem forward applies to it', () => {
  const { model } = analyse('RgbDepthFusion()');
  assert.deepEqual(model.inputs, [[1, 3, 224, 224], [1, 1, 224, 224]]);
  assert.match(model.inputReason ?? '', /image: 3 channels from rgb_stem\.0.*depth: 1 channel from depth_stem\.0/);
  assert.ok(golden('pyinput_RgbDepthFusion').square.includes(224));
});

test('a guessed input that the model does not run on: warnings that say it was a guess, not errors', () => {
  // No time to look for sizes: the guess stays at 224, where Linear(9216) gets 179,776 features.
  const { report, model } = analyse('MnistNet()', { validSizesTimeMs: 0 });
  assert.deepEqual(model.inputs, [[1, 1, 224, 224]]);
  assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error'), []);
  const warning = report.diagnostics.find((d) => d.severity === 'warning' && d.code === 'shape-mismatch' || d.code === 'channel-mismatch');
  assert.ok(warning, JSON.stringify(report.diagnostics));
  assert.match(warning.message, /the input 1×1×224×224 was a guess/);
});

test('an input the model does not run on: an error naming the nearest valid sizes', () => {
  const fcn = '/work/shared/fixtures/models/fcn.py';
  const path = [fcn, join(root, 'test/fixtures/shared/models/fcn.py')].find((p) => readFile(p) !== null)!;
  const report = analyzeFile({ file: path, text: readFile(path)!, readFile, model: 'FCN8s()', inputs: [[1, 3, 250, 250]], timeLimitMs: 60_000, validSizesTimeMs: 60_000, validSizesSteps: 100_000_000 });
  const valid = (JSON.parse(readFileSync(join(root, 'test/golden/torch/validsizes_fcn_FCN8s.json'), 'utf8')) as { square: number[] }).square;
  const below = Math.max(...valid.filter((n) => n < 250));
  const above = Math.min(...valid.filter((n) => n > 250));
  const error = report.diagnostics.find((d) => d.severity === 'error' && /does not run on the input/.test(d.message));
  assert.ok(error, JSON.stringify(report.diagnostics.map((d) => d.message)));
  assert.match(error.message, new RegExp(`nearest valid size: ${below}×${below} or ${above}×${above}`));
  assert.match(error.message, /H = W: sizes whose remainder by 32 is 0–7, from 32 \(sizes 1–512 checked\); H alone \(W = 250\): none/);
});

test('the editor\'s bound: sizes checked outward from the input while its steps last, and said so', () => {
  const { model } = analyse('CifarResNet()', { validSizesSteps: 20_000, validSizesTimeMs: 60_000, inputs: [[1, 3, 32, 32]] });
  const sizes = model.validInputSizes!;
  const [lo, hi] = sizes.square.checked;
  assert.ok(lo <= 32 && hi >= 32 && (lo > 1 || hi < 512), `checked ${lo}–${hi}`);
  const expected = golden('pyinput_CifarResNet').square.filter((n) => n >= lo && n <= hi);
  assert.deepEqual(sizes.square.valid, expected);
});

function analyseText(text: string, extra: Partial<AnalyzeOptions> = {}) {
  return analyzeFile({ file: '/tmp/convlens-input-test/model.py', text, readFile: () => null, timeLimitMs: 60_000, validSizesTimeMs: 60_000, validSizesSteps: 100_000_000, ...extra });
}

test('eight stride-2 downsamples with skip concatenations: a guess at 224 becomes 256', () => {
  const report = analyzeFile({ file: stylesFile, text: undirected, readFile, model: 'EightLevelNet()', timeLimitMs: 60_000, validSizesTimeMs: 60_000, validSizesSteps: 100_000_000 });
  const n = nearest(golden('pyinput_EightLevelNet').square, 224);
  assert.equal(n, 256);
  assert.deepEqual(report.models[0]!.inputs, [[1, 2, n, n]]);
  assert.match(report.models[0]!.inputReason ?? '', /H, W: 256 or 512/);
});

const header = `import torch
import torch.nn as nn
import torch.nn.functional as F


# convlens: input=(1, 3, 64, 64)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.b = nn.Conv2d(3, 8, 3, stride=2, padding=1)

    def forward(self, x):
`;

test('a branch on a value forward does not know: the sizes are unknown, never a guessed set', () => {
  const report = analyseText(`${header}        y = self.a(x)
        if y.mean() > 0:
            return y
        return torch.cat([y, x], 1)
`);
  const sizes = report.models[0]!.validInputSizes!;
  assert.equal(sizes.square.valid, null);
  assert.match(sizes.square.unknown ?? '', /condition (whose value is not known|depends on tensor values)/);
  assert.match(sizes.summary, /unknown/);
});

test('an error inside try: PyTorch may catch it, so the size is unknown, not invalid', () => {
  const report = analyseText(`${header}        y = self.a(x)
        try:
            z = torch.cat([y, x], 1)
        except RuntimeError:
            z = y
        return z
`);
  const sizes = report.models[0]!.validInputSizes!;
  assert.equal(sizes.square.valid, null);
  assert.match(sizes.square.unknown ?? '', /try block/);
});

test('a raise in forward for sizes it refuses: those sizes are invalid (PyTorch stops there too)', () => {
  const report = analyseText(`${header}        if x.shape[-1] % 16 != 0:
            raise ValueError("size must be a multiple of 16")
        return self.a(x) + self.b(x)
`);
  const sizes = report.models[0]!.validInputSizes!;
  assert.deepEqual(sizes.square.valid, Array.from({ length: 32 }, (_, i) => 16 * (i + 1)));
  assert.equal(sizes.square.text, 'multiples of 16 from 16');
  // Each axis alone: H is free (W stays 64), W must be a multiple of 16.
  assert.deepEqual(sizes.axes.map((a) => a.text), ['any size from 1', 'multiples of 16 from 16']);
});
