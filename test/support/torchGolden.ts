// Golden traces from real PyTorch (scripts/golden/trace_models.py) and the one comparison every
// oracle test makes against them: totals, outputs, and every module call in order — path, type,
// input and output shapes, MACs, and each module's own parameters on its first call.

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
  // Each module's own parameters, summed over first calls, give the model's count when every
  // parameter lives in a module that is called.
  const byPath = new Map(expected.map((e) => [e.name, e.params]));
  for (const l of modules) if (l.params) assert.equal(l.params, byPath.get(l.path), `${l.path} params`);
  return model;
}
