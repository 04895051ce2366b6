// The descriptions of activation, softmax and dropout modules against what torch 1.13 prints
// (test/golden/torch/activation_repr.json, from scripts/golden/activation_repr.py): a
// hyperparameter is named when it differs from torch's default (torch's __init__ defaults, from
// signatures.json), with torch's value, in torch's order. torch's extra_repr names some defaults
// (LeakyReLU's negative_slope=0.01) and leaves out inplace for Hardswish/Hardsigmoid; the rule
// is ConvLens's, applied to torch's values. Constructor calls torch refuses are refused.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { describe as describeValue } from '../../server/src/engine/ops/tensorOpsCommon';
import type { OpValue } from '../../server/src/engine/ops/types';
import { buildModule } from '../support/opsGolden';
import type { TorchParam } from '../support/torchSignature';

const golden = (file: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', file), 'utf8'));
const cases = (golden('activation_repr.json') as { cases: { expr: string; extra_repr?: string; error?: string }[] }).cases;
const inits = (golden('signatures.json') as { modules: Record<string, { init: TorchParam[] }> }).modules;

/** A Python literal as extra_repr prints it: 0.5, -1, True, None, 'tanh'. */
function pyLiteral(text: string): OpValue {
  if (text === 'None') return null;
  if (text === 'True' || text === 'False') return text === 'True';
  if (/^'.*'$/.test(text)) return text.slice(1, -1);
  const n = Number(text);
  assert.ok(Number.isFinite(n), `not a literal: ${text}`);
  return n;
}

function expectedDescription(expr: string, extraRepr: string): string {
  const cls = /^nn\.(\w+)\(/.exec(expr)![1]!;
  const init = inits[cls]!.init;
  const pairs = extraRepr === '' ? [] : extraRepr.split(', ').map((piece, i) => {
    const eq = piece.indexOf('=');
    // Hardshrink/Softshrink print their one argument bare.
    return eq < 0 ? [init[i]!.name, pyLiteral(piece)] as const : [piece.slice(0, eq), pyLiteral(piece.slice(eq + 1))] as const;
  });
  const shown = pairs.filter(([name, value]) => {
    const param = init.find((p) => p.name === name);
    return !param || !('default' in param) || param.default !== value;
  });
  const text = shown.map(([name, value]) => `${name}=${describeValue(value)}`);
  if (/inplace=True|\(True\)|, True\)/.test(expr) && !pairs.some(([name]) => name === 'inplace')) text.push('inplace=True');
  return text.join(', ');
}

test('activation modules are described by torch\'s non-default values, and refused where torch refuses', () => {
  const failures: string[] = [];
  for (const c of cases) {
    let ours: string;
    try {
      const built = buildModule(c.expr);
      ours = built.spec.describe(built.config);
    } catch (e) {
      if (c.error === undefined) failures.push(`${c.expr}: refused (${(e as Error).message}), torch builds it`);
      continue;
    }
    if (c.error !== undefined) failures.push(`${c.expr}: built ("${ours}"), torch raises ${c.error}`);
    else if (ours !== expectedDescription(c.expr, c.extra_repr!)) failures.push(`${c.expr}: "${ours}", expected "${expectedDescription(c.expr, c.extra_repr!)}" (torch: ${c.extra_repr})`);
  }
  assert.deepEqual(failures, []);
  assert.ok(cases.length >= 90);
});
