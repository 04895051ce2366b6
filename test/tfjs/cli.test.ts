// The convlens command on TensorFlow.js files (dist/cli.js as a process): the table, JSON with
// the symbolic batch marked, the exit status with --fail-on, and --input.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const MODELS = join(import.meta.dirname, 'models');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('json: the models of a .ts file, the symbolic batch marked, the overlap warnings', () => {
  const r = run('analyze', join(MODELS, 'dcgan_generator.ts'), '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { models: { name: string; symbolicBatch?: boolean; outputs: number[][]; inputSource: string }[]; diagnostics: { code: string; line: number }[] };
  assert.deepEqual(report.models.map((m) => [m.name, m.symbolicBatch, m.inputSource]), [
    ['makeGenerator()', true, 'code'],
    ['makeEvenGenerator()', true, 'code'],
  ]);
  // 7 → 7 (stride 1) → 14 → 28; 4 → 8 → 16 → 32 ('valid', kernel 2 = stride).
  assert.deepEqual(report.models.map((m) => m.outputs), [[[1, 28, 28, 1]], [[1, 32, 32, 3]]]);
  assert.equal(report.diagnostics.filter((d) => d.code === 'uneven-overlap').length, 3);
});

test('--fail-on warning: exit status 1 on the uneven generator, 0 on a clean model', () => {
  assert.equal(run('analyze', join(MODELS, 'dcgan_generator.ts'), '--fail-on', 'warning').status, 1);
  assert.equal(run('analyze', join(MODELS, 'cnn_classifier.ts'), '--fail-on', 'warning').status, 0);
});

test('the table says what the first dimension is; --input and --model change the run', () => {
  const table = run('analyze', join(MODELS, 'conv1d_signal.ts'));
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /the first dimension is the batch, TF\.js's null, analysed as 1/);
  const r = run('analyze', join(MODELS, 'cnn_classifier.ts'), '--model', 'buildClassifier()', '--input', '3,36,36,1', '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const model = (JSON.parse(r.stdout) as { models: { inputs: number[][]; layers: { out: number[][] }[]; symbolicBatch?: boolean }[] }).models[0]!;
  assert.deepEqual(model.inputs, [[3, 36, 36, 1]]);
  // 36 −4 = 32, /2 = 16, −4 = 12, /2 = 6.
  assert.deepEqual(model.layers[3]!.out, [[3, 6, 6, 16]]);
  assert.equal(model.symbolicBatch, undefined);
});
