// nn.Sequential's forward is torch's `def forward(self, input)`: any other argument is a TypeError
// there, never dropped. Messages as torch 1.13 on Python 3.11 prints them (checked with
// /usr/bin/python3: `nn.Sequential(nn.ReLU())(x, output_size=[1])`, `(x, x)`, `()`, `(x, input=x)`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../server/src/engine/analyze';

function run(call: string) {
  const text = [
    'import torch.nn as nn',
    '',
    '',
    '# convlens: input=(1, 8, 8, 8)',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.body = nn.Sequential(nn.ReLU())',
    '',
    '    def forward(self, x):',
    `        return ${call}`,
    '',
  ].join('\n');
  return analyzeFile({ file: '/virtual/net.py', text, readFile: () => null });
}

test('nn.Sequential called with an argument forward does not take: torch\'s TypeError, the output unknown', () => {
  const cases: [string, string][] = [
    ['self.body(x, output_size=[16, 16])', "Sequential.forward() got an unexpected keyword argument 'output_size'"],
    ['self.body(x, x)', 'Sequential.forward() takes 2 positional arguments but 3 were given'],
    ['self.body()', "Sequential.forward() missing 1 required positional argument: 'input'"],
    ['self.body(x, input=x)', "Sequential.forward() got multiple values for argument 'input'"],
  ];
  for (const [call, message] of cases) {
    const report = run(call);
    assert.ok(report.diagnostics.some((d) => d.line === 11 && d.message.includes(`TypeError: ${message}`)), `${call}: ${JSON.stringify(report.diagnostics)}`);
    assert.equal(report.models[0]?.incomplete, true, call);
  }
});

test('nn.Sequential called with input= as a keyword works as in torch', () => {
  const report = run('self.body(input=x)');
  assert.equal(report.models[0]?.incomplete, false, JSON.stringify(report.diagnostics));
  assert.deepEqual(report.models[0]?.outputs, [[1, 8, 8, 8]]);
});
