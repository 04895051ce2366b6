// Real PyTorch as the oracle for the input sizes a model runs on: scripts/golden/valid_sizes.py
// ran each model at every size 1–512 (all spatial axes together, then each axis alone) and
// recorded which ran; ConvLens's validInputSizes must name exactly those sizes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';

const root = resolve(__dirname, '../..');
const goldenDir = join(root, 'test/golden/torch');

interface SizesGolden {
  source: { file: string; expr: string };
  input: number[][];
  checked: [number, number];
  square: number[];
  axes: { axis: number; valid: number[] }[];
}

const readFile = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

for (const name of readdirSync(goldenDir).filter((f) => /^validsizes_.*\.json$/.test(f))) {
  test(`valid input sizes: ${name}`, () => {
    const golden = JSON.parse(readFileSync(join(goldenDir, name), 'utf8')) as SizesGolden;
    const path = resolve(root, golden.source.file);
    const report = analyzeFile({
      file: path, text: readFileSync(path, 'utf8'), readFile, model: golden.source.expr, inputs: golden.input,
      timeLimitMs: 60_000, validSizesTimeMs: 120_000, validSizesSteps: 100_000_000,
    });
    const model = report.models[0]!;
    const sizes = model.validInputSizes;
    assert.ok(sizes, 'validInputSizes');
    assert.deepEqual(sizes.square.checked, golden.checked);
    assert.deepEqual(sizes.square.valid, golden.square, `square: ${sizes.square.text}`);
    assert.deepEqual(sizes.axes.map((a) => a.axis), golden.axes.map((a) => a.axis));
    for (const [i, axis] of golden.axes.entries()) {
      assert.deepEqual(sizes.axes[i]!.checked, golden.checked);
      assert.deepEqual(sizes.axes[i]!.valid, axis.valid, `axis ${axis.axis}: ${sizes.axes[i]!.text}`);
    }
  });
}
