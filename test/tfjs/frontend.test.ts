// The TensorFlow.js front end beyond layer shapes: how the input is chosen (code, directives,
// --input, --model, open dimensions), the symbolic batch, the values behind inlay hints, and the
// diagnostics — uneven overlap checked against what the real tf.conv2dTranspose paints with
// all-ones weights, shape mismatches, invalid arguments, TF.js quirks — and the bounds.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { AnalyzeOptions, FileReport, ModelReport } from '../../server/src/engine/report';
import { tfReady } from './tfjsOracle';

const FILE = '/models/net.ts';

function analyse(text: string, options: Partial<AnalyzeOptions> = {}): FileReport {
  return analyzeFile({ file: FILE, text, readFile: () => null, ...options });
}

function only(report: FileReport): ModelReport {
  assert.equal(report.models.length, 1, `models: ${report.models.map((m) => m.name).join(', ')}; ${report.diagnostics.map((d) => d.message).join('; ')}`);
  return report.models[0]!;
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no line with ${needle}`);
  return i + 1;
}

const HEADER = "import * as tf from '@tensorflow/tfjs';\n";

before(tfReady);

describe('the input of a model', () => {
  const open = `${HEADER}
export function fcn() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [null, null, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same' }));
  model.add(tf.layers.conv2d({ filters: 2, kernelSize: 3 }));
  return model;
}
`;

  test('declared by the code: the batch is N (1 in the numbers), the source is the code', () => {
    const m = only(analyse(`${HEADER}export const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [12], units: 5 })] });\n`));
    assert.deepEqual(m.inputs, [[1, 12]]);
    assert.deepEqual(m.outputs, [[1, 5]]);
    assert.equal(m.inputSource, 'code');
    assert.equal(m.symbolicBatch, true);
  });

  test('a batchInputShape is a concrete batch', () => {
    const m = only(analyse(`${HEADER}export const net = tf.sequential({ layers: [tf.layers.dense({ batchInputShape: [8, 12], units: 5 })] });\n`));
    assert.deepEqual(m.outputs, [[8, 5]]);
    assert.equal(m.symbolicBatch, undefined);
    assert.equal(m.layers[0]!.macs, 8 * 12 * 5);
  });

  test('open dimensions take the default image size, and say the input was inferred', () => {
    const m = only(analyse(open, { defaultImageSize: 50 }));
    assert.equal(m.inputSource, 'inferred');
    assert.deepEqual(m.inputs, [[1, 50, 50, 3]]);
    // 'same' with stride 2: ceil(50/2) = 25; then 'valid' 3×3: 23.
    assert.deepEqual(m.outputs, [[1, 23, 23, 2]]);
  });

  test('a // convlens: input= comment above the function wins over the code', () => {
    const text = open.replace('export function fcn', '// convlens: input=2,33,31,3\nexport function fcn');
    const m = only(analyse(text));
    assert.equal(m.inputSource, 'directive');
    assert.deepEqual(m.inputs, [[2, 33, 31, 3]]);
    assert.deepEqual(m.outputs, [[2, 15, 14, 2]]);
    assert.equal(m.symbolicBatch, undefined);
  });

  test('a directive above no model holds for the whole file', () => {
    const text = `// convlens: input=1,19,19,3\n${open}`;
    assert.deepEqual(only(analyse(text)).outputs, [[1, 8, 8, 2]]);
  });

  test('--input wins over everything, and a wrong number of shapes is an error', () => {
    const text = open.replace('export function fcn', '// convlens: input=2,33,31,3\nexport function fcn');
    assert.deepEqual(only(analyse(text, { inputs: [[4, 9, 9, 3]] })).outputs, [[4, 3, 3, 2]]);
    const r = analyse(text, { inputs: [[4, 9, 9, 3], [1, 2]] });
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && /has 1 input, 2 shapes were given/.test(d.message)));
    assert.ok(!r.diagnostics.some((d) => /no input shape/.test(d.message)), 'the error says it all');
    assert.equal(r.models[0]!.layers.length, 0);
  });

  test('--model evaluates a TypeScript expression in the file', () => {
    const text = `${HEADER}
export function classifier(classes: number, width = 8) {
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [16, 16, 1], filters: width, kernelSize: 3 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: classes }),
  ] });
}
`;
    assert.equal(analyse(text).models.length, 0, 'a function with a required parameter is not called on its own');
    const m = only(analyse(text, { model: 'classifier(3, 4)' }));
    assert.equal(m.name, 'classifier(3, 4)');
    assert.deepEqual(m.outputs, [[1, 3]]);
    assert.equal(m.params, 3 * 3 * 1 * 4 + 4 + 14 * 14 * 4 * 3 + 3);
    assert.equal(m.classLocation?.line, lineOf(text, 'export function classifier'));
    const bad = analyse(text, { model: 'classifier(' });
    assert.ok(bad.diagnostics.some((d) => d.severity === 'error' && /not a TypeScript expression/.test(d.message)));
    const notModel = analyse(text, { model: '42' });
    assert.ok(notModel.diagnostics.some((d) => /did not give a TF.js model \(got number\)/.test(d.message)));
  });

  test('a model with no input shape at all is reported empty, with the reason', () => {
    const r = analyse(`${HEADER}export const net = tf.sequential({ layers: [tf.layers.dense({ units: 5 })] });\n`);
    const m = only(r);
    assert.equal(m.incomplete, true);
    assert.equal(m.layers.length, 0);
    assert.ok(r.diagnostics.some((d) => d.severity === 'info' && /no input shape/.test(d.message)));
    const given = only(analyse(`${HEADER}export const net = tf.sequential({ layers: [tf.layers.dense({ units: 5 })] });\n`, { defaultInputs: [[1, 7]] }));
    assert.equal(given.params, 7 * 5 + 5);
  });
});

describe('which models a file has', () => {
  test('a file without TensorFlow.js is not run at all', () => {
    const r = analyse('export function add(a: number, b: number) { while (true) {} }\nadd(1, 2);\n');
    assert.deepEqual(r, { file: FILE, models: [], diagnostics: [] });
  });

  test('models made at the top level are named by their variable; a nested model is shown inside', () => {
    const text = `${HEADER}
const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, name: 'hidden' })] });
const outer = tf.sequential();
outer.add(inner);
outer.add(tf.layers.dense({ units: 2 }));
`;
    const m = only(analyse(text));
    assert.equal(m.name, 'outer');
    assert.deepEqual(m.layers.map((l) => l.path), ['sequential_1.hidden', 'dense_1']);
    assert.deepEqual(m.layers.map((l) => l.params), [15, 8]);
  });
});

describe('values for inlay hints and hovers', () => {
  test('tensors bound to names get the shapes of the run, with the model', () => {
    const text = `${HEADER}
export function net() {
  const input = tf.input({ shape: [8, 8, 3] });
  const a = tf.layers.conv2d({ filters: 5, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
  let b = a;
  b = tf.layers.flatten().apply(b) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: b });
}
`;
    const m = only(analyse(text, { inputs: [[2, 10, 10, 3]] }));
    const value = (name: string, line: number) => m.values.find((v) => v.name === name && v.location.line === line)?.shapes;
    assert.deepEqual(value('a', lineOf(text, 'const a')), [[2, 8, 8, 5]], 'the shapes come from the run with --input');
    assert.deepEqual(value('b', lineOf(text, 'b = tf.layers.flatten')), [[2, 320]]);
    const a = m.values.find((v) => v.name === 'a')!;
    assert.equal(a.location.column, '  const '.length);
    assert.equal(a.location.endColumn, '  const a'.length);
  });

  test('each model.add gets the shape it produces', () => {
    const text = `${HEADER}
export function net() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: 4 }));
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}
`;
    const m = only(analyse(text));
    assert.deepEqual(m.values.map((v) => [v.location.line, v.shapes]), [
      [lineOf(text, 'units: 4'), [[1, 4]]],
      [lineOf(text, 'units: 2'), [[1, 2]]],
    ]);
  });
});

/** Taps per output position of the real tf.conv2dTranspose: all-ones kernel and input. */
function realTaps(kernel: number, stride: number, padding: 'same' | 'valid'): number[] {
  return tf.tidy(() => {
    const n = 12;
    const out = padding === 'same' ? n * stride : n * stride + Math.max(kernel - stride, 0);
    const y = tf.conv2dTranspose(tf.ones([1, n, 1, 1]) as tf.Tensor4D, tf.ones([kernel, 1, 1, 1]) as tf.Tensor4D, [1, out, 1, 1], [stride, 1], padding);
    const values = Array.from(y.dataSync());
    // An interior period, starting at an output index ≡ 0 (mod stride).
    const start = stride * Math.floor(n / 2);
    return values.slice(start, start + stride);
  });
}

describe('uneven overlap of conv2dTranspose', () => {
  const cases: [number, number, 'same' | 'valid'][] = [
    [3, 2, 'same'], [3, 2, 'valid'], [5, 2, 'same'], [4, 3, 'same'], [5, 3, 'valid'], [1, 2, 'same'], [4, 2, 'same'], [6, 3, 'valid'],
  ];
  for (const [k, s, padding] of cases) {
    test(`kernel ${k}, stride ${s}, '${padding}': the pattern and the warning match what TF.js paints`, () => {
      const text = `${HEADER}export const g = tf.sequential();\ng.add(tf.layers.conv2dTranspose({ inputShape: [6, 6, 2], filters: 1, kernelSize: [${k}, 1], strides: [${s}, 1], padding: '${padding}' }));\n`;
      const r = analyse(text);
      const layer = only(r).layers[0]!;
      const taps = realTaps(k, s, padding);
      assert.deepEqual(layer.overlap![0], taps, 'taps per output position, phase included');
      const uneven = taps.some((t) => t !== taps[0]);
      const warning = r.diagnostics.find((d) => d.code === 'uneven-overlap');
      assert.equal(!!warning, uneven);
      if (warning) {
        assert.equal(warning.line, 3);
        assert.equal(warning.path, 'conv2d_transpose_1');
        assert.deepEqual(warning.pattern, [taps, [1]]);
        assert.match(warning.message, new RegExp(`kernelSize: \\[${Math.ceil(k / s) * s}, 1\\]`));
        if (padding === 'same') assert.match(warning.message, /'same' padding only crops the border/);
      }
    });
  }

  test('two stacked uneven layers: the compound pattern is what the real two-layer stack paints', () => {
    const text = `${HEADER}
export const g = tf.sequential();
g.add(tf.layers.conv2dTranspose({ inputShape: [6, 6, 1], filters: 1, kernelSize: 3, strides: 2, padding: 'same' }));
g.add(tf.layers.batchNormalization());
g.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same' }));
`;
    const r = analyse(text);
    const compound = r.diagnostics.find((d) => d.code === 'uneven-overlap' && /stacked/.test(d.message));
    assert.ok(compound, r.diagnostics.map((d) => d.message).join('\n'));
    const real = tf.tidy(() => {
      const x = tf.ones([1, 16, 16, 1]) as tf.Tensor4D;
      const w = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
      const y1 = tf.conv2dTranspose(x, w, [1, 32, 32, 1], 2, 'same');
      const y2 = tf.conv2dTranspose(y1, w, [1, 64, 64, 1], 2, 'same');
      return Array.from(y2.slice([0, 32, 32, 0], [1, 4, 1, 1]).dataSync());
    });
    // One axis of the outer-product pattern; the column factor is the same pattern.
    const rowPattern = compound.pattern![0]!;
    const colPattern = compound.pattern![1]!;
    assert.deepEqual(rowPattern.map((v) => v * colPattern[0]!), real);
    assert.equal(compound.line, lineOf(text, 'g.add(tf.layers.conv2dTranspose({ filters'));
  });
});

describe('other diagnostics', () => {
  test('concatenate of mismatched shapes: an error at the apply, the model incomplete', () => {
    const text = `${HEADER}
export function net() {
  const x = tf.input({ shape: [32, 32, 3] });
  const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const c = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: c });
}
`;
    const r = analyse(text);
    const m = only(r);
    const err = r.diagnostics.find((d) => d.code === 'shape-mismatch');
    assert.ok(err);
    assert.equal(err.severity, 'error');
    assert.equal(err.line, lineOf(text, 'concatenate()'));
    assert.match(err.message, /\[N, 32, 32, 8\], \[N, 16, 16, 8\]/);
    assert.equal(m.incomplete, true);
    assert.ok(m.layers[2]!.unknown);
    assert.deepEqual(m.outputs, []);
  });

  test('a missing required argument is an error where the layer is made', () => {
    const text = `${HEADER}export const net = tf.sequential();\nnet.add(tf.layers.conv2d({ inputShape: [8, 8, 1], kernelSize: 3 }));\n`;
    const r = analyse(text);
    const err = r.diagnostics.find((d) => d.code === 'invalid-argument');
    assert.equal(err?.severity, 'error');
    assert.equal(err?.line, lineOf(text, 'net.add'));
    assert.match(err!.message, /`filters` is required/);
  });

  test('TF.js quirks: a numeric upSampling2d size, strides with dilation, dilationRate on conv2dTranspose, reshape -1', () => {
    const text = `${HEADER}
export function net() {
  const x = tf.input({ shape: [8, 8, 4] });
  const a = tf.layers.upSampling2d({ size: 2 }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }).apply(x) as tf.SymbolicTensor;
  const c = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, dilationRate: 3 }).apply(x) as tf.SymbolicTensor;
  const d = tf.layers.reshape({ targetShape: [-1, 4] }).apply(c) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: [a, b, d] });
}
`;
    const r = analyse(text);
    const at = (needle: string) => r.diagnostics.filter((d) => d.line === lineOf(text, needle)).map((d) => `${d.severity} ${d.code}`);
    assert.deepEqual(at('upSampling2d'), ['error invalid-argument']);
    assert.deepEqual(at('dilationRate: 2'), ['error invalid-argument']);
    assert.deepEqual(at('dilationRate: 3'), ['warning invalid-argument']);
    assert.deepEqual(at('targetShape'), ['warning invalid-argument']);
    const m = only(r);
    assert.deepEqual(m.layers.find((l) => l.op === 'Reshape')?.out, [[1, (16 * 16 * 2) / 4, 4]], 'the runtime shape');
    assert.deepEqual(m.layers.find((l) => l.op === 'Conv2DTranspose')?.out, [[1, 16, 16, 2]], 'TF.js does not dilate it');
  });

  test('gridding: stacked dilated convolutions with a common factor', () => {
    const text = `${HEADER}export const net = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [64, 64, 3], filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same' }),
  tf.layers.conv2d({ filters: 8, kernelSize: 3, dilationRate: 4, padding: 'same' }),
] });\n`;
    const r = analyse(text);
    const g = r.diagnostics.find((d) => d.code === 'gridding');
    assert.ok(g);
    assert.equal(g.line, lineOf(text, 'dilationRate: 4'));
    assert.match(g.message, /common factor 2/);
  });
});

describe('bounds', () => {
  test('an endless loop stops at the step budget, with a warning, quickly', () => {
    // CPU time, not wall-clock: the bound must not depend on the machine's load.
    const started = process.cpuUsage();
    const r = analyse(`${HEADER}export const net = tf.sequential();\nlet i = 0;\nwhile (true) { i++; }\n`, { stepBudget: 20_000 });
    const cpu = process.cpuUsage(started);
    assert.ok((cpu.user + cpu.system) / 1000 < 1000, `${(cpu.user + cpu.system) / 1000} ms of CPU`);
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && /stopped after 20,000 steps/.test(d.message)));
  });

  test('endless recursion stops at the depth limit', () => {
    const r = analyse(`${HEADER}function f(n: number): number { return f(n + 1); }\nexport const x = f(0);\n`);
    assert.ok(r.diagnostics.some((d) => /nested more than 200 deep/.test(d.message)));
  });

  test('code that is not followed becomes a hint, the model goes on where it can', () => {
    const text = `${HEADER}
import { customLayer } from 'my-layers';
export function net() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 8 }));
  m.add(customLayer({ units: 3 }));
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}
`;
    const r = analyse(text);
    const m = only(r);
    // The layer it cannot follow keeps its place (unknown), and so does the one after it.
    assert.deepEqual(m.layers.map((l) => l.out), [[[1, 8]], [], []]);
    assert.match(m.layers[1]!.unknown!, /my-layers\.customLayer/);
    assert.match(m.layers[2]!.unknown!, /its input is unknown/);
    assert.equal(m.incomplete, true);
    const warning = r.diagnostics.find((d) => d.severity === 'warning' && d.line === lineOf(text, 'customLayer({'));
    assert.ok(warning, 'a warning on the line of the layer it cannot follow');
  });
});
