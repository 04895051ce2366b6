// The size scan starts at the size the analysis already ran forward at. When that run was clean
// (nothing a probe stops at) and took more steps than the scan's share, running forward there
// again would only be cut off: the scan says "not checked" without that run. The model here
// counts its calls and raises from the second on, so a run the scan makes anyway shows in the
// report (a "does not run on the input" error), where the analysis's own run is the only one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../server/src/engine/analyze';

const counting = (extraForward: string) => `import torch
import torch.nn as nn

class Counted(nn.Module):
    def __init__(self):
        super().__init__()
        self.calls = 0
        self.convs = nn.Sequential(*[nn.Conv2d(8, 8, 3, padding=1) for _ in range(6)])
        self.stem = nn.Conv2d(3, 8, 3, padding=1)

    def forward(self, x):
        self.calls += 1
        if self.calls > 1:
            raise ValueError('forward ran twice')
${extraForward}        return self.convs(self.stem(x))
`;

/** 120 steps: 40 for each of the three scans (H = W, H, W), more than a probe takes to reach the
 *  counter's raise, less than the whole forward. */
function analyse(text: string, validSizesSteps: number) {
  return analyzeFile({
    file: '/tmp/convlens-size-scan/model.py', text, readFile: () => null, model: 'Counted()', inputs: [[1, 3, 32, 32]],
    timeLimitMs: 60_000, validSizes: 'always', validSizesSteps, validSizesTimeMs: 60_000,
  });
}

test('a clean run longer than the scan\'s share is not run again: "not checked", and forward ran once', () => {
  const report = analyse(counting(''), 120);
  const model = report.models[0]!;
  assert.equal(model.incomplete, false);
  assert.deepEqual(model.outputs, [[1, 8, 32, 32]]);
  assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const sizes = model.validInputSizes!;
  for (const set of [sizes.square, ...sizes.axes]) {
    assert.equal(set.valid, null);
    assert.equal(set.text, 'not checked: one run takes more than the steps or time allowed (the CLI allows more)');
    assert.deepEqual(set.checked, [32, 32]);
  }
});

test('a run with a hint on the way is probed again, as before: the scan reports what the probe met', () => {
  // torch has no such function: a hint, and `junk` is unknown (the output is not).
  const report = analyse(counting('        junk = torch.no_such_function(x)\n'), 120);
  const model = report.models[0]!;
  assert.ok(report.diagnostics.some((d) => d.severity === 'hint' && d.message.includes('no_such_function')), JSON.stringify(report.diagnostics));
  // The probe at 32 ran (and met the counter's raise before its share ran out).
  assert.ok(report.diagnostics.some((d) => d.severity === 'error' && d.message.includes('forward ran twice')), JSON.stringify(report.diagnostics));
  assert.notEqual(model.validInputSizes!.square.text, 'not checked: one run takes more than the steps or time allowed (the CLI allows more)');
});

test('a share the run fits in is probed: the scan goes on past the analysed size', () => {
  // Stateless: the same forward at every size (32 and its neighbours all run).
  const text = counting('').replace("        self.calls += 1\n        if self.calls > 1:\n            raise ValueError('forward ran twice')\n", '');
  const report = analyse(text, 1_000_000);
  const square = report.models[0]!.validInputSizes!.square;
  assert.ok(square.valid !== null && square.valid.includes(31) && square.valid.includes(32) && square.valid.includes(33), JSON.stringify(square));
});
