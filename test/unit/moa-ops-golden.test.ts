// Layer operators at the edges of their checks, against real PyTorch 1.13: every case of
// test/golden/torch/moa_ops.json (scripts/golden/moa_ops_cases.py) gives torch's output shapes,
// parameter count, or error, and for some refusals the exact OpError code (the meaning of each
// code is sarif.ts's rule text: channel-mismatch = a tensor's channel count differs from what the
// layer expects; shape-mismatch = shapes that do not fit; invalid-argument = an argument torch
// rejects whatever the input). Plus the layer descriptions, whose expected text is derived from
// the constructor call by the rule every describe() keeps: a hyperparameter is named when it
// differs from its default on some axis, as one number when all axes agree, else as a×b.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tensorFunctionSpecs } from '../../server/src/engine/ops/functionRegistry';
import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { OpError, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { buildModule, check, loadGolden, opName, type GoldenCase } from '../support/opsGolden';

const cases = loadGolden('moa_ops.json');

const families = new Map<string, GoldenCase[]>();
for (const c of cases) {
  const family = opName(c.expr).replace(/^(F|torch|Tensor)\./, '').replace(/\d+d$/, '').toLowerCase().replace(/_/g, '');
  families.set(family, [...(families.get(family) ?? []), c]);
}

for (const [family, list] of families) {
  test(`torch 1.13: ${family} (${list.length} cases)`, () => {
    const failures: string[] = [];
    for (const c of list) {
      const problem = check(c);
      if (problem) failures.push(`${c.expr} on ${JSON.stringify(c.inputs)}\n    ${problem}`);
    }
    assert.equal(failures.length, 0, `${failures.length} of ${list.length} differ from torch:\n${failures.join('\n')}`);
  });
}

const describe = (expr: string): string => {
  const b = buildModule(expr);
  return b.spec.describe(b.config);
};

test('ConvTranspose: the description names each hyperparameter that differs from its default on some axis', () => {
  assert.equal(describe('nn.ConvTranspose2d(3, 8, 4)'), '3→8, k=4');
  assert.equal(describe('nn.ConvTranspose2d(3, 8, (4, 3), stride=(2, 1))'), '3→8, k=4×3, s=2×1');
  assert.equal(describe('nn.ConvTranspose2d(3, 8, 4, stride=(1, 2), padding=(0, 1))'), '3→8, k=4, s=1×2, p=0×1');
  assert.equal(describe('nn.ConvTranspose2d(3, 8, 4, stride=2, output_padding=(1, 0))'), '3→8, k=4, s=2, op=1×0');
  assert.equal(describe('nn.ConvTranspose2d(4, 8, 4, dilation=(1, 2), groups=2, bias=False)'), '4→8, k=4, d=1×2, g=2, no bias');
});

test('pools: the description names each hyperparameter that differs from its default on some axis', () => {
  // The stride defaults to the kernel; an LP pool's p is its norm.
  assert.equal(describe('nn.MaxPool2d(3)'), 'k=3');
  assert.equal(describe('nn.MaxPool2d(3, stride=(3, 2))'), 'k=3, s=3×2');
  assert.equal(describe('nn.MaxPool2d((2, 3), stride=(2, 1))'), 'k=2×3, s=2×1');
  assert.equal(describe('nn.MaxPool2d(3, padding=(0, 1), dilation=(1, 2))'), 'k=3, p=0×1, d=1×2');
  assert.equal(describe('nn.MaxPool1d(2, return_indices=True, ceil_mode=True)'), 'k=2, ceil_mode, return_indices');
  assert.equal(describe('nn.AvgPool2d(3, count_include_pad=False, divisor_override=2)'), 'k=3, count_include_pad=False, divisor=2');
  assert.equal(describe('nn.LPPool2d(2, 3)'), 'p=2, k=3');
  assert.equal(describe('nn.LPPool2d(1.5, 3, stride=2)'), 'p=1.5, k=3, s=2');
});

test('adaptive pools report the widest window and, when windows step evenly, the stride; an empty output axis has no window', () => {
  // Brute force over torch's adaptive windows: output i reads [floor(i·L/o), ceil((i+1)·L/o)).
  const widest = (L: number, o: number): number => {
    let w = 0;
    for (let i = 0; i < o; i++) w = Math.max(w, Math.ceil(((i + 1) * L) / o) - Math.floor((i * L) / o));
    return w;
  };
  const layerOf = (expr: string, shape: number[]) => {
    const b = buildModule(expr);
    return b.spec.forward(b.config, { input: { kind: 'tensor', shape, geometry: null } }).geometry;
  };
  assert.deepEqual(layerOf('nn.AdaptiveAvgPool2d((2, 3))', [1, 2, 6, 4]), { kernel: [widest(6, 2), widest(4, 3)] });
  assert.deepEqual(layerOf('nn.AdaptiveMaxPool2d((2, 2))', [1, 2, 6, 4]), { kernel: [widest(6, 2), widest(4, 2)], stride: [3, 2] });
  assert.deepEqual(layerOf('nn.AdaptiveAvgPool2d((0, 2))', [1, 2, 5, 4]), { kernel: [0, widest(4, 2)] });
  assert.deepEqual(layerOf('nn.AdaptiveAvgPool1d(0)', [1, 2, 5]), { kernel: [0] });
});

test('adaptive pools and pads: the description', () => {
  // out= the output size (one number when all axes agree, None kept); the pads as given; a value only when not 0.
  assert.equal(describe('nn.AdaptiveAvgPool2d(3)'), 'out=3');
  assert.equal(describe('nn.AdaptiveAvgPool2d((3, 4))'), 'out=3×4');
  assert.equal(describe('nn.AdaptiveMaxPool2d((None, 4), return_indices=True)'), 'out=(None, 4), return_indices');
  assert.equal(describe('nn.ConstantPad2d((1, 2, 3, 4), 0.5)'), '1×2×3×4, value=0.5');
  assert.equal(describe('nn.ConstantPad1d(2, 0.0)'), '2');
  assert.equal(describe('nn.ReflectionPad2d(1)'), '1');
  assert.equal(describe('nn.ZeroPad2d((1, 0, 2, 0))'), '1×0×2×0');
});

test('shuffles and unpools: the description', () => {
  assert.equal(describe('nn.PixelShuffle(2)'), '×2');
  assert.equal(describe('nn.PixelUnshuffle(3)'), '÷3');
  assert.equal(describe('nn.ChannelShuffle(4)'), 'groups=4');
  // MaxUnpool: the stride defaults to the kernel.
  assert.equal(describe('nn.MaxUnpool2d(2)'), 'k=2');
  assert.equal(describe('nn.MaxUnpool2d(2, stride=(2, 1))'), 'k=2, s=2×1');
  assert.equal(describe('nn.MaxUnpool2d((2, 3), stride=(2, 3), padding=(0, 1))'), 'k=2×3, p=0×1');
});

test('Unfold / Fold: the description spells out every window argument, torch\'s way', () => {
  assert.equal(describe('nn.Unfold(2)'), 'kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1)');
  assert.equal(describe('nn.Fold((4, 5), (2, 3), dilation=(1, 2), padding=(1, 0), stride=(1, 2))'), 'output_size=(4, 5), kernel_size=(2, 3), dilation=(1, 2), padding=(1, 0), stride=(1, 2)');
});

test('resizes: the description; F.upsample_bilinear and UpsamplingBilinear2d align corners', () => {
  assert.equal(describe('nn.Upsample(scale_factor=2)'), '×2, nearest');
  assert.equal(describe("nn.Upsample(scale_factor=(2, 3), mode='bilinear', align_corners=True)"), '×2×3, bilinear, align_corners');
  assert.equal(describe("nn.Upsample(size=(4, 5), mode='bicubic')"), 'size=4×5, bicubic');
  assert.equal(describe('nn.Upsample(size=7)'), 'size=7, nearest');
  assert.equal(describe('nn.UpsamplingBilinear2d(scale_factor=2)'), '×2, bilinear, align_corners');
  assert.equal(describe('nn.UpsamplingNearest2d(size=3)'), 'size=3, nearest');
  // torch 1.13's docs: upsample_bilinear(input, size, scale_factor) is interpolate(..., mode='bilinear', align_corners=True).
  const x: Tensor = { kind: 'tensor', shape: [1, 2, 3, 4], geometry: null };
  const fn = layerFunctionSpecs.get('F.upsample_bilinear') ?? tensorFunctionSpecs.get('F.upsample_bilinear');
  assert.deepEqual(fn!.apply({ input: x, scale_factor: 2 }).geometry?.resize, { mode: 'bilinear', alignCorners: true, scaleFactor: [2, 2] });
  const plain = layerFunctionSpecs.get('F.interpolate') ?? tensorFunctionSpecs.get('F.interpolate');
  assert.deepEqual(plain!.apply({ input: x, scale_factor: 2, mode: 'bilinear' }).geometry?.resize, { mode: 'bilinear', alignCorners: false, scaleFactor: [2, 2] });
});

test('resizes: a scale_factor that is not a number is refused as such (torch 1.13: TypeError)', () => {
  const x: Tensor = { kind: 'tensor', shape: [1, 2, 3, 4], geometry: null };
  const fn = layerFunctionSpecs.get('F.interpolate') ?? tensorFunctionSpecs.get('F.interpolate');
  for (const sf of ['2', [2, '3']] as OpValue[]) {
    assert.throws(() => fn!.apply({ input: x, scale_factor: sf }), (e: unknown) => e instanceof OpError && e.code === 'invalid-argument' && /scale_factor must be a number or a tuple of numbers/.test(e.message));
  }
});

test('linear layers: the description', () => {
  assert.equal(describe('nn.Linear(4, 3)'), '4→3');
  assert.equal(describe('nn.Linear(4, 3, bias=False)'), '4→3, no bias');
  assert.equal(describe('nn.Bilinear(3, 4, 5)'), '3×4→5');
  assert.equal(describe('nn.Bilinear(3, 4, 5, bias=False)'), '3×4→5, no bias');
  assert.equal(describe('nn.Identity()'), '');
});

test('norms: the description', () => {
  assert.equal(describe('nn.BatchNorm2d(4)'), '4');
  assert.equal(describe('nn.BatchNorm2d(4, affine=False)'), '4, affine=False');
  assert.equal(describe('nn.BatchNorm2d(4, track_running_stats=False)'), '4, no running stats');
  assert.equal(describe('nn.InstanceNorm2d(4)'), '4');
  assert.equal(describe('nn.InstanceNorm2d(4, affine=True)'), '4, affine');
  assert.equal(describe('nn.GroupNorm(2, 4)'), '2 groups, 4');
  assert.equal(describe('nn.GroupNorm(2, 4, affine=False)'), '2 groups, 4, affine=False');
  assert.equal(describe('nn.LayerNorm((4, 5))'), '[4, 5]');
  assert.equal(describe('nn.LayerNorm(5, elementwise_affine=False)'), '[5], no affine');
  assert.equal(describe('nn.LocalResponseNorm(3)'), 'size=3');
});
