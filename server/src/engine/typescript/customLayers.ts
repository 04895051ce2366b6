// Custom layers: `class Z extends tf.layers.Layer` run as TF.js runs them on symbolic tensors.
// The first application calls `build(inputShape)`, where every `this.addWeight(name, shape, …)`
// adds its size to the layer's parameters; the output shape is `computeOutputShape(inputShape)`,
// or the input's shape when the class does not override it (TF.js's Layer does the same). `call`
// is never run: TF.js does not run it on symbolic tensors either. What cannot be followed (a
// build whose weights are unknown, a computeOutputShape that gives no shape) makes the layer's
// output unknown, with the reason.

import { classMember, staticMember, NOT_FOUND } from './classes';
import { shapeValue } from './convert';
import { ThrowSignal, type Interpreter } from './interpreter';
import { ConfigUnknown, product, type LayerResult, type TfLayerSpec, type TfTensor } from './layers/spec';
import { JsArray, JsFunction, LayerValue, Unknown, type Site, type Value } from './values';

export class CustomLayerState {
  layer: LayerValue | null = null;
  built = false;
  params = 0;
  /** Why its weights (and so the layer) are unknown. */
  failed: string | null = null;
}

/** The class name TF.js reports: `getClassName()`, which reads the class's static `className`. */
export function customClassName(interp: Interpreter, layer: LayerValue | null, site: Site | null): string {
  const cls = layer?.cls;
  if (!cls || !site) return 'Layer';
  const own = classMember(interp, layer, cls, 'getClassName', site);
  if (own instanceof JsFunction) {
    const name = interp.invoke(own, [], layer, site, true);
    if (typeof name === 'string') return name;
  }
  const stat = staticMember(interp, cls, 'className', site);
  return typeof stat === 'string' ? stat : cls.name;
}

function method(interp: Interpreter, layer: LayerValue, name: string, site: Site): JsFunction | null {
  if (!layer.cls) return null;
  const m = classMember(interp, layer, layer.cls, name, site);
  return m !== NOT_FOUND && m instanceof JsFunction ? m : null;
}

/** Runs a method of the layer; a throw or a statement not followed makes it unknown. */
function runMethod(interp: Interpreter, layer: LayerValue, fn: JsFunction, args: Value[], site: Site, what: string): Value {
  const before = interp.problems;
  let value: Value;
  try {
    value = interp.invoke(fn, args, layer, site, true);
  } catch (e) {
    if (e instanceof ThrowSignal) throw new ConfigUnknown(`${what} threw an exception`);
    throw e;
  }
  if (interp.problems > before) throw new ConfigUnknown(`${what} could not be followed (see the hints)`);
  return value;
}

/** A shape `computeOutputShape` returned: the batch may be null (then the input's). */
function shapeOf(v: Value, batch: number, what: string): number[] {
  if (v instanceof Unknown) throw new ConfigUnknown(`${what} is unknown (${v.reason})`);
  if (!(v instanceof JsArray)) throw new ConfigUnknown(`${what} did not return a shape`);
  return v.items.map((d, i) => {
    if (i === 0 && (d === null || d === undefined)) return batch;
    if (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) return d;
    throw new ConfigUnknown(`${what} returned a shape with ${d instanceof Unknown ? `an unknown dimension (${d.reason})` : 'a dimension that is not a size'}`);
  });
}

export function customLayerSpec(interp: Interpreter, state: CustomLayerState): TfLayerSpec<null> {
  return {
    get className(): string {
      return customClassName(interp, state.layer, state.layer?.defined[0] ?? null);
    },
    multiInput: true,
    configure: () => null,
    apply(_c, inputs: TfTensor[]): LayerResult {
      const layer = state.layer!;
      const site = layer.defined[0]!;
      const name = layer.cls?.name ?? 'Layer';
      const shapes = inputs.map((t) => shapeValue(t.shape, t.batchSymbolic));
      const inputShape = shapes.length === 1 ? shapes[0]! : new JsArray(shapes);
      if (!state.built) {
        state.built = true;
        const build = method(interp, layer, 'build', site);
        try {
          if (build) runMethod(interp, layer, build, [inputShape], site, `${name}.build`);
        } catch (e) {
          if (!(e instanceof ConfigUnknown)) throw e;
          state.failed = e.message;
        }
      }
      if (state.failed) throw new ConfigUnknown(state.failed);
      const batch = inputs[0]?.shape[0] ?? 1;
      const batchSymbolic = inputs[0]?.batchSymbolic ?? true;
      const compute = method(interp, layer, 'computeOutputShape', site);
      let outShapes: number[][];
      if (compute) {
        const r = runMethod(interp, layer, compute, [inputShape], site, `${name}.computeOutputShape`);
        const many = r instanceof JsArray && r.items.length > 0 && r.items.every((x) => x instanceof JsArray);
        outShapes = many ? (r as JsArray).items.map((x) => shapeOf(x, batch, `${name}.computeOutputShape`)) : [shapeOf(r, batch, `${name}.computeOutputShape`)];
      } else {
        outShapes = inputs.map((t) => [...t.shape]);
      }
      const x = inputs[0];
      const geometry = outShapes.length === 1 && x && x.geometry && outShapes[0]!.length === x.shape.length ? x.geometry : null;
      return {
        outputs: outShapes.map((shape) => ({ shape, geometry, batchSymbolic })),
        params: state.params,
        macs: 0,
        geometry,
        args: `custom ${name}`,
      };
    },
  };
}

/** `this.addWeight(name, shape, …)` in a custom layer's build: its size counts as parameters. */
export function addWeight(state: CustomLayerState, shape: Value): Value {
  const dims = shape instanceof JsArray ? shape.items : null;
  if (!dims || !dims.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    state.failed ??= `addWeight with ${shape instanceof Unknown ? `an unknown shape (${shape.reason})` : 'a shape that is not sizes'}`;
  } else {
    state.params += product(dims);
  }
  return new Unknown('a weight is only known when the model runs', null);
}
