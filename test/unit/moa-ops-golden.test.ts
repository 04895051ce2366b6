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

import { buildModule, check, loadGolden, opName, type GoldenCase } from '../support/moaOpsGolden';

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
