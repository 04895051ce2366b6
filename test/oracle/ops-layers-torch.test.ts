// The layer catalogue against real PyTorch 1.13 (test/golden/torch, recorded by
// scripts/golden/trace_models.py): every layer-op expression in functions.json (shapes, and that
// torch's errors are errors here too), and every call of a catalogued module or layer function
// in the traced models (output shapes, params, MACs), fed through the ops as the interpreter would.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { OpError, type ModuleSpec, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { bindArgs, literal, parseArgs, parseExpr, type PyArg, type PyNode } from '../support/pyExpr';

const GOLDEN = resolve(__dirname, '../golden/torch');

interface Built {
  kind: 'module';
  spec: ModuleSpec;
  config: unknown;
}

const tensor = (shape: number[]): Tensor => ({ kind: 'tensor', shape, geometry: null });

/** Raised for expressions outside the layer catalogue (tensor methods, torch.cat, ...). */
class NotLayerOp extends Error {}

function shapesOf(v: OpValue): number[][] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && v.kind === 'tensor') return [[...(v as Tensor).shape]];
  if (Array.isArray(v)) return v.flatMap(shapesOf);
  return [];
}

function evaluate(node: PyNode, tensors: Tensor[] = []): OpValue | Built {
  if (node.kind === 'name' && node.value === 'T') {
    const t = tensors.shift();
    if (!t) throw new Error('more T placeholders than input tensors');
    return t;
  }
  if (node.kind !== 'call') return literal(node);
  const values = (args: PyArg[]): { positional: OpValue[]; keywords: Record<string, OpValue> } => {
    const positional: OpValue[] = [];
    const keywords: Record<string, OpValue> = {};
    for (const a of args) {
      const v = evaluate(a.value, tensors);
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && v.kind === 'module') throw new NotLayerOp('module as an argument');
      if (a.name) keywords[a.name] = v as OpValue;
      else positional.push(v as OpValue);
    }
    return { positional, keywords };
  };
  if (node.callee.kind === 'name') {
    const name = node.callee.value;
    if (name === 'torch.zeros') {
      const { positional } = values(node.args);
      const dims = positional.length === 1 && Array.isArray(positional[0]) ? (positional[0] as number[]) : (positional as number[]);
      return tensor(dims);
    }
    if (name.startsWith('nn.')) {
      const spec = moduleSpecs.get(name.slice(3));
      if (!spec) throw new NotLayerOp(name);
      const { positional, keywords } = values(node.args);
      return { kind: 'module', spec, config: spec.build(bindArgs(spec.signature, positional, keywords)) };
    }
    const fn = layerFunctionSpecs.get(name);
    if (!fn) throw new NotLayerOp(name);
    const { positional, keywords } = values(node.args);
    return fn.apply(bindArgs(fn.signature, positional, keywords)).value;
  }
  const callee = evaluate(node.callee, tensors);
  if (callee === null || typeof callee !== 'object' || Array.isArray(callee) || callee.kind !== 'module') {
    throw new NotLayerOp('call of a non-module');
  }
  const m = callee as Built;
  const { positional, keywords } = values(node.args);
  return m.spec.forward(m.config, bindArgs(m.spec.forwardSignature, positional, keywords)).value;
}

interface FunctionCase {
  expr: string;
  family: string;
  out?: number[][];
  error?: string;
  message?: string;
}

const LAYER_FAMILIES = new Set(['conv', 'conv_transpose', 'pool', 'pool_ceil_edge', 'adaptive_pool', 'interpolate', 'pixel_shuffle', 'misc']);

describe('functions.json (real PyTorch 1.13) — layer expressions', () => {
  const data = JSON.parse(readFileSync(resolve(GOLDEN, 'functions.json'), 'utf8')) as { cases: FunctionCase[] };
  const cases = data.cases.filter((c) => LAYER_FAMILIES.has(c.family));
  const checked = new Map<string, number>();

  for (const c of cases) {
    // misc mixes tensor methods (the other catalogue) with a few modules: only parseable layer calls here
    let node: PyNode;
    try {
      node = parseExpr(c.expr);
    } catch {
      assert.equal(c.family, 'misc', `unparseable layer expression ${c.expr}`);
      continue;
    }
    if (c.family === 'misc') {
      try {
        evaluate(node);
      } catch (e) {
        if (e instanceof NotLayerOp) continue;
      }
    }
    checked.set(c.family, (checked.get(c.family) ?? 0) + 1);
    test(`${c.family}: ${c.expr}`, () => {
      if (c.error) {
        assert.throws(
          () => evaluate(node),
          (e: unknown) => e instanceof OpError,
          `torch raised ${c.error}: ${c.message}`,
        );
      } else {
        assert.deepEqual(shapesOf(evaluate(node) as OpValue), c.out);
      }
    });
  }

  test('covers every layer family of the goldens', () => {
    for (const family of ['conv', 'conv_transpose', 'pool', 'pool_ceil_edge', 'adaptive_pool', 'interpolate', 'pixel_shuffle']) {
      assert.ok((checked.get(family) ?? 0) >= 15, `${family}: only ${checked.get(family) ?? 0} cases checked`);
    }
  });
});

interface GoldenLayer {
  type: string;
  name: string | null;
  args: string;
  in: number[][];
  out: number[][];
  macs: number;
  params: number;
}

const FUNCTION_NAMES: Record<string, string> = {
  interpolate: 'F.interpolate',
  max_pool2d: 'F.max_pool2d',
  avg_pool2d: 'F.avg_pool2d',
  adaptive_avg_pool2d: 'F.adaptive_avg_pool2d',
  relu: 'F.relu',
  sigmoid: 'F.sigmoid',
  tanh: 'F.tanh',
};

/** Goldens whose modules' repr is not their state, so a layer rebuilt from `args` is another
 *  layer: attributes written after construction (torch's repr shows the written kernel_size; the
 *  weight, which forward uses, keeps its shape). torch-golden.test.ts compares these models whole. */
const REPR_IS_NOT_STATE = new Set(['style_pymod_dilated_backbone_RetunedLayers.json']);

/** Losses print no arguments (their extra_repr is empty): `reduction=` cannot be rebuilt from `args`. */
const NO_ARGUMENTS_IN_REPR = /Loss$/;

describe('traced models (real PyTorch 1.13): every catalogued layer call', () => {
  const files = readdirSync(GOLDEN).filter(
    (f) => f.endsWith('.json') && !['functions.json', 'tensor_functions.json', 'fixtures_crosscheck.json'].includes(f) && !REPR_IS_NOT_STATE.has(f),
  );
  let total = 0;
  for (const file of files) {
    const model = JSON.parse(readFileSync(resolve(GOLDEN, file), 'utf8')) as { layers?: GoldenLayer[] };
    const layers = (model.layers ?? []).filter((l) => (l.name !== null ? moduleSpecs.has(l.type) && !NO_ARGUMENTS_IN_REPR.test(l.type) : l.type in FUNCTION_NAMES));
    total += layers.length;
    if (layers.length === 0) continue;
    test(`${file}: ${layers.length} layers`, () => {
      for (const layer of layers) {
        const where = `${file} ${layer.name ?? layer.type}(${layer.args}) on ${JSON.stringify(layer.in)}`;
        const inputs = layer.in.map(tensor);
        if (layer.name !== null) {
          const spec = moduleSpecs.get(layer.type)!;
          const args = parseArgs(layer.args);
          const positional = args.filter((a) => !a.name).map((a) => literal(a.value));
          const keywords = Object.fromEntries(args.filter((a) => a.name).map((a) => [a.name!, literal(a.value)]));
          const config = spec.build(bindArgs(spec.signature, positional, keywords));
          assert.equal(spec.params(config), layer.params, `params of ${where}`);
          const result = spec.forward(config, bindArgs(spec.forwardSignature, inputs, {}));
          assert.deepEqual(shapesOf(result.value), layer.out, `output of ${where}`);
          assert.equal(result.macs, layer.macs, `MACs of ${where}`);
        } else {
          const fn = layerFunctionSpecs.get(FUNCTION_NAMES[layer.type]!)!;
          const args = parseArgs(layer.args);
          const pending = [...inputs];
          const positional = args.filter((a) => !a.name).map((a) => evaluate(a.value, pending) as OpValue);
          const keywords = Object.fromEntries(args.filter((a) => a.name).map((a) => [a.name!, evaluate(a.value, pending) as OpValue]));
          const result = fn.apply(bindArgs(fn.signature, positional, keywords));
          assert.deepEqual(shapesOf(result.value), layer.out, `output of ${where}`);
          assert.equal(result.macs, layer.macs, `MACs of ${where}`);
        }
      }
    });
  }
  test('the traced models exercise thousands of layer calls', () => {
    assert.ok(total > 5000, `only ${total} layer calls`);
  });
});
