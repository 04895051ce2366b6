// Recurrent layers as TF.js builds them: simpleRNN, lstm, gru (gates 1, 4, 3: each gate has a
// kernel [in, units], a recurrent kernel [units, units] and a bias), their cells, stackedRNNCells
// and rnn({cell}) (cells stacked, each reading the previous one's units), convLstm2d (4 gates of
// convolutions over the input and over the state), and the wrappers bidirectional (two copies of
// the layer, merged by mergeMode) and timeDistributed (the layer on every time step); and dot.
// Outputs: the sequence or the last step, then with returnState the states (LSTM: h and c).

import {
  DATA_FORMATS,
  LayerRef,
  convOutputLength,
  fail,
  product,
  shapeText,
  type ConfigReader,
  type LayerResult,
  type TfLayerSpec,
  type TfTensor,
} from './spec';

type CellKind = 'SimpleRNN' | 'LSTM' | 'GRU';
const GATES: Record<CellKind, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };
const STATES: Record<CellKind, number> = { SimpleRNN: 1, LSTM: 2, GRU: 1 };

interface Cell {
  kind: CellKind;
  units: number;
  useBias: boolean;
}

interface CellsConfig {
  cells: Cell[];
}

interface RnnConfig extends CellsConfig {
  returnSequences: boolean;
  returnState: boolean;
}

/** Cell specs, so rnn({cell}) and stackedRNNCells know a cell when they see one. */
const CELL_SPECS = new WeakSet<TfLayerSpec>();

function readCell(c: ConfigReader, kind: CellKind): Cell {
  return { kind, units: c.int('units'), useBias: c.bool('useBias', true) };
}

function cellParams(cell: Cell, inputDim: number): number {
  return GATES[cell.kind] * (cell.units * (inputDim + cell.units) + (cell.useBias ? cell.units : 0));
}

function stateCount(cells: Cell[]): number {
  return cells.reduce((n, c) => n + STATES[c.kind], 0);
}

/** The weights and per-step MACs of stacked cells over inputs of `inputDim` features. */
function stackCounts(cells: Cell[], inputDim: number): { params: number; macsPerStep: number } {
  let params = 0;
  let macsPerStep = 0;
  let dim = inputDim;
  for (const cell of cells) {
    params += cellParams(cell, dim);
    macsPerStep += GATES[cell.kind] * cell.units * (dim + cell.units);
    dim = cell.units;
  }
  return { params, macsPerStep };
}

/** The cells a `cell` config entry gives: one cell, a stack of them, or an array. */
function cellsOf(c: ConfigReader, name: string): Cell[] {
  const v = c.get(name);
  const refs = Array.isArray(v) ? v : [v];
  const cells: Cell[] = [];
  for (const r of refs) {
    if (!(r instanceof LayerRef) || !CELL_SPECS.has(r.spec)) fail('invalid-argument', `${c.factory}: \`${name}\` must be an RNN cell or an array of cells`);
    if (r.problem) c.layer(name); // throws with the reason
    cells.push(...(r.config as CellsConfig).cells);
  }
  if (!cells.length) fail('invalid-argument', `${c.factory}: \`${name}\` holds no cells`);
  return cells;
}

function sequenceInput(className: string, inputs: TfTensor[]): TfTensor {
  const x = inputs[0];
  if (!x || x.shape.length !== 3) fail('shape-mismatch', `${className} expects a rank-3 input [batch, time, features], got ${x ? shapeText(x.shape, x.batchSymbolic) : 'none'}`);
  return x;
}

function recurrentResult(className: string, cfg: RnnConfig, inputs: TfTensor[]): LayerResult {
  const x = sequenceInput(className, inputs);
  const [batch, steps, features] = x.shape as [number, number, number];
  const units = cfg.cells[cfg.cells.length - 1]!.units;
  const { params, macsPerStep } = stackCounts(cfg.cells, features);
  const t = (shape: number[]): TfTensor => ({ shape, geometry: null, batchSymbolic: x.batchSymbolic });
  const outputs = [t(cfg.returnSequences ? [batch, steps, units] : [batch, units])];
  if (cfg.returnState) for (const cell of cfg.cells) for (let k = 0; k < STATES[cell.kind]; k++) outputs.push(t([batch, cell.units]));
  return {
    outputs,
    params,
    macs: batch * steps * macsPerStep,
    geometry: null,
    args: `${features}→${units}${cfg.returnSequences ? ', sequences' : ''}${cfg.returnState ? ', states' : ''}`,
  };
}

function recurrent(kind: CellKind): TfLayerSpec<RnnConfig> {
  return {
    className: kind,
    configure: (c) => ({ cells: [readCell(c, kind)], returnSequences: c.bool('returnSequences', false), returnState: c.bool('returnState', false) }),
    outputCount: (cfg) => (cfg.returnState ? 1 + stateCount(cfg.cells) : 1),
    apply: (cfg, inputs) => recurrentResult(kind, cfg, inputs),
  };
}

const rnn: TfLayerSpec<RnnConfig> = {
  className: 'RNN',
  configure: (c) => ({ cells: cellsOf(c, 'cell'), returnSequences: c.bool('returnSequences', false), returnState: c.bool('returnState', false) }),
  outputCount: (cfg) => (cfg.returnState ? 1 + stateCount(cfg.cells) : 1),
  apply: (cfg, inputs) => recurrentResult('RNN', cfg, inputs),
};

/** A cell applied on its own: one step, [batch, features] (and its states) → [batch, units]. */
function cellSpec(className: string, configure: (c: ConfigReader) => CellsConfig): TfLayerSpec<CellsConfig> {
  const spec: TfLayerSpec<CellsConfig> = {
    className,
    configure,
    multiInput: true,
    apply(cfg, inputs): LayerResult {
      const x = inputs[0];
      if (!x || x.shape.length !== 2) fail('shape-mismatch', `${className} expects a rank-2 input [batch, features], got ${x ? shapeText(x.shape, x.batchSymbolic) : 'none'}`);
      const units = cfg.cells[cfg.cells.length - 1]!.units;
      const { params, macsPerStep } = stackCounts(cfg.cells, x.shape[1]!);
      return { outputs: [{ shape: [x.shape[0]!, units], geometry: null, batchSymbolic: x.batchSymbolic }], params, macs: x.shape[0]! * macsPerStep, geometry: null, args: `${x.shape[1]}→${units}` };
    },
  };
  CELL_SPECS.add(spec as TfLayerSpec);
  return spec;
}

interface ConvLstmConfig {
  filters: number;
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: 'same' | 'valid';
  useBias: boolean;
  returnSequences: boolean;
  returnState: boolean;
}

const convLstm2d: TfLayerSpec<ConvLstmConfig> = {
  className: 'ConvLSTM2D',
  configure(c) {
    if (c.str('dataFormat', 'channelsLast', DATA_FORMATS) !== 'channelsLast') fail('invalid-argument', 'convLstm2d: ConvLens models channelsLast only');
    return {
      filters: c.int('filters'),
      kernel: c.ints('kernelSize', 2),
      strides: c.ints('strides', 2, 1),
      dilation: c.ints('dilationRate', 2, 1),
      padding: c.str('padding', 'valid', ['valid', 'same'] as const),
      useBias: c.bool('useBias', true),
      returnSequences: c.bool('returnSequences', false),
      returnState: c.bool('returnState', false),
    };
  },
  outputCount: (cfg) => (cfg.returnState ? 3 : 1),
  apply(cfg, inputs): LayerResult {
    const x = inputs[0];
    if (!x || x.shape.length !== 5) fail('shape-mismatch', `ConvLSTM2D expects a rank-5 input [batch, time, rows, cols, channels], got ${x ? shapeText(x.shape, x.batchSymbolic) : 'none'}`);
    const [batch, steps, h, w, channels] = x.shape as [number, number, number, number, number];
    const oh = convOutputLength(h, cfg.kernel[0]!, cfg.padding, cfg.strides[0]!, cfg.dilation[0]);
    const ow = convOutputLength(w, cfg.kernel[1]!, cfg.padding, cfg.strides[1]!, cfg.dilation[1]);
    if (oh <= 0 || ow <= 0) fail('shape-mismatch', `ConvLSTM2D: the kernel ${cfg.kernel.join('×')} is larger than the input ${h}×${w}`);
    const window = product(cfg.kernel);
    const f = cfg.filters;
    const frame = [oh, ow, f];
    const t = (shape: number[]): TfTensor => ({ shape, geometry: null, batchSymbolic: x.batchSymbolic });
    const outputs = [t(cfg.returnSequences ? [batch, steps, ...frame] : [batch, ...frame])];
    if (cfg.returnState) outputs.push(t([batch, ...frame]), t([batch, ...frame]));
    return {
      outputs,
      params: 4 * (window * channels * f + window * f * f + (cfg.useBias ? f : 0)),
      macs: batch * steps * 4 * oh * ow * f * window * (channels + f),
      geometry: null,
      args: `${channels}→${f}, k=${cfg.kernel.join('×')}`,
    };
  },
};

type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

interface WrapperConfig {
  layer: LayerRef;
  mergeMode: MergeMode;
}

function innerResult(className: string, ref: LayerRef, inputs: TfTensor[]): LayerResult {
  try {
    return ref.spec.apply(ref.config, inputs);
  } catch (e) {
    if (e instanceof Error) e.message = `${className}: ${e.message}`;
    throw e;
  }
}

const bidirectional: TfLayerSpec<WrapperConfig> = {
  className: 'Bidirectional',
  configure(c) {
    const layer = c.layer('layer');
    const mode = c.get('mergeMode');
    if (mode !== undefined && mode !== null && !['concat', 'sum', 'mul', 'ave'].includes(mode as string)) {
      fail('invalid-argument', `bidirectional: \`mergeMode\` must be one of 'concat', 'sum', 'mul', 'ave' or null, got ${String(mode)}`);
    }
    return { layer, mergeMode: mode === undefined ? 'concat' : (mode as MergeMode) };
  },
  outputCount(cfg) {
    const n = cfg.layer.spec.outputCount?.(cfg.layer.config) ?? 1;
    return (cfg.mergeMode === null ? 2 : 1) + 2 * (n - 1);
  },
  apply(cfg, inputs): LayerResult {
    const r = innerResult('Bidirectional', cfg.layer, inputs.slice(0, 1));
    const [y, ...states] = r.outputs;
    const merged = cfg.mergeMode === 'concat' ? [{ ...y!, shape: [...y!.shape.slice(0, -1), 2 * y!.shape[y!.shape.length - 1]!] }] : cfg.mergeMode === null ? [y!, y!] : [y!];
    return {
      outputs: [...merged, ...states, ...states],
      params: 2 * r.params,
      macs: 2 * r.macs,
      geometry: null,
      args: `${cfg.layer.spec.className}, ${cfg.mergeMode ?? 'no merge'}`,
    };
  },
};

const timeDistributed: TfLayerSpec<WrapperConfig> = {
  className: 'TimeDistributed',
  configure: (c) => ({ layer: c.layer('layer'), mergeMode: null }),
  apply(cfg, inputs): LayerResult {
    const x = inputs[0];
    if (!x || x.shape.length < 3) fail('shape-mismatch', `TimeDistributed expects an input of rank 3 or more [batch, time, …], got ${x ? shapeText(x.shape, x.batchSymbolic) : 'none'}`);
    const [batch, steps] = x.shape as [number, number];
    const r = innerResult('TimeDistributed', cfg.layer, [{ ...x, shape: [batch, ...x.shape.slice(2)] }]);
    return {
      outputs: r.outputs.map((o) => ({ ...o, shape: [o.shape[0]!, steps, ...o.shape.slice(1)] })),
      params: r.params,
      macs: steps * r.macs,
      geometry: r.geometry,
      window: r.window,
      args: `${cfg.layer.spec.className}${r.args ? ` (${r.args})` : ''}`,
    };
  },
};

const dot: TfLayerSpec<{ axes: number | [number, number] }> = {
  className: 'Dot',
  multiInput: true,
  configure(c) {
    const v = c.get('axes');
    if (typeof v === 'number' && Number.isInteger(v)) return { axes: v };
    if (Array.isArray(v) && v.length === 2 && v.every((a) => typeof a === 'number' && Number.isInteger(a))) return { axes: v as [number, number] };
    return fail('invalid-argument', 'dot: `axes` must be an integer or an array of two integers');
  },
  apply(cfg, inputs): LayerResult {
    if (inputs.length !== 2) fail('shape-mismatch', `Dot takes two inputs, got ${inputs.length}`);
    const [a, b] = inputs as [TfTensor, TfTensor];
    const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
    const [ax, bx] = typeof cfg.axes === 'number' ? [norm(cfg.axes, a.shape.length), norm(cfg.axes, b.shape.length)] : [norm(cfg.axes[0], a.shape.length), norm(cfg.axes[1], b.shape.length)];
    if (ax < 1 || ax >= a.shape.length || bx < 1 || bx >= b.shape.length) fail('invalid-argument', `Dot: axes ${String(cfg.axes)} are out of range for ${shapeText(a.shape, a.batchSymbolic)} and ${shapeText(b.shape, b.batchSymbolic)}`);
    if (a.shape[ax] !== b.shape[bx]) {
      fail('shape-mismatch', `Dot: dimension ${ax} of ${shapeText(a.shape, a.batchSymbolic)} (${a.shape[ax]}) and dimension ${bx} of ${shapeText(b.shape, b.batchSymbolic)} (${b.shape[bx]}) differ`);
    }
    const rest = [...a.shape.slice(1).filter((_, i) => i + 1 !== ax), ...b.shape.slice(1).filter((_, i) => i + 1 !== bx)];
    const shape = [a.shape[0]!, ...(rest.length ? rest : [1])];
    return { outputs: [{ shape, geometry: null, batchSymbolic: a.batchSymbolic }], params: 0, macs: product(shape) * a.shape[ax]!, geometry: null, args: `axes ${ax}, ${bx}` };
  },
};

export const RECURRENT_LAYERS: Record<string, TfLayerSpec> = {
  simpleRNN: recurrent('SimpleRNN') as TfLayerSpec,
  lstm: recurrent('LSTM') as TfLayerSpec,
  gru: recurrent('GRU') as TfLayerSpec,
  rnn: rnn as TfLayerSpec,
  simpleRNNCell: cellSpec('SimpleRNNCell', (c) => ({ cells: [readCell(c, 'SimpleRNN')] })) as TfLayerSpec,
  lstmCell: cellSpec('LSTMCell', (c) => ({ cells: [readCell(c, 'LSTM')] })) as TfLayerSpec,
  gruCell: cellSpec('GRUCell', (c) => ({ cells: [readCell(c, 'GRU')] })) as TfLayerSpec,
  stackedRNNCells: cellSpec('StackedRNNCells', (c) => ({ cells: cellsOf(c, 'cells') })) as TfLayerSpec,
  convLstm2d: convLstm2d as TfLayerSpec,
  bidirectional: bidirectional as TfLayerSpec,
  timeDistributed: timeDistributed as TfLayerSpec,
  dot: dot as TfLayerSpec,
};
