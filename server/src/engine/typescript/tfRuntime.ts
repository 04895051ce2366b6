// The TensorFlow.js the interpreter sees: `tf.sequential`, `tf.model`, `tf.input`, the layer
// factories under `tf.layers`, and the layer, model and symbolic-tensor objects they make.
// Shapes are computed eagerly as the code runs (so `x.shape[3]` works), and every application is
// kept in a graph, so a model can be run again from its inputs for the report, with other input
// shapes if asked.

import { freshGeometry } from '../geometry';
import { OpError } from '../ops/types';
import type { DiagnosticCode } from '../report';
import { configOf, shapeValue } from './convert';
import { addWeight, CustomLayerState, customLayerSpec } from './customLayers';
import type { Interpreter } from './interpreter';
import { layerFactories, layerSpec, unmodelledSpec } from './layers';
import { ConfigReader, ConfigUnknown, UnknownConfig, type LayerResult, type Plain, type TfLayerSpec, type TfTensor } from './layers/spec';
import {
  JsArray,
  JsObject,
  LayerValue,
  ModelValue,
  NativeFunction,
  TensorValue,
  Unknown,
  typeName,
  type DeclaredInput,
  type GraphNode,
  type Site,
  type Value,
} from './values';

/** A tensor whose shape is not known during a run, and why. */
export class UnknownTensor {
  constructor(readonly reason: string) {}
}

export type RunTensor = TfTensor | UnknownTensor;

export interface LayerProblem {
  code: DiagnosticCode;
  message: string;
}

/** One layer application during a run of a model. */
export interface LayerEvent {
  layer: LayerValue;
  path: string;
  inputs: RunTensor[];
  result: LayerResult | null;
  problem: LayerProblem | null;
  /** Where it was applied, innermost first. */
  called: Site[];
  /** The first application of this layer object in the run: its weights count here. */
  firstCall: boolean;
  /** A direct entry of the sequential model being reported: where an inlay hint shows its output
   *  (the `model.add(…)` call, or the layer in `tf.sequential({layers: […]})`). */
  entrySite: Site | null;
}

export interface RunSink {
  event(e: LayerEvent): void;
  tensor(t: TensorValue, v: RunTensor): void;
}

interface RunContext {
  sink: RunSink;
  seen: Set<LayerValue>;
}

export const TF_PACKAGES = new Set(['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-layers']);

/** Keras's to_snake_case: Conv2DTranspose → conv2d_transpose, ReLU → re_lu. */
export function snakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Layer and model names within one model, as a report shows them (`conv2d_1`, `encoder.dense_2`). */
class Naming {
  private readonly names = new Map<LayerValue | ModelValue, string>();
  private readonly counts = new Map<string, number>();
  private readonly children = new Map<ModelValue, Naming>();
  constructor(readonly prefix: string) {}

  nameOf(x: LayerValue | ModelValue): string {
    let name = this.names.get(x);
    if (name === undefined) {
      const base = x.name ?? (x instanceof LayerValue ? snakeCase(x.spec.className) : x.kind === 'sequential' ? 'sequential' : 'model');
      if (x.name === null) {
        const n = (this.counts.get(base) ?? 0) + 1;
        this.counts.set(base, n);
        name = `${base}_${n}`;
      } else name = base;
      this.names.set(x, name);
    }
    return this.prefix + name;
  }

  child(model: ModelValue): Naming {
    let c = this.children.get(model);
    if (!c) {
      c = new Naming(`${this.nameOf(model)}.`);
      this.children.set(model, c);
    }
    return c;
  }
}

const INPUT_LAYER_SPEC: TfLayerSpec<null> = {
  className: 'InputLayer',
  configure: () => null,
  apply: (_c, inputs) => ({ outputs: [inputs[0]!], params: 0, macs: 0, geometry: inputs[0]!.geometry, args: '' }),
};

export class TfRuntime {
  private nextId = 1;
  /** Every model the code made, in order. */
  readonly models: ModelValue[] = [];
  readonly namespace: JsObject;
  private readonly graphs = new Map<ModelValue, GraphNode[] | string>();

  constructor(
    private readonly interp: Interpreter,
    private readonly defaultImageSize: number,
  ) {
    this.namespace = this.makeNamespace();
    interp.host = {
      member: (obj, name, site) => this.member(obj, name, site),
      setMember: (obj, name, value) => {
        if (!(obj instanceof TensorValue)) obj.extra.set(name, value);
      },
      applyUnknown: (target, arg, site) => this.applyUnknown(target, arg, site),
    };
  }

  private id(): number {
    return this.nextId++;
  }

  private makeNamespace(): JsObject {
    const tf = new JsObject('tf');
    const layers = new JsObject('tf.layers');
    for (const factory of layerFactories()) {
      const spec = layerSpec(factory)!;
      layers.props.set(factory, new NativeFunction(`tf.layers.${factory}`, ([config], call) => this.makeLayer(factory, spec, config, call.site)));
    }
    layers.props.set('inputLayer', new NativeFunction('tf.layers.inputLayer', ([config], call) => this.makeLayer('inputLayer', INPUT_LAYER_SPEC, config, call.site)));
    layers.props.set('input', new NativeFunction('tf.layers.input', ([config], call) => this.input(config, call.site)));
    // The bases of custom layers (`class Z extends tf.layers.Layer`) and models.
    layers.props.set('Layer', new NativeFunction('tf.layers.Layer', ([config], call) => this.customLayer(config, call.site), true));
    for (const base of ['RNN', 'RNNCell']) {
      layers.props.set(base, new NativeFunction(`tf.layers.${base}`, (_a, call) => new Unknown(`a subclass of tf.layers.${base} is not modelled`, call.site), true));
    }
    tf.props.set('Sequential', new NativeFunction('tf.Sequential', ([config], call) => this.sequential(config, call.site), true));
    tf.props.set('LayersModel', new NativeFunction('tf.LayersModel', ([config], call) => this.functional(config, call.site), true));
    const registerClass = new NativeFunction('tf.serialization.registerClass', ([cls]) => cls);
    const serialization = new JsObject('tf.serialization');
    serialization.props.set('registerClass', registerClass);
    tf.props.set('serialization', serialization);
    // A factory of a newer TF.js (or a misspelt one) is still a layer in its place: unknown.
    layers.fallback = (key) =>
      new NativeFunction(`tf.layers.${key}`, ([config], call) => {
        const className = key.charAt(0).toUpperCase() + key.slice(1);
        return this.makeLayer(key, unmodelledSpec(className, `tf.layers.${key} is not a layer factory ConvLens knows`), config, call.site);
      });
    tf.props.set('layers', layers);
    tf.props.set('sequential', new NativeFunction('tf.sequential', ([config], call) => this.sequential(config, call.site)));
    tf.props.set('model', new NativeFunction('tf.model', ([config], call) => this.functional(config, call.site)));
    tf.props.set('input', new NativeFunction('tf.input', ([config], call) => this.input(config, call.site)));
    const loaded = (name: string) => new NativeFunction(name, (_args, call) => new Unknown(`a model loaded with ${name} is only known at run time`, call.site));
    tf.props.set('loadLayersModel', loaded('tf.loadLayersModel'));
    tf.props.set('loadGraphModel', loaded('tf.loadGraphModel'));
    const noOp = new NativeFunction('tf.ready', () => undefined);
    for (const name of ['ready', 'setBackend', 'enableProdMode', 'disposeVariables', 'tidy', 'dispose']) tf.props.set(name, noOp);
    tf.props.set('default', tf);
    return tf;
  }

  // ---------- layers ----------

  private reportProblem(problem: LayerProblem, site: Site): void {
    if (problem.code === 'unknown') this.interp.problem(problem.message, site);
    else this.interp.options.diagnostic('error', problem.code, problem.message, site);
  }

  makeLayer(factory: string, spec: TfLayerSpec, configValue: Value, site: Site): LayerValue {
    this.interp.steps += 10;
    const defined = this.interp.stack(site);
    const config = configOf(configValue);
    let problem: LayerProblem | null = null;
    let validated: unknown = null;
    let name: string | null = null;
    let declared: DeclaredInput | null = null;
    if (spec.unmodelled) {
      // Still read what the config says of the model (its input, the layer's name).
      if (!(config instanceof UnknownConfig)) {
        if (typeof config.name === 'string') name = config.name;
        const d = declaredInputOf(config);
        if (typeof d !== 'string') declared = d;
      }
      problem = { code: 'unknown', message: spec.unmodelled };
      this.interp.problems++;
      this.interp.options.diagnostic('warning', 'unknown', `${spec.unmodelled}: its output is unknown, and so are the shapes after it`, site);
      return new LayerValue(this.id(), factory, spec, null, problem, name, declared, defined);
    }
    if (config instanceof UnknownConfig) {
      problem = { code: 'unknown', message: `tf.layers.${factory}: the config is unknown (${config.reason})` };
    } else {
      if (typeof config.name === 'string') name = config.name;
      const d = factory === 'embedding' ? embeddingInput(config) : declaredInputOf(config);
      if (typeof d === 'string') problem = { code: 'unknown', message: `tf.layers.${factory}: ${d}` };
      else declared = d;
      try {
        validated = spec.configure(new ConfigReader(`tf.layers.${factory}`, config));
      } catch (e) {
        problem = problemOf(e);
      }
    }
    if (problem) this.reportProblem(problem, site);
    const layer = new LayerValue(this.id(), factory, spec, validated, problem, name, declared, defined);
    if (!problem && spec.outputCount) layer.outputCount = spec.outputCount(validated);
    return layer;
  }

  private readonly customStates = new Map<LayerValue, CustomLayerState>();

  /** `super(config)` of a custom layer class: a layer whose shapes its class's methods give. */
  private customLayer(config: Value, site: Site): LayerValue {
    const state = new CustomLayerState();
    const layer = this.makeLayer('Layer', customLayerSpec(this.interp, state), config, site);
    state.layer = layer;
    this.customStates.set(layer, state);
    return layer;
  }

  /** A layer the code made in a way ConvLens cannot follow (a value of an unmodelled library, a
   *  class it cannot interpret): reported in its place with unknown output, with a warning. */
  opaqueLayer(reason: string, site: Site, className = 'unknown'): LayerValue {
    const spec = unmodelledSpec(className, reason);
    this.interp.problems++;
    this.interp.options.diagnostic('warning', 'unknown', `a layer ConvLens cannot follow: ${reason}; its output is unknown, and so are the shapes after it`, site);
    return new LayerValue(this.id(), className, spec, null, { code: 'unknown', message: reason }, null, null, this.interp.stack(site));
  }

  /** `x.apply(tensors)` where `x` is unknown: an opaque layer node, so the graph goes on. */
  applyUnknown(target: Unknown, arg: Value, site: Site): Value | null {
    const tensors = arg instanceof TensorValue ? [arg] : arg instanceof JsArray && arg.items.length && arg.items.every((t) => t instanceof TensorValue) ? arg.items : null;
    if (!tensors) return null;
    return this.apply(this.opaqueLayer(target.reason, target.site ?? site), arg, site);
  }

  /** Runs one layer on known or unknown tensors. */
  evalLayer(layer: LayerValue, inputs: RunTensor[]): { result: LayerResult | null; problem: LayerProblem | null } {
    if (layer.problem) return { result: null, problem: { code: 'unknown', message: layer.problem.message } };
    const missing = inputs.find((t): t is UnknownTensor => t instanceof UnknownTensor);
    if (missing) return { result: null, problem: { code: 'unknown', message: `its input is unknown (${missing.reason})` } };
    try {
      return { result: layer.spec.apply(layer.config, inputs as TfTensor[]), problem: null };
    } catch (e) {
      return { result: null, problem: problemOf(e) };
    }
  }

  // ---------- tensors ----------

  private inputTensor(declared: (number | null)[], node: GraphNode | null = null): TensorValue {
    const shape = declared.map((d, i) => d ?? (i === 0 ? 1 : this.defaultImageSize));
    const geometry = shape.length >= 3 ? freshGeometry(shape.length - 2) : null;
    const t = new TensorValue(this.id(), shape, geometry, declared[0] === null, node);
    t.declared = declared;
    return t;
  }

  private input(config: Value, site: Site): Value {
    const c = configOf(config);
    if (c instanceof UnknownConfig) return this.interp.problem(`tf.input: the config is unknown (${c.reason})`, site);
    const d = declaredInputOf(c, 'shape');
    if (typeof d === 'string') return this.interp.problem(`tf.input: ${d}`, site);
    if (!d) {
      this.interp.options.diagnostic('error', 'invalid-argument', 'tf.input needs `shape` or `batchShape`', site);
      return new Unknown('tf.input without a shape', site);
    }
    return this.inputTensor(d.shape);
  }

  private toRun(t: TensorValue): RunTensor {
    return t.shape ? { shape: t.shape, geometry: t.geometry, batchSymbolic: t.batchSymbolic } : new UnknownTensor(t.unknown ?? 'unknown shape');
  }

  private fromRun(r: RunTensor, node: GraphNode | null): TensorValue {
    return r instanceof UnknownTensor ? new TensorValue(this.id(), null, null, true, node, r.reason) : new TensorValue(this.id(), r.shape, r.geometry, r.batchSymbolic, node);
  }

  /** `layer.apply(x)` / `model.apply(x)` on symbolic tensors. */
  private apply(target: LayerValue | ModelValue, arg: Value, site: Site, kwargs: Value = undefined): Value {
    let inputs: TensorValue[];
    let listInput = false;
    // A recurrent layer's `{initialState}`: TF.js makes the states inputs of the application, so
    // the layers that computed them (an encoder) are part of the graph.
    const state = kwargs instanceof JsObject ? kwargs.props.get('initialState') : undefined;
    if (state instanceof Unknown) return state;
    const states = state instanceof TensorValue ? [state] : state instanceof JsArray && state.items.every((t) => t instanceof TensorValue) ? (state.items as TensorValue[]) : [];
    if (state !== undefined && state !== null && !states.length) return this.interp.problem(`\`initialState\` is ${typeName(state)}, not symbolic tensors`, site);
    if (states.length && arg instanceof TensorValue) arg = new JsArray([arg, ...states]);
    if (arg instanceof TensorValue) inputs = [arg];
    else if (arg instanceof JsArray && arg.items.length > 0 && arg.items.every((x) => x instanceof TensorValue)) {
      inputs = arg.items as TensorValue[];
      listInput = true;
    } else if (arg instanceof Unknown) return arg;
    else if (arg instanceof JsArray && arg.items.find((x) => x instanceof Unknown)) return arg.items.find((x) => x instanceof Unknown) as Unknown;
    else return new Unknown(`\`apply\` of ${typeName(arg)}: only symbolic tensors (tf.input, layer.apply) are followed`, site);
    const node: GraphNode = { id: this.id(), layer: target, inputs, outputs: [], called: this.interp.stack(site), listInput };
    const runInputs = inputs.map((t) => this.toRun(t));
    const outs = target instanceof ModelValue ? this.runModel(target, runInputs, null, new Naming(''), []) : this.runLayer(target, runInputs, null, new Naming(''), [], null);
    node.outputs = outs.map((o) => this.fromRun(o, node));
    return node.outputs.length === 1 ? node.outputs[0] : new JsArray(node.outputs);
  }

  // ---------- models ----------

  private sequential(config: Value, site: Site): Value {
    const c = config instanceof JsObject ? config : null;
    const name = c && typeof c.props.get('name') === 'string' ? (c.props.get('name') as string) : null;
    const model = new ModelValue(this.id(), 'sequential', name, this.interp.stack(site), this.interp.currentFunction());
    this.models.push(model);
    const layers = c?.props.get('layers');
    if (layers instanceof JsArray) for (const l of layers.items) this.add(model, l, site, 'layers');
    else if (layers instanceof Unknown) this.add(model, layers, site, 'layers');
    return model;
  }

  private add(model: ModelValue, layer: Value, site: Site, via: 'add' | 'layers'): void {
    if (model.kind !== 'sequential') {
      this.interp.problem('`add` is a method of sequential models', site);
      return;
    }
    const called = this.interp.stack(site);
    if (layer instanceof LayerValue && layer.factory === 'inputLayer') {
      if (layer.declaredInput) model.seqInput = model.seqOutput = this.inputTensor(layer.declaredInput.shape);
      return;
    }
    if (!(layer instanceof LayerValue || layer instanceof ModelValue)) {
      const reason = layer instanceof Unknown ? layer.reason : `${typeName(layer)} was added, not a layer`;
      // The layer stays in its place, unknown: never dropped from the model.
      layer = this.opaqueLayer(reason, layer instanceof Unknown && layer.site ? layer.site : site);
    }
    if (model.entries.length === 0 && !model.seqInput) {
      const declared = layer instanceof LayerValue ? layer.declaredInput : layer.kind === 'sequential' ? layer.seqInput?.declared : layer.inputs.length === 1 ? layer.inputs[0]!.declared : null;
      if (declared) model.seqInput = model.seqOutput = this.inputTensor('shape' in declared ? declared.shape : declared);
    }
    model.entries.push({ layer, called, via });
    if (model.seqOutput) {
      const input = this.toRun(model.seqOutput);
      const out = layer instanceof ModelValue ? this.runModel(layer, [input], null, new Naming(''), [])[0]! : this.runLayer(layer, [input], null, new Naming(''), [], null)[0]!;
      model.seqOutput = this.fromRun(out, null);
    }
  }

  private functional(config: Value, site: Site): Value {
    const c = config instanceof JsObject ? config : null;
    const name = c && typeof c.props.get('name') === 'string' ? (c.props.get('name') as string) : null;
    const model = new ModelValue(this.id(), 'functional', name, this.interp.stack(site), this.interp.currentFunction());
    this.models.push(model);
    const tensors = (v: Value, what: string): TensorValue[] | null => {
      if (v instanceof TensorValue) return [v];
      if (v instanceof JsArray && v.items.length && v.items.every((x) => x instanceof TensorValue)) return v.items as TensorValue[];
      model.problem = `tf.model: \`${what}\` ${v instanceof Unknown ? `is unknown (${v.reason})` : `is ${typeName(v)}, not symbolic tensors`}`;
      return null;
    };
    const inputs = tensors(c?.props.get('inputs'), 'inputs');
    const outputs = inputs ? tensors(c?.props.get('outputs'), 'outputs') : null;
    if (inputs && outputs) {
      model.inputs = inputs;
      model.outputs = outputs;
      const graph = this.graphOf(model);
      if (typeof graph === 'string') model.problem = graph;
    }
    if (model.problem) this.interp.problem(model.problem, site);
    return model;
  }

  /** The applications between a functional model's inputs and outputs, in the order they ran. */
  graphOf(model: ModelValue): GraphNode[] | string {
    const cached = this.graphs.get(model);
    if (cached) return cached;
    const inputs = new Set(model.inputs);
    const nodes = new Map<number, GraphNode>();
    const stack = [...model.outputs];
    let problem: string | null = null;
    while (stack.length) {
      const t = stack.pop()!;
      if (inputs.has(t)) continue;
      if (!t.node) {
        problem = 'tf.model: an output depends on a tf.input that is not among `inputs`';
        continue;
      }
      if (nodes.has(t.node.id)) continue;
      nodes.set(t.node.id, t.node);
      stack.push(...t.node.inputs);
    }
    const result = problem ?? [...nodes.values()].sort((a, b) => a.id - b.id);
    this.graphs.set(model, result);
    return result;
  }

  /** The declared inputs of a model (null: it declares none). */
  declaredInputs(model: ModelValue): TensorValue[] | null {
    if (model.kind === 'sequential') return model.seqInput ? [model.seqInput] : null;
    return model.inputs.length ? model.inputs : null;
  }

  /** Runs a model's layers on `inputs`, telling `sink` about every application. */
  runModel(model: ModelValue, inputs: RunTensor[], ctx: RunContext | null, naming: Naming, calledBelow: Site[], top = false): RunTensor[] {
    this.interp.steps += 2;
    if (model.problem) return [new UnknownTensor(model.problem)];
    if (model.kind === 'sequential') {
      let t: RunTensor = inputs[0] ?? new UnknownTensor('the model has no input');
      if (ctx && model.seqInput && top) ctx.sink.tensor(model.seqInput, t);
      for (const entry of model.entries) {
        const called = [...entry.called, ...calledBelow];
        if (entry.layer instanceof Unknown) t = new UnknownTensor(entry.layer.reason);
        else if (entry.layer instanceof ModelValue) t = this.runModel(entry.layer, [t], ctx, naming.child(entry.layer), called)[0] ?? new UnknownTensor('a nested model without outputs');
        else t = this.runLayer(entry.layer, [t], ctx, naming, called, top ? (entry.via === 'add' ? entry.called[0]! : entry.layer.defined[0]!) : null)[0]!;
      }
      return [t];
    }
    const graph = this.graphOf(model);
    if (typeof graph === 'string') return model.outputs.map(() => new UnknownTensor(graph));
    const env = new Map<TensorValue, RunTensor>();
    model.inputs.forEach((t, i) => {
      const v = inputs[i] ?? new UnknownTensor(`the model has ${model.inputs.length} inputs, ${inputs.length} were given`);
      env.set(t, v);
      ctx?.sink.tensor(t, v);
    });
    for (const node of graph) {
      const ins = node.inputs.map((t) => env.get(t) ?? new UnknownTensor('a tensor that does not come from the model inputs'));
      const called = [...node.called, ...calledBelow];
      const outs = node.layer instanceof ModelValue ? this.runModel(node.layer, ins, ctx, naming.child(node.layer), called) : this.runLayer(node.layer, ins, ctx, naming, called, null);
      node.outputs.forEach((t, k) => {
        const v = outs[k] ?? new UnknownTensor('a missing output');
        env.set(t, v);
        ctx?.sink.tensor(t, v);
      });
    }
    return model.outputs.map((t) => env.get(t) ?? new UnknownTensor('an output that does not come from the model inputs'));
  }

  private runLayer(layer: LayerValue, inputs: RunTensor[], ctx: RunContext | null, naming: Naming, called: Site[], entrySite: Site | null): RunTensor[] {
    const { result, problem } = this.evalLayer(layer, inputs);
    if (ctx) {
      const firstCall = !ctx.seen.has(layer);
      ctx.seen.add(layer);
      ctx.sink.event({ layer, path: naming.nameOf(layer), inputs, result, problem, called, firstCall, entrySite });
    }
    if (result) return result.outputs;
    // An unknown input passes its own reason on: the first layer that failed says why.
    const missing = inputs.find((t): t is UnknownTensor => t instanceof UnknownTensor);
    const unknown = missing && !layer.problem ? missing : new UnknownTensor(problem ? `${naming.nameOf(layer)}: ${problem.message}` : 'unknown');
    // As many outputs as the code takes from it (`const [out, h, c] = lstm.apply(x)`).
    return Array.from({ length: Math.max(1, layer.outputCount) }, () => unknown);
  }

  /** A run for a report: fresh names, weights counted on first use. */
  report(model: ModelValue, inputs: RunTensor[], sink: RunSink): RunTensor[] {
    return this.runModel(model, inputs, { sink, seen: new Set() }, new Naming(''), [], true);
  }

  // ---------- members ----------

  private member(obj: LayerValue | ModelValue | TensorValue, name: string, site: Site): Value {
    if (obj instanceof TensorValue) return this.tensorMember(obj, name, site);
    if (obj.extra.has(name)) return obj.extra.get(name);
    if (name === 'apply') return new NativeFunction(`${name}`, ([x, kwargs], call) => this.apply(obj, x, call.site, kwargs));
    if (name === 'name') return obj.name ?? undefined;
    if (obj instanceof LayerValue) return this.layerMember(obj, name, site);
    return this.modelMember(obj, name, site);
  }

  private tensorMember(t: TensorValue, name: string, site: Site): Value {
    switch (name) {
      case 'shape':
        return t.shape ? shapeValue(t.shape, t.batchSymbolic) : new Unknown(t.unknown ?? 'unknown shape', site);
      case 'rank':
        return t.shape ? t.shape.length : new Unknown(t.unknown ?? 'unknown shape', site);
      case 'dtype':
        return 'float32';
      default:
        return new Unknown(`the symbolic tensor member \`${name}\` is not modelled`, site);
    }
  }

  private layerMember(layer: LayerValue, name: string, site: Site): Value {
    switch (name) {
      case 'getClassName':
        return new NativeFunction('getClassName', () => layer.spec.className);
      case 'trainable':
        return true;
      case 'addWeight': {
        const state = this.customStates.get(layer);
        if (state) return new NativeFunction('addWeight', ([, shape]) => addWeight(state, shape));
        return new Unknown('`addWeight` of a built-in layer is not modelled', site);
      }
      case 'build':
      case 'setWeights':
        return new NativeFunction(name, () => undefined);
      case 'getConfig':
        return new NativeFunction(name, () => new JsObject());
      default:
        return new Unknown(`the layer member \`${name}\` is not modelled`, site);
    }
  }

  private modelMember(model: ModelValue, name: string, site: Site): Value {
    const noOp = new NativeFunction(name, () => undefined);
    switch (name) {
      case 'add':
        return new NativeFunction('add', ([layer], call) => (this.add(model, layer, call.site, 'add'), undefined));
      case 'summary':
      case 'compile':
      case 'dispose':
        return noOp;
      case 'fit':
      case 'fitDataset':
      case 'evaluate':
      case 'predict':
      case 'save':
      case 'trainOnBatch':
        return new NativeFunction(name, (_a, call) => new Unknown(`model.${name} runs the model: not followed`, call.site));
      case 'inputs':
        return new JsArray(this.declaredInputs(model) ?? []);
      case 'outputs':
        return new JsArray(model.kind === 'sequential' ? (model.seqOutput ? [model.seqOutput] : []) : model.outputs);
      case 'layers':
        return new JsArray(this.layersOf(model));
      case 'getLayer':
        return new NativeFunction('getLayer', ([n]) => this.layersOf(model).find((l) => l.name === n) ?? new Unknown(`no layer named ${String(n)}`, site));
      case 'countParams':
        return new NativeFunction('countParams', (_a, call) => this.countParams(model, call.site));
      case 'getClassName':
        return new NativeFunction('getClassName', () => (model.kind === 'sequential' ? 'Sequential' : 'LayersModel'));
      default:
        return new Unknown(`the model member \`${name}\` is not modelled`, site);
    }
  }

  private layersOf(model: ModelValue): (LayerValue | ModelValue)[] {
    if (model.kind === 'sequential') return model.entries.map((e) => e.layer).filter((l): l is LayerValue | ModelValue => !(l instanceof Unknown));
    const graph = this.graphOf(model);
    return typeof graph === 'string' ? [] : [...new Set(graph.map((n) => n.layer))];
  }

  private countParams(model: ModelValue, site: Site): Value {
    const inputs = this.declaredInputs(model);
    if (!inputs) return new Unknown('the model has no input shape yet', site);
    let total = 0;
    let unknown: string | null = null;
    this.report(model, inputs.map((t) => this.toRun(t)), {
      event: (e) => {
        if (e.result && e.firstCall) total += e.result.params;
        else if (!e.result) unknown ??= e.problem?.message ?? 'unknown';
      },
      tensor: () => undefined,
    });
    return unknown ? new Unknown(unknown, site) : total;
  }

  tensorInput(t: TensorValue): RunTensor {
    return this.toRun(t);
  }
}

function problemOf(e: unknown): LayerProblem {
  if (e instanceof OpError) return { code: e.code === 'unsupported' ? 'unknown' : e.code, message: e.message };
  if (e instanceof ConfigUnknown) return { code: 'unknown', message: e.message };
  throw e;
}

/** TF.js's Embedding takes its input length from `inputLength` when no shape is given. */
function embeddingInput(config: Record<string, Plain>): DeclaredInput | null | string {
  const declared = declaredInputOf(config);
  if (declared !== null) return declared;
  const batch = typeof config.batchSize === 'number' ? config.batchSize : null;
  const length = config.inputLength;
  if (length === undefined || length === null) return { shape: [batch, null] };
  return declaredInputOf({ batchInputShape: [batch, ...(Array.isArray(length) ? length : [length])] });
}

/** `inputShape` (+ `batchSize`) or `batchInputShape` of a layer config; a string says why not. */
function declaredInputOf(config: Record<string, Plain>, shapeKey = 'inputShape'): DeclaredInput | null | string {
  const dims = (v: Plain, what: string): (number | null)[] | string => {
    if (!Array.isArray(v)) return `\`${what}\` must be an array, got ${String(v)}`;
    const out: (number | null)[] = [];
    for (const d of v) {
      if (d instanceof UnknownConfig) return `\`${what}\` is unknown (${d.reason})`;
      if (d === null || d === undefined) out.push(null);
      else if (typeof d === 'number' && Number.isInteger(d) && d > 0) out.push(d);
      else return `\`${what}\` must hold positive integers or null`;
    }
    return out;
  };
  const full = shapeKey === 'shape' ? config.batchShape : config.batchInputShape;
  if (full !== undefined && full !== null) {
    if (full instanceof UnknownConfig) return `\`${shapeKey === 'shape' ? 'batchShape' : 'batchInputShape'}\` is unknown (${full.reason})`;
    const d = dims(full, shapeKey === 'shape' ? 'batchShape' : 'batchInputShape');
    return typeof d === 'string' ? d : { shape: d };
  }
  const partial = config[shapeKey];
  if (partial === undefined || partial === null) return null;
  if (partial instanceof UnknownConfig) return `\`${shapeKey}\` is unknown (${partial.reason})`;
  const d = dims(partial, shapeKey);
  if (typeof d === 'string') return d;
  const batch = typeof config.batchSize === 'number' && Number.isInteger(config.batchSize) && config.batchSize > 0 ? config.batchSize : null;
  return { shape: [batch, ...d] };
}
