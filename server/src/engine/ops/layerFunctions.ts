// The functional forms of the layers (F.conv2d, F.max_pool2d, F.interpolate, F.relu,
// torch.sigmoid, ...), keyed by the name the interpreter resolves a call to. Tensor functions
// (torch.cat, view, F.pad, ...) live in functionRegistry.ts.

import { activationFunctions } from './activation';
import { adaptivePoolFunctions } from './adaptivePool';
import { functionalConv } from './conv';
import { functionalConvTranspose } from './convTranspose';
import { functionalEmbedding } from './embedding';
import { gridSampleFunctions } from './gridSample';
import { im2colFunctions } from './im2col';
import { functionalBilinear, functionalLinear } from './linear';
import { lossFunctions } from './loss';
import {
  functionalBatchNorm,
  functionalGroupNorm,
  functionalInstanceNorm,
  functionalLayerNorm,
  functionalLocalResponseNorm,
  functionalNormalize,
} from './norm';
import { pixelShuffleFunctions } from './pixelShuffle';
import { poolFunctions } from './pool';
import { resizeFunctions } from './resize';
import { byName } from './tensorOpsCommon';
import type { FunctionSpec } from './types';
import { unpoolFunctions } from './unpool';

const CONV = 'input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1';
const CONV_T = 'input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1';

const convFunctions: FunctionSpec[] = ([1, 2, 3] as const).flatMap((nd) => [
  { name: `F.conv${nd}d`, signature: CONV, apply: (args) => functionalConv(nd, args) },
  { name: `torch.conv${nd}d`, signature: CONV, apply: (args) => functionalConv(nd, args, `torch.conv${nd}d`) },
  { name: `F.conv_transpose${nd}d`, signature: CONV_T, apply: (args) => functionalConvTranspose(nd, args) },
  { name: `torch.conv_transpose${nd}d`, signature: CONV_T, apply: (args) => functionalConvTranspose(nd, args, `torch.conv_transpose${nd}d`) },
]);

const otherFunctions: FunctionSpec[] = [
  { name: 'F.linear', signature: 'input, weight, bias=None', apply: functionalLinear },
  { name: 'F.bilinear', signature: 'input1, input2, weight, bias=None', apply: functionalBilinear },
  {
    name: 'F.batch_norm',
    signature: 'input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05',
    apply: functionalBatchNorm,
  },
  {
    name: 'F.instance_norm',
    signature: 'input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-05',
    apply: functionalInstanceNorm,
  },
  { name: 'F.layer_norm', signature: 'input, normalized_shape, weight=None, bias=None, eps=1e-05', apply: functionalLayerNorm },
  { name: 'F.group_norm', signature: 'input, num_groups, weight=None, bias=None, eps=1e-05', apply: functionalGroupNorm },
  { name: 'F.local_response_norm', signature: 'input, size, alpha=0.0001, beta=0.75, k=1.0', apply: functionalLocalResponseNorm },
  { name: 'F.normalize', signature: 'input, p=2.0, dim=1, eps=1e-12, out=None', apply: functionalNormalize },
  {
    name: 'F.embedding',
    signature: 'input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False',
    apply: functionalEmbedding,
  },
];


export const layerFunctionSpecs: ReadonlyMap<string, FunctionSpec> = byName([
  ...convFunctions,
  ...otherFunctions,
  ...lossFunctions,
  ...activationFunctions,
  ...poolFunctions,
  ...adaptivePoolFunctions,
  ...unpoolFunctions,
  ...resizeFunctions,
  ...pixelShuffleFunctions,
  ...im2colFunctions,
  ...gridSampleFunctions,
]);
