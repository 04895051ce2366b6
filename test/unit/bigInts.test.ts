// Issue 11, item 3: Python ints are exact at any size, as in CPython (the oracle here: `python3`,
// run by the test, never by ConvLens), and no number past 2^53 is shown as if it were exact.
// Each expression's value reaches a layer as `value % 97 + 1` output channels: any rounding to a
// double would change the residue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { analyzeFile } from '../../server/src/engine/analyze';

const EXPRESSIONS = [
  '(2**53 + 1) - 2**53',
  '2**64 + 1',
  '10**30 // 7',
  '-(10**30) // 7',
  '-(2**70) % 1000007',
  '2**70 % -1000007',
  '(2**64) >> 3',
  '1 << 70',
  '(2**65 + 12345) & (2**40 - 1)',
  '(2**65) | 5',
  '(2**65) ^ (2**65 + 6)',
  '~(2**60)',
  '-(2**60 + 3)',
  'abs(-(2**80) - 1)',
  'int("123456789012345678901234567890") * 3',
  'int(2.0**70)',
  '123456789012345678901234567890',
  '0x1fffffffffffffffff',
  '100000007 * 100000037',
  'max(2**60 + 1, 2**60)',
  'sum([2**55, 1, 1])',
  '(3**40) * (3**40) // 3**79',
  'pow(7, 30)',
  'int(str(2**70 + 9))',
  '(2**63 - 1) * 2 + 1',
];
const COMPARISONS = ['2**53 + 1 > 2**53', '2**53 + 1 == 2**53', '2**70 == 2.0**70', '2**70 + 1 == 2.0**70', '2**60 < 2**60 + 1', 'len({2**60, 2**60 + 1})'];

function cpython(expressions: string[]): number[] {
  const program = `import sys\nfor e in sys.stdin.read().split('\\n'):\n    print(int(eval(e)) % 97 + 1)`;
  return execFileSync('python3', ['-I', '-c', program], { input: expressions.join('\n'), encoding: 'utf8' }).trim().split('\n').map(Number);
}

function convlens(expressions: string[]): (number | null)[] {
  const layers = expressions.map((e, i) => `        self.l${i} = nn.Conv2d(3, int(${e}) % 97 + 1, 1)`).join('\n');
  const calls = expressions.map((_, i) => `        y${i} = self.l${i}(x)`).join('\n');
  const text = `import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n${layers}\n\n    def forward(self, x):\n${calls}\n        return x\n`;
  const report = analyzeFile({ file: 'ints.py', text, readFile: () => null, model: 'Net()', inputs: [[1, 3, 4, 4]], timeLimitMs: 30_000 });
  const model = report.models[0];
  assert.ok(model, JSON.stringify(report.diagnostics));
  return expressions.map((_, i) => model.layers.find((l) => l.path === `l${i}`)?.out[0]?.[1] ?? null);
}

test('int arithmetic past 2^53 matches CPython exactly', () => {
  assert.deepEqual(convlens(EXPRESSIONS), cpython(EXPRESSIONS));
});

test('comparisons, equality with floats and hashing of big ints match CPython', () => {
  assert.deepEqual(convlens(COMPARISONS), cpython(COMPARISONS));
});

test('an int past 2^53 as a layer size is refused with the reason; past 2^63 with PyTorch\'s', () => {
  const text = `import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.conv = nn.Conv2d(3, c, 3)\n\n    def forward(self, x):\n        return self.conv(x)\n`;
  for (const [c, reason] of [['2**60', /out_channels = 1152921504606846976 is past 2\^53/], ['2**64', /does not fit PyTorch's 64-bit integers/]] as const) {
    const report = analyzeFile({ file: 'n.py', text, readFile: () => null, model: `Net(${c})`, inputs: [[1, 3, 8, 8]], timeLimitMs: 30_000 });
    assert.equal(report.models[0]?.incomplete, true);
    assert.ok(report.diagnostics.some((d) => reason.test(d.message)), JSON.stringify(report.diagnostics));
  }
});

test('MACs past 2^53 (nn.Linear(100000007, 100000037)) are flagged on the layer\'s line, and the model incomplete', () => {
  const text = `import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(100000007, 100000037)\n\n    def forward(self, x):\n        return self.fc(x)\n`;
  const report = analyzeFile({ file: 'l.py', text, readFile: () => null, model: 'Net()', inputs: [[1, 100000007]], timeLimitMs: 30_000 });
  const model = report.models[0]!;
  assert.equal(model.incomplete, true);
  // 100000007 × 100000037 = 10000004400000259 in Python: a double cannot hold it.
  assert.notEqual(BigInt(model.layers[0]!.macs), 10000004400000259n);
  const warning = report.diagnostics.find((d) => d.line === 10 && /fc: parameters \(≈1\.00e\+16\), MACs \(≈1\.00e\+16\) past 2\^53/.test(d.message));
  assert.ok(warning, JSON.stringify(report.diagnostics));
  assert.equal(warning.severity, 'warning');
});
