// Interpreter values → plain config data for the layer catalogue, and shapes back to values.

import { LayerRef, UnknownConfig, type Plain } from './layers/spec';
import { JsArray, JsObject, LayerValue, Stub, Unknown, typeName, type Value } from './values';

/** A config value as plain data; what cannot be plain data becomes UnknownConfig. */
export function toPlain(v: Value, depth = 0): Plain {
  if (depth > 8) return new UnknownConfig('nested too deep');
  if (v === undefined || v === null || typeof v !== 'object') return v;
  if (v instanceof JsArray) return v.items.map((x) => toPlain(x, depth + 1));
  if (v instanceof JsObject) {
    const o: { [key: string]: Plain } = {};
    for (const [k, x] of v.props) o[k] = toPlain(x, depth + 1);
    return o;
  }
  if (v instanceof Unknown) return new UnknownConfig(v.reason);
  if (v instanceof LayerValue) return new LayerRef(v.spec, v.config, v.problem?.message ?? null);
  // Initializers, regularizers, constraints (`tf.initializers.heNormal()`) do not change shapes.
  if (v instanceof Stub) return new UnknownConfig(`\`${v.path}\` is not modelled`);
  return new UnknownConfig(`${typeName(v)} where a plain value was expected`);
}

export function configOf(v: Value): Record<string, Plain> | UnknownConfig {
  if (v === undefined || v === null) return {};
  if (v instanceof Unknown) return new UnknownConfig(v.reason);
  if (!(v instanceof JsObject)) return new UnknownConfig(`the config is ${typeName(v)}, not an object`);
  const o: Record<string, Plain> = {};
  for (const [k, x] of v.props) o[k] = toPlain(x);
  return o;
}

/** A shape as TF.js shows it: the batch dimension null when it is symbolic. */
export function shapeValue(shape: readonly number[], batchSymbolic: boolean): JsArray {
  return new JsArray(shape.map((d, i) => (i === 0 && batchSymbolic ? null : d)));
}
