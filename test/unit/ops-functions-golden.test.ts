// The tensor functions and methods against real PyTorch: every case of
// test/golden/torch/tensor_functions.json (fixed-seed expressions, answers recorded from torch 1.13
// by scripts/golden/tensor_functions.py) and the shape-function cases of functions.json that fall in
// this catalogue. Each expression is evaluated with the op specs alone (test/unit/support/torchExpr.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpError, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { EvalError, evaluate } from './support/torchExpr';

interface GoldenCase {
  expr: string;
  family: string;
  out?: number[][];
  returns?: string;
  value?: number | number[];
  error?: string;
  message?: string;
}

const goldenDir = join(import.meta.dirname, '..', 'golden', 'torch');

function load(file: string): GoldenCase[] {
  return (JSON.parse(readFileSync(join(goldenDir, file), 'utf8')) as { cases: GoldenCase[] }).cases;
}

function isTensor(v: OpValue): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === 'tensor';
}

/** What our evaluation gives, in the golden's terms; or a description of why it failed. */
function check(c: GoldenCase): string | null {
  let value: OpValue;
  try {
    value = evaluate(c.expr).value;
  } catch (e) {
    if (!(e instanceof OpError) && !(e instanceof EvalError)) return `crashed: ${(e as Error).stack}`;
    if (c.error) {
      // A readable error: it names the function that refused.
      if (e instanceof OpError && !/^(torch|Tensor|F)\.\w+/.test(e.message)) return `error message does not name the op: ${e.message}`;
      return null;
    }
    return `threw ${e.message}; torch gives ${JSON.stringify(c.out ?? c.value)}`;
  }
  if (c.error) return `gave ${JSON.stringify(isTensor(value) ? value.shape : value)}; torch raises ${c.error}: ${c.message}`;
  if (c.out) {
    const shapes = c.returns ? (Array.isArray(value) ? value.map((v) => (isTensor(v) ? v.shape : null)) : null) : isTensor(value) ? [value.shape] : null;
    if (JSON.stringify(shapes) !== JSON.stringify(c.out)) return `gave ${JSON.stringify(shapes)}; torch gives ${JSON.stringify(c.out)}`;
    return null;
  }
  if (JSON.stringify(value) !== JSON.stringify(c.value)) return `gave ${JSON.stringify(value)}; torch gives ${JSON.stringify(c.value)}`;
  return null;
}

function runCases(cases: GoldenCase[]): void {
  const failures: string[] = [];
  for (const c of cases) {
    const problem = check(c);
    if (problem) failures.push(`${c.expr}\n    ${problem}`);
  }
  assert.equal(failures.length, 0, `${failures.length} of ${cases.length} cases differ from torch:\n${failures.slice(0, 40).join('\n')}`);
}

const tensorCases = load('tensor_functions.json');
const families = [...new Set(tensorCases.map((c) => c.family))];

test('the golden file covers every family with both results and errors', () => {
  assert.ok(tensorCases.length >= 2000, `only ${tensorCases.length} cases`);
  for (const f of families) {
    const inFamily = tensorCases.filter((c) => c.family === f);
    assert.ok(inFamily.some((c) => c.error), `${f} has no error case`);
    assert.ok(inFamily.some((c) => !c.error), `${f} has no result case`);
  }
});

for (const family of families) {
  test(`torch 1.13 goldens: ${family}`, () => runCases(tensorCases.filter((c) => c.family === family)));
}

test('torch 1.13 goldens of functions.json in this catalogue (cat, view, pad, split, misc)', () => {
  const mine = load('functions.json').filter(
    // nn.Unflatten is a layer (the other catalogue); everything else in these families is ours.
    (c) => ['cat', 'view', 'pad', 'split', 'misc'].includes(c.family) && !c.expr.startsWith('nn.'),
  );
  assert.ok(mine.length > 100);
  runCases(mine);
});
