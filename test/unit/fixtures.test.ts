// Every row of shared/fixtures/cases.tsv: params, MACs, outputs and every module call's output
// shape, rf and jump must equal the reference analysis exactly; torchvision's published
// parameter counts and GMACs must come out of the engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import * as R from '../../server/src/engine/rational';
import { parseShapes } from '../../server/src/engine/analyze';

const fixtures = [resolve(__dirname, '../../../shared/fixtures'), resolve(__dirname, '../fixtures/shared')].find((p) => existsSync(p))!;

interface ExpectedLayer {
  name: string | null;
  type: string;
  in: number[];
  out: number[];
  macs: number;
  rf: (number | string)[];
  jump: (number | string)[];
}
interface Expected {
  params: number;
  macs: number;
  outputs: number[][];
  layers: ExpectedLayer[];
}

const rows = readFileSync(join(fixtures, 'cases.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [file, expr, input, publishedParams, publishedGmacs] = l.split('\t');
    return { file: file!, expr: expr!, input: input!, publishedParams: publishedParams?.trim(), publishedGmacs: publishedGmacs?.trim() };
  });

const expectedName = (file: string, expr: string) =>
  `${file.replace(/\.py$/, '')}_${expr.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}.json`;

const readFile = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

for (const row of rows) {
  test(`${row.file} ${row.expr} at ${row.input}`, () => {
    const path = join(fixtures, 'models', row.file);
    const expected = JSON.parse(readFileSync(join(fixtures, 'expected', expectedName(row.file, row.expr)), 'utf8')) as Expected;
    const report = analyzeFile({ file: path, text: readFileSync(path, 'utf8'), readFile, model: row.expr, inputs: parseShapes(row.input)!, timeLimitMs: 60_000 });
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, [], 'no errors');
    assert.equal(report.models.length, 1);
    const model = report.models[0]!;
    assert.equal(model.params, expected.params, 'params');
    assert.equal(model.macs, expected.macs, 'macs');
    assert.deepEqual(model.outputs, expected.outputs, 'outputs');
    if (row.publishedParams) assert.equal(model.params, Number(row.publishedParams), 'published params');
    if (row.publishedGmacs) assert.equal((model.macs / 1e9).toFixed(2), Number(row.publishedGmacs).toFixed(2), 'published GMACs');
    const modules = model.layers.filter((l) => l.kind === 'module');
    assert.equal(modules.length, expected.layers.length, 'number of module calls');
    expected.layers.forEach((e, i) => {
      const got = modules[i]!;
      const where = `layer ${i} (${e.name})`;
      assert.equal(got.path, e.name, `${where} path`);
      assert.equal(got.op, e.type, `${where} type`);
      assert.deepEqual(got.in[0], e.in, `${where} in`);
      assert.deepEqual(got.out[0], e.out, `${where} out`);
      assert.equal(got.macs, e.macs, `${where} macs`);
      assert.deepEqual(got.rfExact, e.rf.map((x) => R.format(R.parse(x))), `${where} rf`);
      assert.deepEqual(got.jumpExact, e.jump.map((x) => R.format(R.parse(x))), `${where} jump`);
      // The JSON numbers are the same fractions.
      assert.deepEqual(got.jump, e.jump.map((x) => R.toNumber(R.parse(x))), `${where} jump as numbers`);
    });
  });
}
