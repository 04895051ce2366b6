// F.grid_sample and F.affine_grid (spatial transformers, flow warping; torch 1.13 checks and
// messages). grid_sample reads input [N, C, *in] at the positions a grid [N, *out, k] holds
// (k = 2 for 4-D input, 3 for 5-D) and gives [N, C, *out]. Where it reads depends on the grid's
// values, so the result has no receptive-field geometry; no MACs (DESIGN.md counts only
// multiply-accumulates of weights).

import { ArgReader, formatShape, invalid, makeTensor } from './layerArgs';
import { OpError, type FunctionSpec, type OpArgs, type OpResult } from './types';

const MODES = new Set(['bilinear', 'nearest', 'bicubic']);
const PADDING_MODES = new Set(['zeros', 'border', 'reflection']);

function gridSample(args: OpArgs): OpResult {
  const r = new ArgReader('F.grid_sample', args);
  const input = r.tensor('input');
  const grid = r.tensor('grid');
  const mode = r.string('mode', 'bilinear');
  const paddingMode = r.string('padding_mode', 'zeros');
  if (!MODES.has(mode)) {
    throw invalid(`F.grid_sample: nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${mode}'`);
  }
  if (!PADDING_MODES.has(paddingMode)) {
    throw invalid(`F.grid_sample: nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${paddingMode}'`);
  }
  const inShape = input.shape;
  const gridShape = grid.shape;
  const sizes = `input with sizes ${formatShape(inShape)} and grid with sizes ${formatShape(gridShape)}`;
  if (inShape[0] !== gridShape[0]) {
    throw new OpError('shape-mismatch', `F.grid_sample: grid_sampler(): expected grid and input to have same batch size, but got ${sizes}`);
  }
  const rank = inShape.length;
  if (gridShape.length !== rank || (rank !== 4 && rank !== 5)) {
    throw new OpError('shape-mismatch', `F.grid_sample: grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got ${sizes}`);
  }
  const k = rank - 2;
  if (gridShape[rank - 1] !== k) {
    throw new OpError('shape-mismatch', `F.grid_sample: grid_sampler(): expected grid to have size ${k} in last dimension, but got grid with sizes ${formatShape(gridShape)}`);
  }
  const empty = inShape.indexOf(0, 2);
  if (empty !== -1) {
    throw new OpError('shape-mismatch', `F.grid_sample: grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes ${formatShape(inShape)} with dimension ${empty} being empty`);
  }
  if (mode === 'bicubic' && rank !== 4) throw invalid('F.grid_sample: grid_sampler(): bicubic interpolation only supports 4D input');
  return { value: makeTensor([inShape[0]!, inShape[1]!, ...gridShape.slice(1, rank - 1)], null), macs: 0 };
}

function affineGrid(args: OpArgs): OpResult {
  const r = new ArgReader('F.affine_grid', args);
  const theta = r.tensor('theta');
  const size = r.intList('size');
  if (size.length !== 4 && size.length !== 5) {
    throw new OpError(
      'unsupported',
      `F.affine_grid: affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${formatShape(size)}.`,
    );
  }
  const k = size.length - 2;
  const t = theta.shape;
  if (t.length !== 3 || t[1] !== k || t[2] !== k + 1) {
    throw new OpError(
      'shape-mismatch',
      `F.affine_grid: Expected a batch of ${k}D affine matrices of shape Nx${k}x${k + 1} for size ${formatShape(size)}. Got torch.Size(${formatShape(t)}).`,
    );
  }
  if (size.some((s) => s <= 0)) throw invalid(`F.affine_grid: Expected non-zero, positive output size. Got ${formatShape(size)}`);
  if (t[0] !== size[0]) {
    throw new OpError('shape-mismatch', `F.affine_grid: Expected size for first two dimensions of batch2 tensor to be: [${size[0]}, ${k + 1}] but got: [${t[0]}, ${k + 1}].`);
  }
  return { value: makeTensor([size[0]!, ...size.slice(2), k], null), macs: 0 };
}

export const gridSampleFunctions: readonly FunctionSpec[] = [
  { name: 'F.grid_sample', signature: "input, grid, mode='bilinear', padding_mode='zeros', align_corners=None", apply: gridSample },
  { name: 'F.affine_grid', signature: 'theta, size, align_corners=None', apply: affineGrid },
];
