// Randomized (fixed seed) property tests of the tensor functions' output shapes against
// onnxruntime-node running the equivalent ONNX operators: Add/Mul/Where broadcasting, Concat,
// Reshape (allowzero=1, so 0 means 0 as in torch), Transpose, Flatten, Squeeze/Unsqueeze, Slice
// (steps, negative and out-of-range bounds), Split, Pad, ReduceMean/ReduceSum/ReduceMax (keepdims),
// ArgMax, MatMul (numpy rules incl. 1-D), Expand, Tile, Gather and Einsum.
//
// Each family's cases run as independent nodes of one ONNX graph (one session per family), so a few
// thousand combinations take a few seconds. A second set feeds shapes both sides must refuse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from '../../webview/src/onnx/modelProto';
import { tensorFunctionSpecs } from '../../server/src/engine/ops/functionRegistry';
import { OpError, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { bind } from '../unit/support/torchExpr';

const SEED = 0x5eed2026;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shape(minRank: number, maxRank: number, minDim = 1, maxDim = 5): number[] {
    return Array.from({ length: this.int(minRank, maxRank) }, () => this.int(minDim, maxDim));
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------
// Cases: an ONNX fragment and what our op predicts

const t = (shape: number[]): Tensor => ({ kind: 'tensor', shape, geometry: null });

function call(name: string, positional: OpValue[], keywords: Record<string, OpValue> = {}): OpValue {
  const spec = tensorFunctionSpecs.get(name);
  assert.ok(spec, name);
  return spec.apply(bind(spec, positional, Object.entries(keywords))).value;
}

function shapeOf(v: OpValue): number[] {
  return [...(v as Tensor).shape];
}

interface Case {
  what: string;
  inputs: { name: string; shape: number[] }[];
  initializers: OnnxInitializer[];
  nodes: OnnxNode[];
  /** Output names and the shapes our ops predict for them. */
  outputs: { name: string; predicted: number[]; type?: 'int64' }[];
}

/** Builds one case with names prefixed so that many cases share a graph. */
class CaseBuilder {
  readonly inputs: Case['inputs'] = [];
  readonly initializers: OnnxInitializer[] = [];
  readonly nodes: OnnxNode[] = [];
  private count = 0;
  constructor(private readonly prefix: string) {}
  input(shape: number[]): string {
    const name = `${this.prefix}_in${this.count++}`;
    this.inputs.push({ name, shape });
    return name;
  }
  ints(values: number[]): string {
    const name = `${this.prefix}_c${this.count++}`;
    this.initializers.push({ name, dims: [values.length], data: values, type: 'int64' });
    return name;
  }
  node(opType: string, inputs: string[], outputs = 1, attributes?: OnnxNode['attributes']): string[] {
    const names = Array.from({ length: outputs }, () => `${this.prefix}_v${this.count++}`);
    this.nodes.push({ opType, inputs, outputs: names, attributes });
    return names;
  }
  finish(what: string, outputs: [string, number[]][], type?: 'int64'): Case {
    return {
      what,
      inputs: this.inputs,
      initializers: this.initializers,
      nodes: this.nodes,
      outputs: outputs.map(([name, predicted]) => ({ name, predicted, type })),
    };
  }
}

type Generator = (r: Random, b: CaseBuilder) => Case;

/** A shape that broadcasts to `target`: a suffix of it with some sizes replaced by 1. */
function broadcastPart(r: Random, target: number[]): number[] {
  const keep = r.int(0, target.length);
  return target.slice(target.length - keep).map((s) => (r.chance(0.35) ? 1 : s));
}

const fmt = (s: number[]) => `[${s.join(', ')}]`;

const GENERATORS: Record<string, { count: number; make: Generator }> = {
  'Add/Mul broadcasting': {
    count: 500,
    make: (r, b) => {
      const target = r.shape(0, 5, 1, 4);
      if (r.chance(0.05) && target.length) target[r.int(0, target.length - 1)] = 0;
      let [sa, sb] = [broadcastPart(r, target), broadcastPart(r, target)];
      if (r.chance(0.5)) [sa, sb] = [sb, sa];
      const op = r.pick(['Add', 'Mul', 'Sub', 'Div']);
      const [y] = b.node(op, [b.input(sa), b.input(sb)]);
      const ours = { Add: 'Tensor.__add__', Mul: 'torch.mul', Sub: 'Tensor.__rsub__', Div: 'torch.div' }[op]!;
      // __rsub__(self, other) computes other - self: the operands swap but the shape is symmetric.
      const predicted = shapeOf(call(ours, [t(sa), t(sb)]));
      return b.finish(`${op} ${fmt(sa)} ${fmt(sb)}`, [[y!, predicted]]);
    },
  },
  'Where broadcasting': {
    count: 150,
    make: (r, b) => {
      const target = r.shape(0, 4, 1, 4);
      const [sc, sx, sy] = [broadcastPart(r, target), broadcastPart(r, target), broadcastPart(r, target)];
      const c = b.input(sc);
      const [cond] = b.node('Greater', [c, c]);
      const [y] = b.node('Where', [cond!, b.input(sx), b.input(sy)]);
      return b.finish(`Where ${fmt(sc)} ${fmt(sx)} ${fmt(sy)}`, [[y!, shapeOf(call('torch.where', [t(sc), t(sx), t(sy)]))]]);
    },
  },
  Concat: {
    count: 300,
    make: (r, b) => {
      const base = r.shape(1, 5, 1, 4);
      const axis = r.int(-base.length, base.length - 1);
      const shapes = Array.from({ length: r.int(1, 4) }, () => {
        const s = [...base];
        s[axis < 0 ? axis + base.length : axis] = r.int(0, 4);
        return s;
      });
      // torch skips 1-D empty tensors; ONNX does not: keep the 1-D case non-empty.
      if (base.length === 1) shapes.forEach((s) => (s[0] = Math.max(s[0]!, 1)));
      const [y] = b.node('Concat', shapes.map((s) => b.input(s)), 1, { axis });
      const fn = r.pick(['torch.cat', 'torch.concat']);
      return b.finish(`Concat axis=${axis} ${shapes.map(fmt).join(' ')}`, [[y!, shapeOf(call(fn, [shapes.map(t), axis]))]]);
    },
  },
  Reshape: {
    count: 300,
    make: (r, b) => {
      const input = r.shape(0, 4, 1, 4);
      let n = input.reduce((a, c) => a * c, 1);
      const target: number[] = [];
      while (n > 1 && target.length < 5) {
        const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => d > 1 && n % d === 0);
        const d = r.pick(divisors);
        target.push(d);
        n /= d;
      }
      if (r.chance(0.3)) target.splice(r.int(0, target.length), 0, 1);
      r.shuffle(target);
      if (target.length && r.chance(0.5)) target[r.int(0, target.length - 1)] = -1;
      const [y] = b.node('Reshape', [b.input(input), b.ints(target)], 1, { allowzero: 1 });
      // torch takes sizes as varargs or one tuple; a 0-d target must be the tuple ().
      const sizes: OpValue[] = target.length && r.chance(0.5) ? target : [target];
      const predicted = shapeOf(call(r.chance(0.5) ? 'Tensor.view' : 'Tensor.reshape', [t(input), ...sizes]));
      return b.finish(`Reshape ${fmt(input)} → ${fmt(target)}`, [[y!, predicted]]);
    },
  },
  Transpose: {
    count: 200,
    make: (r, b) => {
      const input = r.shape(0, 5, 1, 5);
      const perm = r.shuffle(input.map((_, i) => i));
      const [y] = b.node('Transpose', [b.input(input)], 1, { perm });
      // Our permute takes negative dims too; ONNX wants them wrapped.
      const ours = perm.map((p) => (r.chance(0.3) ? p - input.length : p));
      const dims: OpValue[] = ours.length && r.chance(0.5) ? ours : [ours];
      return b.finish(`Transpose ${fmt(input)} ${fmt(perm)}`, [[y!, shapeOf(call('Tensor.permute', [t(input), ...dims]))]]);
    },
  },
  Flatten: {
    count: 150,
    make: (r, b) => {
      const input = r.shape(1, 5, 1, 4);
      const axis = r.int(0, input.length);
      const [y] = b.node('Flatten', [b.input(input)], 1, { axis: axis < input.length && r.chance(0.3) ? axis - input.length : axis });
      // ONNX Flatten(axis) = torch: flatten dims [0, axis) and [axis, rank) separately into a matrix.
      let ours: OpValue;
      if (axis === 0) ours = call('Tensor.unsqueeze', [call('torch.flatten', [t(input)]), 0]);
      else if (axis === input.length) ours = call('Tensor.unsqueeze', [call('torch.flatten', [t(input)]), 1]);
      else ours = call('torch.flatten', [call('torch.flatten', [t(input), axis]), 0, axis - 1]);
      return b.finish(`Flatten ${fmt(input)} axis=${axis}`, [[y!, shapeOf(ours)]]);
    },
  },
  'Squeeze/Unsqueeze': {
    count: 300,
    make: (r, b) => {
      const input = r.shape(0, 5, 1, 3);
      if (r.chance(0.5)) {
        const ones = input.map((s, i) => (s === 1 ? i : -1)).filter((i) => i >= 0);
        const axes = ones.filter(() => r.chance(0.5));
        const all = axes.length === 0;
        const x = b.input(input);
        const [y] = all ? b.node('Squeeze', [x]) : b.node('Squeeze', [x, b.ints(axes.map((a) => (r.chance(0.3) ? a - input.length : a)))]);
        let ours: OpValue = t(input);
        if (all) ours = call('torch.squeeze', [ours]);
        else for (const a of [...axes].sort((p, q) => q - p)) ours = call('Tensor.squeeze', [ours, a]);
        return b.finish(`Squeeze ${fmt(input)} ${fmt(axes)}`, [[y!, shapeOf(ours)]]);
      }
      const count = r.int(1, 3);
      const outRank = input.length + count;
      const axes = r.shuffle(Array.from({ length: outRank }, (_, i) => i)).slice(0, count);
      const [y] = b.node('Unsqueeze', [b.input(input), b.ints(axes.map((a) => (r.chance(0.3) ? a - outRank : a)))]);
      let ours: OpValue = t(input);
      for (const a of [...axes].sort((p, q) => p - q)) ours = call('torch.unsqueeze', [ours, a]);
      return b.finish(`Unsqueeze ${fmt(input)} ${fmt(axes)}`, [[y!, shapeOf(ours)]]);
    },
  },
  Slice: {
    count: 500,
    make: (r, b) => {
      const input = r.shape(1, 4, 1, 7);
      const axes = r.shuffle(input.map((_, i) => i)).slice(0, r.int(1, input.length));
      const bound = (size: number): number | null =>
        r.chance(0.2) ? null : r.chance(0.1) ? r.pick([-1000, 1000]) : r.int(-size - 2, size + 2);
      const specs = axes.map((axis) => {
        const size = input[axis]!;
        return { axis, start: bound(size), stop: bound(size), step: r.chance(0.4) ? r.int(1, 4) : null };
      });
      const BIG = 2 ** 40; // ONNX has no "None": a bound past the end clamps the same way.
      const [y] = b.node('Slice', [
        b.input(input),
        b.ints(specs.map((s) => s.start ?? 0)),
        b.ints(specs.map((s) => s.stop ?? BIG)),
        b.ints(specs.map((s) => s.axis)),
        b.ints(specs.map((s) => s.step ?? 1)),
      ]);
      const index: OpValue[] = input.map(() => ({ start: null, stop: null, step: null }));
      for (const s of specs) index[s.axis] = { start: s.start, stop: s.stop, step: s.step };
      const what = `Slice ${fmt(input)} [${index.map((s) => { const o = s as { start: number | null; stop: number | null; step: number | null }; return `${o.start ?? ''}:${o.stop ?? ''}:${o.step ?? ''}`; }).join(', ')}]`;
      return b.finish(what, [[y!, shapeOf(call('Tensor.__getitem__', [t(input), index]))]]);
    },
  },
  Split: {
    count: 200,
    make: (r, b) => {
      const input = r.shape(1, 4, 1, 6);
      const axis = r.int(-input.length, input.length - 1);
      const size = input[axis < 0 ? axis + input.length : axis]!;
      const sizes: number[] = [];
      let left = size;
      while (left > 0) {
        const piece = r.int(1, left);
        sizes.push(piece);
        left -= piece;
      }
      const outs = b.node('Split', [b.input(input), b.ints(sizes)], sizes.length, { axis });
      const ours = call(r.chance(0.5) ? 'torch.split' : 'Tensor.split', [t(input), sizes, axis]) as Tensor[];
      return b.finish(
        `Split ${fmt(input)} ${fmt(sizes)} axis=${axis}`,
        outs.map((name, i) => [name, ours[i] ? shapeOf(ours[i]!) : [-1]] as [string, number[]]),
      );
    },
  },
  Pad: {
    count: 300,
    make: (r, b) => {
      const input = r.shape(1, 5, 1, 6);
      const mode = r.pick(['constant', 'constant', 'reflect', 'edge']);
      const rank = input.length;
      // Our F.pad pads `pairs` trailing dims (reflect/replicate: 1–3 of a 2–5-D input, leaving one or two leading dims).
      const pairs = mode === 'constant' ? r.int(0, rank) : Math.max(1, Math.min(3, rank - r.int(1, 2)));
      if (mode !== 'constant' && (rank < 2 || pairs > rank - 1)) return GENERATORS.Pad!.make(r, b);
      const amounts: number[] = [];
      for (let k = 0; k < pairs; k++) {
        const size = input[rank - 1 - k]!;
        if (mode === 'constant') {
          // Keep every padded size ≥ 1 with each crop fitting on its own (torch's rule is stricter than ONNX's).
          const before = r.int(-Math.floor((size - 1) / 2), 3);
          const after = r.int(-Math.floor((size - 1) / 2), 3);
          amounts.push(before, after);
        } else if (mode === 'reflect') {
          amounts.push(r.int(0, size - 1), r.int(0, size - 1));
        } else {
          amounts.push(r.int(0, 4), r.int(0, 4));
        }
      }
      // ONNX pads: all begins (dim 0 first), then all ends.
      const begins = input.map(() => 0);
      const ends = input.map(() => 0);
      for (let k = 0; k < pairs; k++) {
        begins[rank - 1 - k] = amounts[2 * k]!;
        ends[rank - 1 - k] = amounts[2 * k + 1]!;
      }
      const [y] = b.node('Pad', [b.input(input), b.ints([...begins, ...ends])], 1, { mode });
      const torchMode = mode === 'edge' ? 'replicate' : mode;
      const predicted = shapeOf(call('F.pad', [t(input), amounts], { mode: torchMode }));
      return b.finish(`Pad ${mode} ${fmt(input)} ${fmt(amounts)}`, [[y!, predicted]]);
    },
  },
  'ReduceMean/ReduceSum/ReduceMax': {
    count: 400,
    make: (r, b) => {
      const input = r.shape(1, 5, 1, 4);
      const axes = r.shuffle(input.map((_, i) => i)).slice(0, r.int(1, input.length));
      const onnxAxes = axes.map((a) => (r.chance(0.3) ? a - input.length : a));
      const keepdims = r.chance(0.5) ? 1 : 0;
      const op = r.pick(['ReduceMean', 'ReduceSum', 'ReduceMax']);
      const x = b.input(input);
      // opset 17: ReduceSum takes axes as an input, ReduceMean/ReduceMax as an attribute.
      const [y] = op === 'ReduceSum' ? b.node(op, [x, b.ints(onnxAxes)], 1, { keepdims }) : b.node(op, [x], 1, { axes: onnxAxes, keepdims });
      const ours = { ReduceMean: 'Tensor.mean', ReduceSum: 'torch.sum', ReduceMax: 'Tensor.amax' }[op]!;
      const dim: OpValue = onnxAxes.length === 1 && r.chance(0.5) ? onnxAxes[0]! : onnxAxes;
      return b.finish(`${op} ${fmt(input)} ${fmt(onnxAxes)} keepdims=${keepdims}`, [[y!, shapeOf(call(ours, [t(input), dim], { keepdim: keepdims === 1 }))]]);
    },
  },
  ArgMax: {
    count: 100,
    make: (r, b) => {
      const input = r.shape(1, 4, 1, 5);
      const axis = r.int(-input.length, input.length - 1);
      const keepdims = r.chance(0.5) ? 1 : 0;
      const [y] = b.node(r.pick(['ArgMax', 'ArgMin']), [b.input(input)], 1, { axis, keepdims });
      const predicted = shapeOf(call('Tensor.argmax', [t(input), axis, keepdims === 1]));
      return b.finish(`ArgMax ${fmt(input)} axis=${axis} keepdims=${keepdims}`, [[y!, predicted]], 'int64');
    },
  },
  MatMul: {
    count: 400,
    make: (r, b) => {
      const [n, k, m] = [r.int(1, 4), r.int(1, 4), r.int(1, 4)];
      const batch = r.shape(0, 3, 1, 3);
      const left = r.chance(0.2) ? [k] : [...broadcastPart(r, batch), n, k];
      const right = r.chance(0.2) ? [k] : [...broadcastPart(r, batch), k, m];
      const [y] = b.node('MatMul', [b.input(left), b.input(right)]);
      const name = r.pick(['torch.matmul', 'Tensor.__matmul__', 'Tensor.matmul']);
      return b.finish(`MatMul ${fmt(left)} ${fmt(right)}`, [[y!, shapeOf(call(name, [t(left), t(right)]))]]);
    },
  },
  Expand: {
    count: 200,
    make: (r, b) => {
      const input = r.shape(0, 4, 1, 3).map((s) => (r.chance(0.4) ? 1 : s));
      const lead = r.shape(0, 2, 1, 3);
      const target = [...lead, ...input.map((s) => (s === 1 ? r.int(1, 4) : s))];
      const [y] = b.node('Expand', [b.input(input), b.ints(target)]);
      const ours = input.length && r.chance(0.3) ? [...lead, ...input.map((s, i) => (s === 1 ? target[lead.length + i]! : -1))] : target;
      const sizes: OpValue[] = ours.length && r.chance(0.5) ? ours : [ours];
      return b.finish(`Expand ${fmt(input)} → ${fmt(target)}`, [[y!, shapeOf(call('Tensor.expand', [t(input), ...sizes]))]]);
    },
  },
  Tile: {
    count: 150,
    make: (r, b) => {
      const input = r.shape(1, 4, 1, 3);
      const repeats = input.map(() => r.int(0, 3));
      const [y] = b.node('Tile', [b.input(input), b.ints(repeats)]);
      const ours = r.chance(0.5) ? call('Tensor.repeat', [t(input), ...repeats]) : call('torch.tile', [t(input), repeats]);
      return b.finish(`Tile ${fmt(input)} ${fmt(repeats)}`, [[y!, shapeOf(ours)]]);
    },
  },
  Gather: {
    count: 100,
    make: (r, b) => {
      const input = r.shape(1, 4, 1, 4);
      const axis = r.int(-input.length, input.length - 1);
      const size = input[axis < 0 ? axis + input.length : axis]!;
      const indices = Array.from({ length: r.int(1, 4) }, () => r.int(0, size - 1));
      const [y] = b.node('Gather', [b.input(input), b.ints(indices)], 1, { axis });
      return b.finish(`Gather ${fmt(input)} axis=${axis} ${fmt(indices)}`, [[y!, shapeOf(call('torch.index_select', [t(input), axis, t([indices.length])]))]]);
    },
  },
  Einsum: {
    count: 60,
    make: (r, b) => {
      const [i, j, k, l] = [r.int(1, 4), r.int(1, 4), r.int(1, 4), r.int(1, 3)];
      const forms: [string, number[][]][] = [
        ['bij,bjk->bik', [[l, i, j], [l, j, k]]],
        ['ij,jk', [[i, j], [j, k]]],
        ['bchw,bkhw->bck', [[l, i, j, k], [l, 2, j, k]]],
        ['ii->i', [[i, i]]],
        ['ij->ji', [[i, j]]],
        ['...ij,...jk->...ik', [[l, i, j], [l, j, k]]],
        ['ij,kj->ik', [[i, j], [k, j]]],
        ['i,j->ij', [[i], [j]]],
      ];
      const [equation, shapes] = r.pick(forms);
      const [y] = b.node('Einsum', shapes.map((s) => b.input(s)), 1, { equation });
      return b.finish(`Einsum ${equation} ${shapes.map(fmt).join(' ')}`, [[y!, shapeOf(call('torch.einsum', [equation, ...shapes.map(t)]))]]);
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Running a batch of cases as one graph

const sessionOptions: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' };

function graphOf(cases: readonly Case[]) {
  const valueInfo = (name: string, shape: (number | string)[], type?: 'int64'): OnnxValueInfo => ({ name, shape, type });
  return {
    nodes: cases.flatMap((c) => c.nodes),
    initializers: cases.flatMap((c) => c.initializers),
    inputs: cases.flatMap((c) => c.inputs.map((i) => valueInfo(i.name, i.shape))),
    // Symbolic output dims of our predicted rank: ORT computes the real sizes.
    outputs: cases.flatMap((c) => c.outputs.map((o) => valueInfo(o.name, o.predicted.map((_, d) => `${o.name}_d${d}`), o.type))),
  };
}

function feeds(cases: readonly Case[]): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const c of cases) {
    for (const input of c.inputs) {
      const count = input.shape.reduce((a, b) => a * b, 1);
      out[input.name] = new ort.Tensor('float32', new Float32Array(count), input.shape);
    }
  }
  return out;
}

async function runBatch(cases: readonly Case[]): Promise<string[]> {
  const session = await ort.InferenceSession.create(encodeModel(graphOf(cases)), sessionOptions);
  try {
    const results = await session.run(feeds(cases));
    const problems: string[] = [];
    for (const c of cases) {
      for (const o of c.outputs) {
        const dims = [...results[o.name]!.dims];
        if (JSON.stringify(dims) !== JSON.stringify(o.predicted)) {
          problems.push(`${c.what}: ours ${fmt(o.predicted)}, onnxruntime ${fmt(dims)}`);
        }
      }
    }
    return problems;
  } finally {
    await session.release();
  }
}

let seedOffset = 0;
for (const [family, { count, make }] of Object.entries(GENERATORS)) {
  const familySeed = SEED + 7919 * ++seedOffset;
  test(`onnxruntime agrees on ${count} random ${family} cases`, async () => {
    const r = new Random(familySeed);
    const cases = Array.from({ length: count }, (_, i) => make(r, new CaseBuilder(`k${i}`)));
    const problems = await runBatch(cases);
    assert.equal(problems.length, 0, `${problems.length} of ${count} differ:\n${problems.slice(0, 20).join('\n')}`);
  });
}

// ---------------------------------------------------------------------------------------------
// Shapes both sides must refuse

interface Refusal {
  what: string;
  ours: () => unknown;
  build: (b: CaseBuilder) => void;
}

function refusals(): Refusal[] {
  const r = new Random(SEED ^ 0xbad);
  const list: Refusal[] = [];
  for (let i = 0; i < 12; i++) {
    const a = r.shape(1, 4, 2, 4);
    const bShape = [...a];
    const d = r.int(0, a.length - 1);
    bShape[d] = a[d]! + r.int(1, 2);
    list.push({
      what: `Add ${fmt(a)} ${fmt(bShape)}`,
      ours: () => call('Tensor.__add__', [t(a), t(bShape)]),
      build: (b) => void b.node('Add', [b.input(a), b.input(bShape)]),
    });
    const axis = (d + 1) % a.length;
    if (axis !== d) {
      list.push({
        what: `Concat axis=${axis} ${fmt(a)} ${fmt(bShape)}`,
        ours: () => call('torch.cat', [[t(a), t(bShape)], axis]),
        build: (b) => void b.node('Concat', [b.input(a), b.input(bShape)], 1, { axis }),
      });
    }
    const [n, k, m] = [r.int(1, 4), r.int(1, 4), r.int(1, 4)];
    list.push({
      what: `MatMul ${fmt([n, k])} ${fmt([k + 1, m])}`,
      ours: () => call('torch.matmul', [t([n, k]), t([k + 1, m])]),
      build: (b) => void b.node('MatMul', [b.input([n, k]), b.input([k + 1, m])]),
    });
    const numel = a.reduce((x, y) => x * y, 1);
    const target = [numel + 1];
    list.push({
      what: `Reshape ${fmt(a)} → ${fmt(target)}`,
      ours: () => call('Tensor.reshape', [t(a), ...target]),
      build: (b) => void b.node('Reshape', [b.input(a), b.ints(target)], 1, { allowzero: 1 }),
    });
    const sizes = [1, a[d]!];
    list.push({
      what: `Split ${fmt(a)} ${fmt(sizes)} axis=${d}`,
      ours: () => call('torch.split', [t(a), sizes, d]),
      build: (b) => void b.node('Split', [b.input(a), b.ints(sizes)], 2, { axis: d }),
    });
  }
  return list;
}

test('shapes that onnxruntime refuses are refused by our ops too, with an OpError', async () => {
  const problems: string[] = [];
  for (const refusal of refusals()) {
    const b = new CaseBuilder('bad');
    refusal.build(b);
    const c = b.finish(refusal.what, b.nodes.flatMap((n) => n.outputs.map((o) => [o, [0]] as [string, number[]])));
    let ortRefused = false;
    try {
      // Quiet: these failures are expected.
      const session = await ort.InferenceSession.create(encodeModel(graphOf([c])), { ...sessionOptions, logSeverityLevel: 4 });
      try {
        await session.run(feeds([c]));
      } catch {
        ortRefused = true;
      }
      await session.release();
    } catch {
      ortRefused = true;
    }
    let oursRefused = false;
    try {
      refusal.ours();
    } catch (e) {
      assert.ok(e instanceof OpError, `${refusal.what}: ${String(e)}`);
      oursRefused = true;
    }
    if (!ortRefused || !oursRefused) problems.push(`${refusal.what}: onnxruntime refused ${ortRefused}, ours refused ${oursRefused}`);
  }
  assert.equal(problems.length, 0, problems.join('\n'));
});
