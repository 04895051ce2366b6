// PixelShuffle / PixelUnshuffle / ChannelShuffle and their functional forms (torch 1.13 ATen
// checks). Shuffle r: [*, C·r², H, W] → [*, C, H·r, W·r]; unshuffle the inverse.

import { pixelShuffleAxis, pixelUnshuffleAxis, spatialGeometry } from '../geometry';
import { ArgReader, formatShape, invalid, makeTensor, sameGeometry } from './layerArgs';
import { OpError, type FunctionSpec, type ModuleSpec, type OpArgs, type OpResult, type Tensor } from './types';

export function pixelShuffleForward(opName: string, factor: number, input: Tensor): OpResult {
  if (input.shape.length < 3) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects an input with at least 3 dimensions (*, C, H, W), but got ${input.shape.length} dimension(s): shape ${formatShape(input.shape)}`,
    );
  }
  if (factor <= 0) throw invalid(`${opName} expects a positive upscale_factor, but got ${factor}`);
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  const square = factor * factor;
  if (c % square !== 0) {
    throw new OpError(
      'channel-mismatch',
      `${opName} expects the channel dimension to be divisible by upscale_factor² = ${square}, but it has ${c} channels (input shape ${formatShape(input.shape)})`,
    );
  }
  const shape = [...input.shape.slice(0, -3), c / square, h * factor, w * factor];
  const geometry = spatialGeometry(input, 2).map((g) => pixelShuffleAxis(g, factor));
  return { value: makeTensor(shape, geometry), macs: 0, geometry: { scale: [factor, factor] } };
}

export function pixelUnshuffleForward(opName: string, factor: number, input: Tensor): OpResult {
  if (input.shape.length < 3) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects an input with at least 3 dimensions (*, C, H, W), but got ${input.shape.length} dimension(s): shape ${formatShape(input.shape)}`,
    );
  }
  if (factor <= 0) throw invalid(`${opName} expects a positive downscale_factor, but got ${factor}`);
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  for (const [what, size] of [['height', h], ['width', w]] as const) {
    if (size % factor !== 0) {
      throw new OpError(
        'shape-mismatch',
        `${opName} expects ${what} to be divisible by downscale_factor ${factor}, but it is ${size} (input shape ${formatShape(input.shape)})`,
      );
    }
  }
  const shape = [...input.shape.slice(0, -3), c * factor * factor, h / factor, w / factor];
  const geometry = spatialGeometry(input, 2).map((g) => pixelUnshuffleAxis(g, factor));
  return {
    value: makeTensor(shape, geometry),
    macs: 0,
    geometry: { kernel: [factor, factor], stride: [factor, factor], scale: [1 / factor, 1 / factor] },
  };
}

export function channelShuffleForward(opName: string, groups: number, input: Tensor): OpResult {
  if (input.shape.length < 3) {
    throw new OpError('shape-mismatch', `${opName} expects an input with at least 3 dimensions, but got shape ${formatShape(input.shape)}`);
  }
  if (groups <= 0) throw invalid(`${opName}: number of groups to divide channels in must be positive, got ${groups}`);
  const c = input.shape[1]!;
  if (c % groups !== 0) {
    throw new OpError('channel-mismatch', `${opName}: the number of channels (${c}) must be divisible by groups (${groups}) (input shape ${formatShape(input.shape)})`);
  }
  return { value: sameGeometry(input), macs: 0 };
}

function factorModule(
  name: string,
  param: string,
  forward: (opName: string, factor: number, input: Tensor) => OpResult,
  describe: (f: number) => string,
): ModuleSpec<{ factor: number }> {
  return {
    name,
    signature: param,
    build: (args) => ({ factor: new ArgReader(name, args).int(param) }),
    params: () => 0,
    forwardSignature: 'input',
    forward: (c, args) => forward(name, c.factor, new ArgReader(name, args).tensor('input')),
    describe: (c) => describe(c.factor),
  };
}

export const pixelShuffleModules: readonly ModuleSpec<{ factor: number }>[] = [
  factorModule('PixelShuffle', 'upscale_factor', pixelShuffleForward, (f) => `×${f}`),
  factorModule('PixelUnshuffle', 'downscale_factor', pixelUnshuffleForward, (f) => `÷${f}`),
  factorModule('ChannelShuffle', 'groups', channelShuffleForward, (g) => `groups=${g}`),
];

function factorFunction(
  name: string,
  signature: string,
  param: string,
  forward: (opName: string, factor: number, input: Tensor) => OpResult,
): FunctionSpec {
  return {
    name,
    signature,
    apply: (args: OpArgs) => {
      const r = new ArgReader(name, args);
      return forward(name, r.int(param), r.tensor('input'));
    },
  };
}

export const pixelShuffleFunctions: readonly FunctionSpec[] = [
  factorFunction('F.pixel_shuffle', 'input, upscale_factor', 'upscale_factor', pixelShuffleForward),
  factorFunction('F.pixel_unshuffle', 'input, downscale_factor', 'downscale_factor', pixelUnshuffleForward),
  factorFunction('torch.pixel_shuffle', 'input, upscale_factor', 'upscale_factor', pixelShuffleForward),
  factorFunction('torch.pixel_unshuffle', 'input, downscale_factor', 'downscale_factor', pixelUnshuffleForward),
  factorFunction('F.channel_shuffle', 'input, groups', 'groups', channelShuffleForward),
  factorFunction('torch.channel_shuffle', 'input, groups', 'groups', channelShuffleForward),
];
