// More operator calls at the edges of their checks, against real PyTorch 1.13: every case of
// test/golden/torch/mob_ops.json (scripts/golden/mob_ops_cases.py, written to reach the branches
// and refusals of server/src/engine/ops that mutation testing found untested) gives torch's output
// shapes, parameter count, or error. A refusal must be an OpError whose message names the op and
// contains the parts of torch's message the case lists. The evaluator is test/support/opsGolden.ts
// (each expression bound to the specs' own Python signatures, test/support/pyExpr.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { check, loadGoldenFile, opName, undescribedPositionalNumbers, type GoldenCase } from '../support/opsGolden';

const golden = loadGoldenFile<{ cases: GoldenCase[] }>('mob_ops.json');

test('a module\'s description names every number its constructor was given positionally', () => {
  assert.deepEqual(undescribedPositionalNumbers(golden.cases), []);
});

const families = new Map<string, GoldenCase[]>();
for (const c of golden.cases) {
  const family = opName(c.expr).replace(/^(F|torch|Tensor)\./, '').replace(/\d+d$/, '');
  families.set(family, [...(families.get(family) ?? []), c]);
}

test('the golden file has results and refusals', () => {
  assert.ok(golden.cases.length > 200, `only ${golden.cases.length} cases`);
  assert.ok(golden.cases.filter((c) => c.error).length > 80);
});

for (const [family, cases] of families) {
  test(`torch 1.13: ${family} (${cases.length} cases)`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      const problem = check(c);
      if (problem) failures.push(`${c.expr} on ${JSON.stringify(c.inputs)}\n    ${problem}`);
    }
    assert.equal(failures.length, 0, `${failures.length} of ${cases.length} differ from torch:\n${failures.join('\n')}`);
  });
}
