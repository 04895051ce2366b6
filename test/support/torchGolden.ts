// Golden traces from real PyTorch (scripts/golden/trace_models.py) and the one comparison every
// oracle test makes against them: totals, outputs, and every module call in order — path, type,
// input and output shapes, MACs, and each module's own parameters on its first call — and every
// functional call of torch / torch.nn.functional in order (assertFunctionCalls).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { FileReport, ModelReport } from '../../server/src/engine/report';

export interface GoldenLayer {
  name: string | null;
  type: string;
  in: number[][];
  out: number[][];
  params: number;
  macs: number;
  /** Functional records (`name: null`): the public names of the callable (`torch.cat`,
   *  `F.relu`, `Tensor.view`), and the model source's `file:line` that called it. */
  fn?: string[];
  at?: string | null;
}

export interface Golden<Source = { kind: string; file: string; expr: string }> {
  source: Source;
  /** Leaf modules registered in the model that forward never called, in named_modules() order
   *  (recorded by goldens made since trace_models.py wrote the field, and only when there are some). */
  uncalled?: { name: string; type: string; params: number }[];
  input: number[][];
  params: number;
  macs: number;
  outputs: number[][];
  layers: GoldenLayer[];
}

export function readGolden<Source>(path: string): Golden<Source> {
  return JSON.parse(readFileSync(path, 'utf8')) as Golden<Source>;
}

/** The one model of the report: no errors, complete, and every number as real PyTorch gave it. */
export function assertMatchesGolden(report: FileReport, golden: Golden<unknown>): ModelReport {
  assert.equal(report.models.length, 1, JSON.stringify(report.diagnostics.filter((d) => d.severity !== 'hint')));
  const model = report.models[0]!;
  assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(model.incomplete, false, JSON.stringify(report.diagnostics.filter((d) => d.severity !== 'hint' && d.code !== 'gridding')));
  assert.equal(model.params, golden.params, 'params');
  assert.equal(model.macs, golden.macs, 'macs');
  assert.deepEqual(model.outputs, golden.outputs, 'outputs');
  const modules = model.layers.filter((l) => l.kind === 'module' && !l.notCalled);
  if (golden.uncalled !== undefined) {
    const notCalled = model.layers.filter((l) => l.notCalled).map((l) => ({ name: l.path, type: l.op, params: l.params }));
    assert.deepEqual(notCalled, golden.uncalled ?? [], 'modules forward never calls');
  }
  const expected = golden.layers.filter((l) => l.name !== null);
  assert.equal(modules.length, expected.length, 'module calls');
  expected.forEach((e, i) => {
    const got = modules[i]!;
    const where = `#${i} ${e.name}`;
    assert.equal(got.path, e.name, `${where} path`);
    assert.equal(got.op, e.type, `${where} type`);
    assert.deepEqual(got.in.slice(0, e.in.length), e.in, `${where} in`);
    assert.deepEqual(got.out, e.out, `${where} out`);
    assert.equal(got.macs, e.macs, `${where} macs`);
  });
  // Every module call's parameters, zeros included (a layer wrongly reporting 0 must fail): a
  // module's own parameters on its first call, 0 on a later call of the same module (the report
  // counts each parameter once; the trace records the module's parameters at every call).
  const seen = new Set<string>();
  expected.forEach((e, i) => {
    const first = !seen.has(e.name!);
    seen.add(e.name!);
    assert.equal(modules[i]!.params, first ? e.params : 0, `#${i} ${e.name} params${first ? '' : ' (a later call)'}`);
  });
  assertFunctionCalls(model, golden);
  return model;
}

/** Factories: a new tensor made from sizes or values, or shaped like another (`*_like`), with no
 *  input flowing through it — not a layer, so the engine does not list them. */
const FACTORIES = new Set(['arange', 'linspace', 'logspace', 'zeros', 'ones', 'empty', 'full', 'eye', 'rand', 'randn', 'randint',
  'randperm', 'tensor', 'as_tensor', 'from_numpy', 'zeros_like', 'ones_like', 'empty_like', 'full_like', 'rand_like', 'randn_like', 'randint_like']);

/** The operators the engine names by their dunder, and the method torch reports them as (a
 *  TorchFunctionMode sees `x @ y` as Tensor.matmul: the operator dispatches through the method). */
const OPERATOR_METHODS: Record<string, string> = { 'Tensor.__matmul__': 'Tensor.matmul', 'Tensor.__rmatmul__': 'Tensor.matmul' };

/**
 * The functional calls, one by one in order, against the trace's `name: null` records.
 *
 * The trace records every torch callable that returns a tensor outside a leaf module, with `fn`:
 * the public names (`torch.X`, `F.X`, `Tensor.X`) bound to the very object called. The engine lists
 * as layers (kind 'function') the calls of functions of `torch` and `torch.nn.functional`, and any
 * call that costs MACs however it is written; Tensor methods and operators (`x.view`, `x + y`,
 * `x += y`, `x[i]`) are not layers, and their shapes are checked through the layers they feed and
 * the outputs. So the compared set is, from the trace alone:
 *   - records with a `torch.X` or `F.X` name, except factories (FACTORIES: no input flows through);
 *   - records with MACs (matrix products written as `@`, `.matmul()`, `.bmm()`, ...).
 * Type: the engine's `op` must be one of the record's public names (OPERATOR_METHODS maps the
 * operator dunders the engine uses). Input shapes: the tensors of the call, in order, lists of
 * tensors flattened (the trace's order: positional, then keywords). Output shapes, MACs, and 0
 * params.
 */
export function assertFunctionCalls(model: ModelReport, golden: Golden<unknown>): void {
  const records = golden.layers.filter((l) => l.name === null);
  const unnamed = records.find((r) => r.fn === undefined);
  assert.equal(unnamed, undefined, 'a functional record without `fn`: regenerate the golden with scripts/golden/trace_models.py --only NAME');
  const expected = records.filter((r) => r.macs > 0
    || r.fn!.some((n) => (n.startsWith('torch.') || n.startsWith('F.')) && !FACTORIES.has(n.slice(n.indexOf('.') + 1))));
  const got = model.layers.filter((l) => l.kind === 'function');
  assert.equal(got.length, expected.length,
    `functional calls: engine [${got.map((g) => g.op).join(', ')}] vs torch [${expected.map((e) => `${e.fn!.join('|')}@${e.at}`).join(', ')}]`);
  expected.forEach((e, i) => {
    const g = got[i]!;
    const where = `function #${i} ${e.fn!.join('|')} at ${e.at} (engine ${g.op} at ${g.path})`;
    assert.ok(e.fn!.includes(OPERATOR_METHODS[g.op] ?? g.op), `${where} type`);
    assert.deepEqual(g.in, e.in, `${where} in`);
    assert.deepEqual(g.out, e.out, `${where} out`);
    assert.equal(g.macs, e.macs, `${where} macs`);
    assert.equal(g.params, 0, `${where} params`);
  });
}
