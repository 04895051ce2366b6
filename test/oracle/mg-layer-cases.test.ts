// Boundary cases of the conv / transposed-conv / pool / adaptive-pool / padding operators against
// real PyTorch 1.13 (test/golden/torch/mg_layer_cases.json, written by
// scripts/golden/mg_layer_cases.py): output shapes, params and MACs, and that every call torch
// refuses is refused here too (at build or at the call). Written to kill the mutants that
// `npm run mutation` left alive in those operator files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { OpError, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { bindArgs, literal, parseExpr, type PyArg, type PyNode } from '../support/pyExpr';

interface Case {
  module?: string;
  input?: number[] | null;
  expr?: string;
  out?: number[][];
  params?: number;
  macs?: number;
  error?: string;
  message?: string;
  stage?: 'build' | 'call';
}

const tensor = (shape: number[]): Tensor => ({ kind: 'tensor', shape, geometry: null });

function shapesOf(v: OpValue): number[][] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && v.kind === 'tensor') return [[...(v as Tensor).shape]];
  if (Array.isArray(v)) return v.flatMap(shapesOf);
  return [];
}

/** Literals, torch.zeros(...) and catalogued F.* calls (the only calls the cases use). */
function value(node: PyNode): OpValue {
  if (node.kind !== 'call') return literal(node);
  assert.equal(node.callee.kind, 'name');
  const name = (node.callee as { value: string }).value;
  const { positional, keywords } = argValues(node.args);
  if (name === 'torch.zeros') return tensor(positional as number[]);
  const fn = layerFunctionSpecs.get(name);
  assert.ok(fn, `not a catalogued function: ${name}`);
  return fn.apply(bindArgs(fn.signature, positional, keywords)).value;
}

function argValues(args: PyArg[]): { positional: OpValue[]; keywords: Record<string, OpValue> } {
  const positional: OpValue[] = [];
  const keywords: Record<string, OpValue> = {};
  for (const a of args) {
    if (a.name) keywords[a.name] = value(a.value);
    else positional.push(value(a.value));
  }
  return { positional, keywords };
}

interface Outcome {
  out: number[][];
  params?: number;
  macs?: number;
}

function run(c: Case): Outcome {
  if (c.expr !== undefined) return { out: shapesOf(value(parseExpr(c.expr))) };
  const node = parseExpr(c.module!);
  assert.ok(node.kind === 'call' && node.callee.kind === 'name');
  const spec = moduleSpecs.get(node.callee.value.replace(/^nn\./, ''));
  assert.ok(spec, c.module);
  const { positional, keywords } = argValues(node.args);
  const config = spec.build(bindArgs(spec.signature, positional, keywords));
  const params = spec.params(config);
  if (!c.input) return { out: [], params };
  const result = spec.forward(config, bindArgs(spec.forwardSignature, [tensor(c.input)], {}));
  return { out: shapesOf(result.value), params, macs: result.macs };
}

const data = JSON.parse(readFileSync(resolve(__dirname, '../golden/torch/mg_layer_cases.json'), 'utf8')) as { cases: Case[] };

describe('mg_layer_cases.json (real PyTorch 1.13): operator boundaries', () => {
  for (const c of data.cases) {
    const what = c.expr ?? `${c.module} on ${JSON.stringify(c.input)}`;
    test(what, () => {
      if (c.error) {
        assert.throws(() => run(c), (e: unknown) => e instanceof OpError, `torch raised ${c.error}: ${c.message}`);
        return;
      }
      const got = run(c);
      assert.deepEqual(got.out, c.out ?? []);
      if (c.params !== undefined) assert.equal(got.params, c.params, 'params');
      if (c.macs !== undefined) assert.equal(got.macs, c.macs, 'MACs');
    });
  }
});
