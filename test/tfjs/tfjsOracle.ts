// The oracle for the TensorFlow.js front end: the real @tensorflow/tfjs (pure-JS CPU backend)
// builds a model file's models. The file is transpiled with the TypeScript compiler and run as a
// CommonJS module whose `require('@tensorflow/tfjs')` is the real library; a model is then read
// back as TF.js knows it: every layer application (in the order the applications were made, a
// nested model's applications in its place), its output shape, the layer's countParams(), and its
// MACs worked out from the layer's getConfig() and the application's shapes (tfjsMacs.ts).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runInThisContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import * as tfLayers from '@tensorflow/tfjs-layers';
import * as ts from 'typescript';
import { layerMacs, type TfLayerLike } from './tfjsMacs';

export interface OracleLayer {
  className: string;
  /** With TF.js's null batch dimension. */
  outputShape: (number | null)[];
  /** countParams() of the layer on its first application, 0 after. */
  params: number;
  /** Multiply–accumulates of this application (tfjsMacs.ts). */
  macs: number;
}

export interface OracleModel {
  layers: OracleLayer[];
  params: number;
  /** The sum of the applications' MACs. */
  macs: number;
  outputs: (number | null)[][];
  inputs: (number | null)[][];
}

let ready: Promise<void> | null = null;

/** The CPU backend, once: model building initialises weights through it. */
export function tfReady(): Promise<void> {
  ready ??= tf.setBackend('cpu').then(() => tf.ready());
  return ready;
}

const EVALUATE = '__convlensEvaluate';

const TF_MODULES = new Set(['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);

/** Runs a model file with the real TF.js and returns its exports (relative imports load too). */
export function loadWithTfjs(path: string, text: string, loaded = new Map<string, Record<string, unknown>>()): Record<string, unknown> {
  const cached = loaded.get(path);
  if (cached) return cached;
  const js = ts.transpileModule(text, {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  loaded.set(path, module.exports);
  const requireTf = (name: string): unknown => {
    if (TF_MODULES.has(name)) return tf;
    if (name === '@tensorflow/tfjs-layers') return tfLayers;
    if (name.startsWith('.')) {
      const file = ['.ts', '.js', ''].map((ext) => resolve(dirname(path), name) + ext).find((f) => existsSync(f));
      if (file) return loadWithTfjs(file, readFileSync(file, 'utf8'), loaded);
    }
    throw new Error(`the oracle cannot load '${name}'`);
  };
  // Run in this realm (not a fresh vm context) so arrays are the arrays TF.js checks for. `tf` is
  // also the global a <script> tag gives; the returned function evaluates a model's name (an
  // expression) in the module's own scope.
  const wrapped = runInThisContext(`(function (require, module, exports, tf) { return (function () {\n${js}\n;return (e) => eval(e);\n})(); })`, { filename: path }) as (r: typeof requireTf, m: typeof module, e: Record<string, unknown>, t: typeof tf) => (e: string) => unknown;
  const evaluate = wrapped(requireTf, module, module.exports, tf);
  Object.defineProperty(module.exports, EVALUATE, { value: evaluate, enumerable: false });
  loaded.set(path, module.exports);
  return module.exports;
}

interface TfNode {
  id: number;
  inputTensors: { shape: (number | null)[] }[];
  outputTensors: { shape: (number | null)[] }[];
}

/** The classes TF.js registers itself, read before any model file runs: a layer class outside
 *  them is the model file's own (`extends tf.layers.Layer`, registered or not). */
const TFJS_CLASSES = new Set(Object.keys(tf.serialization.SerializationMap.getMap().classNameMap));

/** The fields of TF.js's layer objects the oracle reads (some are internal but plain JS). */
interface TfLayer extends TfLayerLike {
  name: string;
  getClassName(): string;
  countParams(): number;
  inboundNodes: TfNode[];
  layers?: TfLayer[];
  /** Containers: `${layer.name}_ib-${nodeIndex}` of the applications inside them. */
  containerNodes?: Set<string>;
  /** Sequential: the functional model it keeps inside. */
  model?: TfLayer;
}

function isContainer(l: TfLayer): boolean {
  return Array.isArray(l.layers);
}

/** Applications of `model`'s layers in the order they were made (node ids count up globally). */
function applications(model: TfLayer, counted: Set<TfLayer>): OracleLayer[] {
  const entries: { node: TfNode; layer: TfLayer }[] = [];
  // A model used as a layer has an application of its own making besides those in other graphs:
  // only the applications inside this container count.
  const inside = model.containerNodes?.size ? model.containerNodes : model.model?.containerNodes;
  for (const layer of model.layers ?? []) {
    if (layer.getClassName() === 'InputLayer') continue;
    layer.inboundNodes.forEach((node, i) => {
      if (!inside?.size || inside.has(`${layer.name}_ib-${i}`)) entries.push({ node, layer });
    });
  }
  entries.sort((a, b) => a.node.id - b.node.id);
  const out: OracleLayer[] = [];
  for (const { node, layer } of entries) {
    if (isContainer(layer)) {
      out.push(...applications(layer, counted));
      continue;
    }
    const first = !counted.has(layer);
    counted.add(layer);
    const className = layer.getClassName();
    const custom = TFJS_CLASSES.has(className) ? new Set<string>() : new Set([className]);
    const macs = layerMacs(layer, node.inputTensors.map((t) => t.shape), node.outputTensors.map((t) => t.shape), custom);
    out.push({ className, outputShape: [...node.outputTensors[0]!.shape], params: first ? layer.countParams() : 0, macs });
  }
  return out;
}

export function describeModel(model: tf.LayersModel): OracleModel {
  const layers = applications(model as unknown as TfLayer, new Set());
  return {
    layers,
    params: model.countParams(),
    macs: layers.reduce((n, l) => n + l.macs, 0),
    outputs: model.outputs.map((o) => [...o.shape]),
    inputs: model.inputs.map((i) => [...i.shape]),
  };
}

/** The model a ConvLens model name stands for: `buildX()` calls the export, `x` reads it. */
export async function oracleModel(exports: Record<string, unknown>, name: string): Promise<tf.LayersModel> {
  // `buildX()`, `model`, `new Net().model`, `net.model`: the expression, in the module's scope.
  const evaluate = exports[EVALUATE] as ((e: string) => unknown) | undefined;
  let value: unknown;
  try {
    value = evaluate ? evaluate(name) : undefined;
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    // `export const model = …` compiles to `exports.model = …`, with no local name.
    value = new Function(...Object.keys(exports), `return (${name});`)(...Object.values(exports));
  }
  const model = await value;
  if (!(model instanceof tf.LayersModel)) throw new Error(`${name} did not give a TF.js model`);
  return model;
}
