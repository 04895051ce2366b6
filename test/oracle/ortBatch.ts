// Runs many independent single-op graphs through onnxruntime-node at once: each case becomes its
// own input → node(s) → output chain inside one model, so thousands of configurations cost a few
// sessions. A batch that ORT refuses is bisected to name the configurations it refuses.

import { env, InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';

import { encodeModel, type OnnxInitializer, type OnnxNode } from '../../webview/src/onnx/modelProto';

export interface OrtCase {
  /** Readable configuration, shown when the case fails. */
  label: string;
  inputShape: readonly number[];
  /** Nodes reading `x` and writing `y`, with their initializers; names must be prefixed by `id`. */
  graph: (x: string, y: string, id: string) => { nodes: OnnxNode[]; initializers?: OnnxInitializer[] };
  /** Input values (default zeros). */
  input?: Float32Array;
}

export type OrtOutcome = { dims: number[]; data: Float32Array } | { error: string };

const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  logSeverityLevel: 3,
  graphOptimizationLevel: 'basic',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
};

// Refused configurations are expected while bisecting; their messages come back as outcomes.
env.logLevel = 'fatal';

async function runTogether(cases: readonly OrtCase[]): Promise<OrtOutcome[]> {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const feeds: Record<string, OrtTensor> = {};
  const inputs = cases.map((c, i) => {
    const part = c.graph(`x${i}`, `y${i}`, `c${i}_`);
    nodes.push(...part.nodes);
    initializers.push(...(part.initializers ?? []));
    const size = c.inputShape.reduce((a, b) => a * b, 1);
    feeds[`x${i}`] = new OrtTensor('float32', c.input ?? new Float32Array(size), [...c.inputShape]);
    return { name: `x${i}`, shape: c.inputShape };
  });
  // Symbolic output dims: ORT reports what it computes, unbiased by a declared shape.
  const outputs = cases.map((c, i) => ({ name: `y${i}`, shape: c.inputShape.map((_, d) => `y${i}_${d}`) }));
  const session = await InferenceSession.create(encodeModel({ nodes, initializers, inputs, outputs }), SESSION_OPTIONS);
  try {
    const result = await session.run(feeds, { logSeverityLevel: 4 });
    return cases.map((_, i) => {
      const y = result[`y${i}`]!;
      return { dims: y.dims.map(Number), data: y.data as Float32Array };
    });
  } finally {
    await session.release();
  }
}

/** Runs the cases in batches; a failing batch is split until the failing cases are alone. */
export async function runOrtCases(cases: readonly OrtCase[], batchSize = 200): Promise<OrtOutcome[]> {
  const out: OrtOutcome[] = [];
  const attempt = async (slice: readonly OrtCase[]): Promise<OrtOutcome[]> => {
    try {
      return await runTogether(slice);
    } catch (e) {
      if (slice.length === 1) return [{ error: e instanceof Error ? e.message.split('\n')[0]! : String(e) }];
      const half = Math.ceil(slice.length / 2);
      return [...(await attempt(slice.slice(0, half))), ...(await attempt(slice.slice(half)))];
    }
  };
  for (let i = 0; i < cases.length; i += batchSize) out.push(...(await attempt(cases.slice(i, i + batchSize))));
  return out;
}

export function ones(name: string, dims: readonly number[]): OnnxInitializer {
  return { name, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(1) };
}
