// Every layer factory of the installed TensorFlow.js is one ConvLens knows, under the class name
// TF.js gives it; a factory ConvLens does not model (or does not know at all) is a layer of
// unknown output in its place, with a warning on its line — never dropped — and the JSON says
// `unknown: true`, why, and `params: null` / `macs: null`.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyzeFile } from '../../server/src/engine/analyze';
import { layerFactories, layerSpec, RUNTIME_LAYER_NAMES } from '../../server/src/engine/typescript/layers';
import { toJsonReport } from '../../server/src/format/json';
import type { FileReport } from '../../server/src/engine/report';
import { tfReady } from './tfjsOracle';

const HEADER = "import * as tf from '@tensorflow/tfjs';\n";

function analyse(text: string): FileReport {
  return analyzeFile({ file: '/models/net.ts', text, readFile: () => null });
}

function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no line with ${needle}`);
  return i + 1;
}

/** A config most factories accept: TF.js builds the layer object and names its class. */
function genericConfig(): Record<string, unknown> {
  return {
    units: 2, filters: 2, kernelSize: 1, rate: 0.1, stddev: 0.1, targetShape: [1], dims: [1], n: 2, axes: 1,
    layer: tf.layers.dense({ units: 1 }), cell: tf.layers.lstmCell({ units: 2 }), cells: [tf.layers.lstmCell({ units: 2 })],
    numTokens: 3, height: 2, width: 2, factor: 0.1, scale: 1, offset: 0, inputDim: 3, outputDim: 2, poolSize: 2, cropping: 1,
  };
}

before(tfReady);

describe('the layer catalogue against the installed TF.js', () => {
  const installed = Object.keys(tf.layers as unknown as Record<string, unknown>);

  test('every name under tf.layers is one ConvLens knows', () => {
    const known = new Set<string>([...layerFactories(), ...RUNTIME_LAYER_NAMES]);
    const missing = installed.filter((name) => !known.has(name));
    assert.deepEqual(missing, [], `TF.js ${tf.version.tfjs} has layer factories ConvLens does not know`);
    assert.ok(installed.length > 60, 'the list is read from the package');
  });

  test('each factory has the class name TF.js reports', () => {
    const factories = tf.layers as unknown as Record<string, (config: unknown) => { getClassName(): string }>;
    let checked = 0;
    for (const name of layerFactories()) {
      let layer: { getClassName(): string };
      try {
        layer = factories[name]!(genericConfig());
      } catch {
        continue; // needs a config of its own (inputLayer)
      }
      assert.equal(layerSpec(name)!.className, layer.getClassName(), `tf.layers.${name}`);
      checked++;
    }
    assert.ok(checked > 60, `${checked} factories checked`);
  });
});

describe('a layer ConvLens does not model is never dropped', () => {
  test('an unknown factory in a sequential model: unknown in its place, a warning on its line, JSON unknown/reason/params null', () => {
    const text = `${HEADER}export function net() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 8 }));
  m.add(tf.layers.someFutureLayer({ units: 3 }));
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}
`;
    const r = analyse(text);
    const m = r.models[0]!;
    assert.deepEqual(m.layers.map((l) => l.op), ['Dense', 'SomeFutureLayer', 'Dense']);
    assert.deepEqual(m.layers[0]!.out, [[1, 8]]);
    assert.equal(m.layers[0]!.params, 4 * 8 + 8);
    assert.match(m.layers[1]!.unknown!, /tf\.layers\.someFutureLayer is not a layer factory ConvLens knows/);
    assert.ok(m.layers[2]!.unknown);
    assert.equal(m.incomplete, true);
    assert.equal(m.params, 40, 'the known layers');
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
    assert.ok(warnings.some((d) => d.line === lineOf(text, 'someFutureLayer')), 'a warning on the layer line');
    assert.ok(warnings.some((d) => /count only the known layers \(2 of 3 layers are unknown\)/.test(d.message)));
    const json = toJsonReport(r).models[0]!;
    assert.equal(json.countsPartial, true);
    assert.deepEqual(json.layers.map((l) => [l.unknown ?? false, l.params]), [[false, 40], [true, null], [true, null]]);
    // MACs of an unknown layer are not known either: null, never a plausible 0.
    assert.deepEqual(json.layers.map((l) => l.macs === null), [false, true, true]);
    assert.match(json.layers[1]!.reason!, /someFutureLayer/);
  });

  test('an unmodelled factory TF.js has, in a functional model: the graph goes on, the model is reported', () => {
    const text = `${HEADER}export function net() {
  const x = tf.input({ shape: [10, 4] });
  const h = tf.layers.dense({ units: 8 }).apply(x) as tf.SymbolicTensor;
  const r = tf.layers.randomWidth({ factor: 0.1 }).apply(h) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 2 }).apply(r) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}
`;
    const r = analyse(text);
    const m = r.models[0]!;
    assert.deepEqual(m.layers.map((l) => l.op), ['Dense', 'RandomWidth', 'Dense']);
    assert.deepEqual(m.layers[0]!.out, [[1, 10, 8]]);
    assert.ok(m.layers[1]!.unknown && m.layers[2]!.unknown);
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && d.line === lineOf(text, 'randomWidth')));
    assert.equal(m.incomplete, true);
  });

  test('a layer of an unmodelled library applied in a functional model keeps the layers before it', () => {
    const text = `${HEADER}import { attention } from 'some-layers';
export function net() {
  const x = tf.input({ shape: [16] });
  const h = tf.layers.dense({ units: 8 }).apply(x) as tf.SymbolicTensor;
  const a = attention({ heads: 2 }).apply(h) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 2 }).apply(a) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}
`;
    const r = analyse(text);
    const m = r.models[0]!;
    assert.equal(m.layers.length, 3);
    assert.deepEqual(m.layers[0]!.out, [[1, 8]]);
    assert.equal(m.layers[0]!.params, 136);
    assert.ok(m.layers[1]!.unknown && m.layers[2]!.unknown);
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && d.line === lineOf(text, 'attention({')));
    assert.equal(m.params, 136);
    assert.equal(m.incomplete, true);
  });
});
