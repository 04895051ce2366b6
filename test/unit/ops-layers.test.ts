// The layer catalogue, family by family: shapes, params, MACs, geometry and errors, checked
// against published torch facts (the shape examples of the torch 1.13 docs), the shared fixture
// expectations (per-layer shapes, MACs, rf and jump of ResNet, FCN, DCGAN, VAE and UNet, rebuilt
// here layer by layer from the fixture model code), and torch's own rules for invalid arguments.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

import { mergeGeometry } from '../../server/src/engine/geometry';
import { flattenForward } from '../../server/src/engine/ops/flatten';
import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { paddedShape } from '../../server/src/engine/ops/padding';
import { OpError, type AxisGeometry, type OpArgs, type OpErrorCode, type OpResult, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { format, parse } from '../../server/src/engine/rational';

// ---------------------------------------------------------------------------------------------
// helpers

const t = (shape: number[], geometry: readonly AxisGeometry[] | null = null): Tensor => ({ kind: 'tensor', shape, geometry });
const geo = (rf: number | string, jump: number | string, n = 2): AxisGeometry[] =>
  Array.from({ length: n }, () => ({ rf: parse(rf), jump: parse(jump) }));

function spec(name: string) {
  const s = moduleSpecs.get(name);
  assert.ok(s, `no module spec ${name}`);
  return s;
}

function build(name: string, args: OpArgs) {
  const s = spec(name);
  const config = s.build(args);
  return { spec: s, config, params: s.params(config), describe: s.describe(config) };
}

function run(name: string, args: OpArgs, input: Tensor, forwardArgs: OpArgs = {}): OpResult & { out: Tensor; params: number } {
  const b = build(name, args);
  const result = b.spec.forward(b.config, { input, ...forwardArgs });
  return { ...result, out: result.value as Tensor, params: b.params };
}

function fn(name: string, args: OpArgs): OpResult {
  const f = layerFunctionSpecs.get(name);
  assert.ok(f, `no function spec ${name}`);
  return f.apply(args);
}

const shape = (r: { value: OpValue }): number[] => [...(r.value as Tensor).shape];
const axes = (x: Tensor): string[] => (x.geometry ?? []).map((g) => `${format(g.rf)}@${format(g.jump)}`);

function throwsOp(f: () => unknown, code: OpErrorCode, message: RegExp | string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof OpError, `expected an OpError, got ${String(e)}`);
    assert.equal(e.code, code, `code of "${e.message}"`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// registry

describe('module registry', () => {
  test('signatures are torch 1.13’s __init__ and forward parameter lists', () => {
    const expected: Record<string, [string, string]> = {
      Conv2d: [
        "in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None",
        'input',
      ],
      ConvTranspose2d: [
        "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None",
        'input, output_size=None',
      ],
      Linear: ['in_features, out_features, bias=True, device=None, dtype=None', 'input'],
      BatchNorm2d: ['num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None', 'input'],
      InstanceNorm2d: ['num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None', 'input'],
      GroupNorm: ['num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None', 'input'],
      LayerNorm: ['normalized_shape, eps=1e-05, elementwise_affine=True, device=None, dtype=None', 'input'],
      MaxPool2d: ['kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False', 'input'],
      AvgPool2d: ['kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None', 'input'],
      AvgPool1d: ['kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True', 'input'],
      AdaptiveMaxPool2d: ['output_size, return_indices=False', 'input'],
      MaxUnpool2d: ['kernel_size, stride=None, padding=0', 'input, indices, output_size=None'],
      Upsample: ["size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None", 'input'],
      UpsamplingBilinear2d: ['size=None, scale_factor=None', 'input'],
      PixelShuffle: ['upscale_factor', 'input'],
      PixelUnshuffle: ['downscale_factor', 'input'],
      Flatten: ['start_dim=1, end_dim=-1', 'input'],
      Unflatten: ['dim, unflattened_size', 'input'],
      LeakyReLU: ['negative_slope=0.01, inplace=False', 'input'],
      PReLU: ['num_parameters=1, init=0.25, device=None, dtype=None', 'input'],
      Hardtanh: ['min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None', 'input'],
      Softmax: ['dim=None', 'input'],
      Dropout2d: ['p=0.5, inplace=False', 'input'],
      Identity: ['*args, **kwargs', 'input'],
      ZeroPad2d: ['padding', 'input'],
      ConstantPad2d: ['padding, value', 'input'],
      ReflectionPad2d: ['padding', 'input'],
      Bilinear: ['in1_features, in2_features, out_features, bias=True, device=None, dtype=None', 'input1, input2'],
    };
    for (const [name, [init, forward]] of Object.entries(expected)) {
      assert.equal(spec(name).signature, init, name);
      assert.equal(spec(name).forwardSignature, forward, name);
      assert.equal(spec(name).name, name);
    }
  });

  test('every family the catalogue promises is registered', () => {
    const names = [
      ...['Conv', 'ConvTranspose', 'BatchNorm', 'InstanceNorm', 'MaxPool', 'AvgPool', 'AdaptiveAvgPool', 'AdaptiveMaxPool', 'MaxUnpool', 'ReplicationPad', 'ConstantPad', 'ReflectionPad'].flatMap(
        (p) => ['1d', '2d', '3d'].map((d) => p + d),
      ),
      'Dropout1d', 'Dropout2d', 'Dropout3d', 'SyncBatchNorm', 'LocalResponseNorm', 'LPPool1d', 'LPPool2d', 'ReLU', 'ReLU6', 'ELU', 'SELU', 'CELU', 'GELU',
      'SiLU', 'Mish', 'Sigmoid', 'Tanh', 'Hardswish', 'Hardsigmoid', 'Softplus', 'LogSoftmax', 'Softmax2d', 'Threshold', 'AlphaDropout',
      'Dropout', 'UpsamplingNearest2d', 'Embedding',
    ];
    for (const n of names) assert.ok(moduleSpecs.has(n), n);
  });

  test('layer functions carry torch 1.13 signatures', () => {
    const expected: Record<string, string> = {
      'F.conv2d': 'input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1',
      'F.conv_transpose2d': 'input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1',
      'F.interpolate': "input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False",
      'F.upsample': "input, size=None, scale_factor=None, mode='nearest', align_corners=None",
      'F.max_pool2d': 'input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False',
      'F.avg_pool2d': 'input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None',
      'F.adaptive_avg_pool2d': 'input, output_size',
      'F.pixel_shuffle': 'input, upscale_factor',
      'F.relu': 'input, inplace=False',
      'F.leaky_relu': 'input, negative_slope=0.01, inplace=False',
      'F.softmax': 'input, dim=None, _stacklevel=3, dtype=None',
      'F.batch_norm': 'input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05',
      'F.linear': 'input, weight, bias=None',
      'torch.prelu': 'input, weight',
      'torch.dropout': 'input, p, train',
    };
    for (const [name, signature] of Object.entries(expected)) assert.equal(layerFunctionSpecs.get(name)?.signature, signature, name);
  });

  test('describe omits defaults', () => {
    assert.equal(build('Conv2d', { in_channels: 3, out_channels: 64, kernel_size: 7, stride: 2, padding: 3 }).describe, '3→64, k=7, s=2, p=3');
    assert.equal(build('Conv2d', { in_channels: 3, out_channels: 64, kernel_size: [3, 1], groups: 1, bias: false }).describe, '3→64, k=3×1, no bias');
    assert.equal(
      build('ConvTranspose2d', { in_channels: 21, out_channels: 21, kernel_size: 4, stride: 2, padding: 1, bias: false }).describe,
      '21→21, k=4, s=2, p=1, no bias',
    );
    assert.equal(build('MaxPool2d', { kernel_size: 3, stride: 2, padding: 1 }).describe, 'k=3, s=2, p=1');
    assert.equal(build('MaxPool2d', { kernel_size: 2 }).describe, 'k=2');
    assert.equal(build('Linear', { in_features: 2048, out_features: 1000 }).describe, '2048→1000');
    assert.equal(build('Upsample', { scale_factor: 2, mode: 'bilinear', align_corners: true }).describe, '×2, bilinear, align_corners');
    assert.equal(build('LeakyReLU', { negative_slope: 0.2, inplace: true }).describe, 'negative_slope=0.2, inplace=True');
    assert.equal(build('ReLU', { inplace: false }).describe, '');
  });
});

// ---------------------------------------------------------------------------------------------
// families

describe('convolution', () => {
  test('torch docs examples (Conv1d/2d/3d)', () => {
    assert.deepEqual(shape(run('Conv1d', { in_channels: 16, out_channels: 33, kernel_size: 3, stride: 2 }, t([20, 16, 50]))), [20, 33, 24]);
    const c2 = run('Conv2d', { in_channels: 16, out_channels: 33, kernel_size: [3, 5], stride: [2, 1], padding: [4, 2], dilation: [3, 1] }, t([20, 16, 50, 100]));
    assert.deepEqual(shape(c2), [20, 33, 26, 100]);
    assert.equal(c2.params, 33 * 16 * 15 + 33);
    assert.deepEqual(shape(run('Conv3d', { in_channels: 16, out_channels: 33, kernel_size: [3, 5, 2], stride: [2, 1, 1], padding: [4, 2, 0] }, t([20, 16, 10, 50, 100]))), [
      20, 33, 8, 50, 99,
    ]);
  });

  test('ResNet-50 stem conv: MACs out·Cin·k², params without bias, rf 7 jump 2 (fixture conv1)', () => {
    const r = run('Conv2d', { in_channels: 3, out_channels: 64, kernel_size: 7, stride: 2, padding: 3, bias: false }, t([1, 3, 224, 224]));
    assert.deepEqual(shape(r), [1, 64, 112, 112]);
    assert.equal(r.macs, 118013952);
    assert.equal(r.params, 9408);
    assert.deepEqual(axes(r.out), ['7@2', '7@2']);
    assert.deepEqual(r.geometry, { kernel: [7, 7], stride: [2, 2], padding: [3, 3], dilation: [1, 1] });
  });

  test('groups divide MACs and params (ResNeXt 3×3, 32 groups)', () => {
    const r = run('Conv2d', { in_channels: 128, out_channels: 128, kernel_size: 3, padding: 1, groups: 32, bias: false }, t([1, 128, 56, 56]));
    assert.equal(r.params, 128 * 4 * 9);
    assert.equal(r.macs, 128 * 56 * 56 * 4 * 9);
  });

  test("padding='same' keeps the size (odd pixel right) and 'valid' pads nothing; unbatched input", () => {
    assert.deepEqual(shape(run('Conv2d', { in_channels: 2, out_channels: 4, kernel_size: 4, padding: 'same', dilation: 3 }, t([1, 2, 9, 7]))), [1, 4, 9, 7]);
    assert.deepEqual(shape(run('Conv2d', { in_channels: 2, out_channels: 4, kernel_size: 3, padding: 'valid' }, t([2, 9, 7]))), [4, 7, 5]);
    assert.deepEqual(run('Conv1d', { in_channels: 1, out_channels: 1, kernel_size: 4, padding: 'same' }, t([1, 1, 10])).geometry?.padding, [1]);
  });

  test('padding modes keep zero-padding shapes but reflect needs padding < size', () => {
    assert.deepEqual(shape(run('Conv2d', { in_channels: 1, out_channels: 1, kernel_size: 3, padding: 1, padding_mode: 'circular' }, t([1, 1, 5, 5]))), [1, 1, 5, 5]);
    throwsOp(() => run('Conv2d', { in_channels: 1, out_channels: 1, kernel_size: 7, padding: 3, padding_mode: 'reflect' }, t([1, 1, 3, 3])), 'shape-mismatch', /reflect padding 3/);
  });

  test('errors name the layer, the expected and the actual values', () => {
    throwsOp(
      () => run('Conv2d', { in_channels: 64, out_channels: 64, kernel_size: 3 }, t([1, 128, 56, 56])),
      'channel-mismatch',
      'Conv2d expects 64 input channels but got 128 (input shape [1, 128, 56, 56])',
    );
    throwsOp(() => run('Conv2d', { in_channels: 3, out_channels: 8, kernel_size: 3 }, t([3, 32])), 'shape-mismatch', /expects a 3D \(unbatched\) or 4D \(batched\) input, but got a 2D input/);
    throwsOp(() => build('Conv2d', { in_channels: 6, out_channels: 8, kernel_size: 3, groups: 4 }), 'invalid-argument', /in_channels must be divisible by groups/);
    throwsOp(() => build('Conv2d', { in_channels: 8, out_channels: 6, kernel_size: 3, groups: 4 }), 'invalid-argument', /out_channels must be divisible by groups/);
    throwsOp(() => build('Conv2d', { in_channels: 8, out_channels: 8, kernel_size: 3, stride: 2, padding: 'same' }), 'invalid-argument', /not supported for strided/);
    throwsOp(() => build('Conv2d', { in_channels: 8, out_channels: 8, kernel_size: 3, padding: 'full' }), 'invalid-argument', /invalid padding string 'full'/);
    throwsOp(() => build('Conv2d', { in_channels: 8, out_channels: 8, kernel_size: 3, padding_mode: 'mirror' }), 'invalid-argument', /padding_mode/);
    throwsOp(() => build('Conv2d', { in_channels: 8, out_channels: 8, kernel_size: [3, 3, 3] }), 'invalid-argument', /kernel_size must be an integer or a tuple of 2/);
    throwsOp(() => run('Conv2d', { in_channels: 1, out_channels: 1, kernel_size: 5 }, t([1, 1, 4, 9])), 'shape-mismatch', /padded input \(4 × 9\) is smaller than the kernel \(5 × 5\)/);
  });

  test('F.conv2d reads the layer from the weight', () => {
    const w = t([64, 3, 7, 7]);
    const r = fn('F.conv2d', { input: t([1, 3, 224, 224]), weight: w, bias: null, stride: 2, padding: 3, dilation: 1, groups: 1 });
    assert.deepEqual(shape(r), [1, 64, 112, 112]);
    assert.equal(r.macs, 118013952);
    const g = fn('F.conv2d', { input: t([1, 8, 10, 10]), weight: t([8, 2, 3, 3]), groups: 4 });
    assert.equal(g.macs, 8 * 8 * 8 * 2 * 9);
    throwsOp(() => fn('F.conv2d', { input: t([1, 4, 10, 10]), weight: t([8, 2, 3, 3]), groups: 4 }), 'channel-mismatch', /expects 8 input channels but got 4/);
    throwsOp(() => fn('F.conv2d', { input: t([1, 3, 10, 10]), weight: t([8, 3, 3, 3]), bias: t([4]) }), 'shape-mismatch', /bias of 8 elements/);
  });
});

describe('transposed convolution', () => {
  test('torch docs examples, including output_size=', () => {
    assert.deepEqual(shape(run('ConvTranspose2d', { in_channels: 16, out_channels: 33, kernel_size: [3, 5], stride: [2, 1], padding: [4, 2] }, t([20, 16, 50, 100]))), [
      20, 33, 93, 100,
    ]);
    const up = { in_channels: 16, out_channels: 16, kernel_size: 3, stride: 2, padding: 1 };
    assert.deepEqual(shape(run('ConvTranspose2d', up, t([1, 16, 6, 6]))), [1, 16, 11, 11]);
    assert.deepEqual(shape(run('ConvTranspose2d', up, t([1, 16, 6, 6]), { output_size: [1, 16, 12, 12] })), [1, 16, 12, 12]);
    assert.deepEqual(shape(run('ConvTranspose2d', up, t([1, 16, 6, 6]), { output_size: [12, 11] })), [1, 16, 12, 11]);
    throwsOp(
      () => run('ConvTranspose2d', up, t([1, 16, 6, 6]), { output_size: [13, 13] }),
      'shape-mismatch',
      /requested an output size of \[13, 13\], but valid sizes range from \[11, 11\] to \[12, 12\]/,
    );
    throwsOp(() => run('ConvTranspose2d', up, t([1, 16, 6, 6]), { output_size: [1, 12, 12] }), 'invalid-argument', /output_size must have 2 or 4 elements \(got 3\)/);
  });

  test('FCN32s upscore: in [1,21,7,7] → [1,21,224,224], MACs 88510464, rf 244 jump 1 (fixture)', () => {
    const r = run('ConvTranspose2d', { in_channels: 21, out_channels: 21, kernel_size: 64, stride: 32, padding: 16 }, t([1, 21, 7, 7], geo(212, 32)));
    assert.deepEqual(shape(r), [1, 21, 224, 224]);
    assert.equal(r.macs, 88510464);
    assert.deepEqual(axes(r.out), ['244@1', '244@1']);
    assert.equal(r.params, 21 * 21 * 64 * 64 + 21);
    assert.deepEqual(r.geometry?.overlap, [Array(32).fill(2), Array(32).fill(2)]);
  });

  test('DCGAN generator layer 2: k4 s2 p1 from rf 4 jump 1 → rf 5 jump 1/2, MACs 33554432 (fixture)', () => {
    const r = run('ConvTranspose2d', { in_channels: 512, out_channels: 256, kernel_size: 4, stride: 2, padding: 1, bias: false }, t([1, 512, 4, 4], geo(4, 1)));
    assert.deepEqual(shape(r), [1, 256, 8, 8]);
    assert.equal(r.macs, 33554432);
    assert.deepEqual(axes(r.out), ['5@1/2', '5@1/2']);
    assert.deepEqual(r.geometry?.overlap, [[2, 2], [2, 2]]);
  });

  test('VAE decoder block: k3 s2 p1 op1 paints an uneven [1, 2] overlap', () => {
    const r = run('ConvTranspose2d', { in_channels: 256, out_channels: 128, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 }, t([2, 256, 4, 4]));
    assert.deepEqual(shape(r), [2, 128, 8, 8]);
    assert.equal(r.macs, 9437184);
    assert.deepEqual(r.geometry?.overlap, [[1, 2], [1, 2]]);
    assert.deepEqual(axes(r.out), ['2@1/2', '2@1/2']);
  });

  test('groups, dilation and MACs in·(Cout/groups)·k', () => {
    const r = run('ConvTranspose1d', { in_channels: 4, out_channels: 6, kernel_size: 3, stride: 2, dilation: 2, groups: 2, output_padding: 1 }, t([1, 4, 5]));
    assert.deepEqual(shape(r), [1, 6, 4 * 2 + 4 + 1 + 1]);
    assert.equal(r.macs, 4 * 5 * 3 * 3);
    assert.equal(r.params, 4 * 3 * 3 + 6);
  });

  test('output_padding must be below stride or dilation; padding_mode only zeros', () => {
    throwsOp(
      () => run('ConvTranspose2d', { in_channels: 1, out_channels: 1, kernel_size: 3, stride: 2, output_padding: 2 }, t([1, 1, 4, 4])),
      'invalid-argument',
      /output_padding must be smaller than either stride or dilation/,
    );
    assert.deepEqual(shape(run('ConvTranspose2d', { in_channels: 1, out_channels: 1, kernel_size: 3, stride: 1, dilation: 3, output_padding: 2 }, t([1, 1, 4, 4]))), [
      1, 1, 12, 12,
    ]);
    throwsOp(() => build('ConvTranspose2d', { in_channels: 1, out_channels: 1, kernel_size: 3, padding_mode: 'reflect' }), 'invalid-argument', /only "zeros" padding mode/);
    throwsOp(() => run('ConvTranspose2d', { in_channels: 8, out_channels: 1, kernel_size: 3 }, t([1, 4, 4, 4])), 'channel-mismatch', 'ConvTranspose2d expects 8 input channels but got 4 (input shape [1, 4, 4, 4])');
    throwsOp(() => run('ConvTranspose2d', { in_channels: 1, out_channels: 1, kernel_size: 1, padding: 2 }, t([1, 1, 3, 3])), 'shape-mismatch', /output size \(-1 × -1\) is too small/);
  });

  test('F.conv_transpose2d reads [Cin, Cout/groups, k, k] from the weight', () => {
    const r = fn('F.conv_transpose2d', { input: t([1, 8, 5, 5]), weight: t([8, 3, 4, 4]), stride: 2, padding: 1, groups: 2 });
    assert.deepEqual(shape(r), [1, 6, 10, 10]);
    assert.equal(r.macs, 8 * 25 * 3 * 16);
  });
});

describe('linear', () => {
  test('Linear: last dim, MACs out·in, geometry dropped (fixture fc)', () => {
    const r = run('Linear', { in_features: 2048, out_features: 1000 }, t([1, 2048], geo(1163, 224)));
    assert.deepEqual(shape(r), [1, 1000]);
    assert.equal(r.macs, 2048000);
    assert.equal(r.params, 2049000);
    assert.equal(r.out.geometry, null);
    assert.deepEqual(shape(run('Linear', { in_features: 8, out_features: 3, bias: false }, t([2, 5, 8]))), [2, 5, 3]);
    assert.equal(run('Linear', { in_features: 8, out_features: 3, bias: false }, t([8])).params, 24);
    throwsOp(() => run('Linear', { in_features: 2048, out_features: 1000 }, t([1, 1024])), 'channel-mismatch', 'Linear expects 2048 input features but got 1024 (input shape [1, 1024])');
  });

  test('Bilinear and F.linear', () => {
    const b = build('Bilinear', { in1_features: 20, in2_features: 30, out_features: 40 });
    assert.equal(b.params, 40 * 20 * 30 + 40);
    const r = b.spec.forward(b.config, { input1: t([128, 20]), input2: t([128, 30]) });
    assert.deepEqual(shape(r), [128, 40]);
    assert.deepEqual(shape(fn('F.linear', { input: t([4, 10]), weight: t([5, 10]), bias: t([5]) })), [4, 5]);
    assert.equal(fn('F.linear', { input: t([4, 10]), weight: t([5, 10]) }).macs, 200);
  });

  test('Identity returns its input', () => {
    const x = t([1, 2, 3], geo(3, 2));
    const b = build('Identity', { args: [], kwargs: {} });
    assert.equal(b.spec.forward(b.config, { input: x }).value, x);
  });
});

describe('normalisation', () => {
  test('params count affine weights only', () => {
    assert.equal(build('BatchNorm2d', { num_features: 64 }).params, 128);
    assert.equal(build('BatchNorm2d', { num_features: 64, affine: false }).params, 0);
    assert.equal(build('GroupNorm', { num_groups: 32, num_channels: 64 }).params, 128);
    assert.equal(build('LayerNorm', { normalized_shape: [10, 10] }).params, 200);
    assert.equal(build('LayerNorm', { normalized_shape: 768, elementwise_affine: false }).params, 0);
    assert.equal(build('InstanceNorm2d', { num_features: 64 }).params, 0);
    assert.equal(build('InstanceNorm2d', { num_features: 64, affine: true }).params, 128);
    assert.equal(build('SyncBatchNorm', { num_features: 10 }).params, 20);
  });

  test('shape and geometry pass through', () => {
    const x = t([2, 64, 8, 8], geo(19, 4));
    const r = run('BatchNorm2d', { num_features: 64 }, x);
    assert.deepEqual(shape(r), [2, 64, 8, 8]);
    assert.deepEqual(axes(r.out), ['19@4', '19@4']);
    assert.deepEqual(shape(run('BatchNorm1d', { num_features: 5 }, t([3, 5, 7]))), [3, 5, 7]);
    assert.deepEqual(shape(run('LayerNorm', { normalized_shape: [8] }, t([2, 5, 8]))), [2, 5, 8]);
    assert.deepEqual(shape(run('InstanceNorm1d', { num_features: 3 }, t([3, 10]))), [3, 10]);
    assert.deepEqual(shape(run('LocalResponseNorm', { size: 2 }, t([1, 4, 5, 5]))), [1, 4, 5, 5]);
  });

  test('errors', () => {
    throwsOp(() => run('BatchNorm2d', { num_features: 64 }, t([1, 128, 56, 56])), 'channel-mismatch', 'BatchNorm2d expects 64 channels but got 128 (input shape [1, 128, 56, 56])');
    throwsOp(() => run('BatchNorm2d', { num_features: 64 }, t([64, 56, 56])), 'shape-mismatch', /expects a 4D input, but got a 3D input/);
    throwsOp(() => run('BatchNorm1d', { num_features: 4 }, t([2, 4, 3, 3])), 'shape-mismatch', /2D or 3D input/);
    throwsOp(() => build('GroupNorm', { num_groups: 3, num_channels: 64 }), 'invalid-argument', /num_channels must be divisible by num_groups/);
    throwsOp(() => run('GroupNorm', { num_groups: 2, num_channels: 8 }, t([1, 6, 4, 4])), 'channel-mismatch', /expects 8 channels but got 6/);
    throwsOp(() => run('LayerNorm', { normalized_shape: [768] }, t([1, 10, 512])), 'channel-mismatch', /expected input with shape \[\*, 768\], but got input of shape \[1, 10, 512\]/);
    throwsOp(() => run('InstanceNorm2d', { num_features: 8, affine: true }, t([1, 4, 5, 5])), 'channel-mismatch', /expects 8 channels but got 4/);
    // without affine weights or running stats torch only warns
    assert.deepEqual(shape(run('InstanceNorm2d', { num_features: 8 }, t([1, 4, 5, 5]))), [1, 4, 5, 5]);
    assert.deepEqual(shape(run('BatchNorm2d', { num_features: 8, affine: false, track_running_stats: false }, t([1, 4, 5, 5]))), [1, 4, 5, 5]);
  });
});

describe('activations and dropout', () => {
  test('pass shape and geometry through', () => {
    const x = t([1, 8, 4, 4], geo('47/8', '1/16'));
    for (const name of ['ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Sigmoid', 'Tanh', 'Hardswish', 'Hardsigmoid', 'Hardtanh', 'Softplus', 'Softmax2d', 'Dropout', 'Dropout2d', 'AlphaDropout']) {
      const r = run(name, {}, x);
      assert.deepEqual(shape(r), [1, 8, 4, 4], name);
      assert.deepEqual(axes(r.out), ['47/8@1/16', '47/8@1/16'], name);
      assert.equal(r.macs, 0);
      assert.equal(r.params, 0, name);
    }
    assert.deepEqual(shape(run('Threshold', { threshold: 0.1, value: 20 }, x)), [1, 8, 4, 4]);
    assert.deepEqual(shape(run('Softmax', { dim: 1 }, x)), [1, 8, 4, 4]);
    assert.deepEqual(shape(run('GLU', { dim: 1 }, x)), [1, 4, 4, 4]);
  });

  test('PReLU has one parameter per channel and checks the channel count', () => {
    assert.equal(build('PReLU', {}).params, 1);
    assert.equal(run('PReLU', { num_parameters: 8 }, t([1, 8, 4, 4])).params, 8);
    throwsOp(() => run('PReLU', { num_parameters: 3 }, t([1, 64, 4, 4])), 'channel-mismatch', /PReLU has 3 parameters \(one per channel\) but the input has 64 channels/);
  });

  test('invalid arguments', () => {
    throwsOp(() => build('Dropout', { p: 1.5 }), 'invalid-argument', /dropout probability has to be between 0 and 1, but got 1.5/);
    throwsOp(() => build('GELU', { approximate: 'fast' }), 'invalid-argument', /either 'none' or 'tanh'/);
    throwsOp(() => build('Hardtanh', { min_val: 1, max_val: 0 }), 'invalid-argument', /max_val \(0\) must be greater than min_val \(1\)/);
    throwsOp(() => run('Softmax', { dim: 4 }, t([1, 8, 4, 4])), 'invalid-argument', /expected to be in range of \[-4, 3\], but got 4/);
    throwsOp(() => run('Softmax2d', {}, t([8, 4])), 'shape-mismatch', /3D or 4D input/);
    throwsOp(() => run('Dropout1d', {}, t([1, 8, 4, 4])), 'shape-mismatch', /2D or 3D input/);
    throwsOp(() => run('GLU', {}, t([1, 5])), 'shape-mismatch', /halving dimension must be even, but dimension 1 is size 5/);
  });

  test('functional forms', () => {
    const x = t([2, 3, 5], geo(3, 1, 1));
    for (const name of ['F.relu', 'F.sigmoid', 'F.tanh', 'F.gelu', 'F.silu', 'F.dropout', 'F.leaky_relu']) {
      const r = fn(name, { input: x });
      assert.deepEqual(shape(r), [2, 3, 5], name);
      assert.deepEqual(axes(r.value as Tensor), ['3@1'], name);
    }
    throwsOp(() => fn('F.dropout', { input: x, p: -0.1 }), 'invalid-argument', /between 0 and 1/);
    throwsOp(() => fn('F.softmax', { input: x, dim: 3 }), 'invalid-argument', /out of range/);
  });
});

describe('pooling', () => {
  test('stride defaults to the kernel; ResNet max pool (fixture maxpool)', () => {
    assert.deepEqual(shape(run('MaxPool2d', { kernel_size: 2 }, t([1, 64, 224, 224]))), [1, 64, 112, 112]);
    const r = run('MaxPool2d', { kernel_size: 3, stride: 2, padding: 1 }, t([1, 64, 112, 112], geo(7, 2)));
    assert.deepEqual(shape(r), [1, 64, 56, 56]);
    assert.deepEqual(axes(r.out), ['11@4', '11@4']);
    assert.equal(r.macs, 0);
  });

  test("ceil_mode: the last window must start inside the input or the left padding", () => {
    assert.deepEqual(shape(run('MaxPool2d', { kernel_size: 2, stride: 2, ceil_mode: true }, t([1, 1, 5, 5]))), [1, 1, 3, 3]);
    // naive ceil((5 + 2 − 3)/3) + 1 = 3, but window 3 would start at 6 ≥ 5 + 1: torch gives 2
    assert.deepEqual(shape(run('MaxPool2d', { kernel_size: 3, stride: 3, padding: 1, ceil_mode: true }, t([1, 1, 5, 5]))), [1, 1, 2, 2]);
    // GoogLeNet: 112 → 56 with k3 s2 ceil_mode
    assert.deepEqual(shape(run('MaxPool2d', { kernel_size: 3, stride: 2, ceil_mode: true }, t([1, 64, 112, 112]))), [1, 64, 56, 56]);
  });

  test('dilation (max only), AvgPool, LPPool', () => {
    const r = run('MaxPool1d', { kernel_size: 3, stride: 1, dilation: 2 }, t([1, 2, 10], geo(1, 1, 1)));
    assert.deepEqual(shape(r), [1, 2, 6]);
    assert.deepEqual(axes(r.out), ['5@1']);
    assert.deepEqual(shape(run('AvgPool2d', { kernel_size: 3, stride: 2, padding: 1, count_include_pad: false }, t([1, 4, 7, 7]))), [1, 4, 4, 4]);
    assert.deepEqual(shape(run('AvgPool3d', { kernel_size: [1, 2, 2] }, t([1, 4, 6, 8, 8]))), [1, 4, 6, 4, 4]);
    assert.deepEqual(shape(run('LPPool2d', { norm_type: 2, kernel_size: 3, stride: 2 }, t([1, 4, 9, 9]))), [1, 4, 4, 4]);
  });

  test('return_indices gives (output, indices), which MaxUnpool inverts (torch docs)', () => {
    const r = run('MaxPool2d', { kernel_size: 2, stride: 2, return_indices: true }, t([1, 1, 4, 4]));
    const [out, indices] = r.value as Tensor[];
    assert.deepEqual([out!.shape, indices!.shape], [[1, 1, 2, 2], [1, 1, 2, 2]]);
    const unpool = build('MaxUnpool2d', { kernel_size: 2, stride: 2 });
    assert.deepEqual(shape(unpool.spec.forward(unpool.config, { input: out!, indices: indices! })), [1, 1, 4, 4]);
    assert.deepEqual(shape(unpool.spec.forward(unpool.config, { input: out!, indices: indices!, output_size: [1, 1, 5, 5] })), [1, 1, 5, 5]);
    throwsOp(() => unpool.spec.forward(unpool.config, { input: out!, indices: indices!, output_size: [6, 6] }), 'shape-mismatch', /dim 0 must be between 2 and 6/);
    throwsOp(() => unpool.spec.forward(unpool.config, { input: out!, indices: t([1, 1, 3, 3]) }), 'shape-mismatch', /indices of the same shape/);
  });

  test('torch’s argument checks', () => {
    throwsOp(() => build('MaxPool2d', { kernel_size: 3, padding: 2 }), 'invalid-argument', /padding should be at most half of the kernel size/);
    throwsOp(() => build('AvgPool2d', { kernel_size: 2, stride: 0 }), 'invalid-argument', /stride should be greater than zero/);
    throwsOp(() => build('AvgPool2d', { kernel_size: 2, divisor_override: 0 }), 'invalid-argument', /divisor must be not zero/);
    throwsOp(() => run('MaxPool2d', { kernel_size: 3 }, t([1, 64, 2, 2])), 'shape-mismatch', /calculated output size \(0 × 0\) is too small/);
    throwsOp(() => run('MaxPool2d', { kernel_size: 3 }, t([1, 1, 64, 2, 2])), 'shape-mismatch', /3D \(unbatched\) or 4D \(batched\)/);
  });

  test('F.max_pool2d with stride=[] uses the kernel', () => {
    assert.deepEqual(shape(fn('F.max_pool2d', { input: t([1, 3, 8, 8]), kernel_size: 2, stride: [] })), [1, 3, 4, 4]);
  });
});

describe('adaptive pooling', () => {
  test('torch docs examples, None keeps the size; ResNet avgpool (fixture)', () => {
    assert.deepEqual(shape(run('AdaptiveMaxPool2d', { output_size: [5, 7] }, t([1, 64, 8, 9]))), [1, 64, 5, 7]);
    assert.deepEqual(shape(run('AdaptiveAvgPool2d', { output_size: 7 }, t([1, 64, 10, 9]))), [1, 64, 7, 7]);
    assert.deepEqual(shape(run('AdaptiveAvgPool2d', { output_size: [null, 7] }, t([1, 64, 10, 9]))), [1, 64, 10, 7]);
    const r = run('AdaptiveAvgPool2d', { output_size: [1, 1] }, t([1, 2048, 7, 7], geo(971, 32)));
    assert.deepEqual(axes(r.out), ['1163@224', '1163@224']);
    assert.deepEqual(r.geometry, { kernel: [7, 7], stride: [7, 7] });
    const withIdx = run('AdaptiveMaxPool1d', { output_size: 3, return_indices: true }, t([1, 2, 10]));
    assert.equal((withIdx.value as Tensor[]).length, 2);
    throwsOp(() => run('AdaptiveAvgPool2d', { output_size: 1 }, t([1, 3, 0, 4])), 'shape-mismatch', /dimension 2 being empty/);
  });
});

describe('resize', () => {
  test('scale_factor gives floor(in·scale); size wins; modes need their rank', () => {
    assert.deepEqual(shape(run('Upsample', { scale_factor: 2 }, t([1, 1, 2, 2]))), [1, 1, 4, 4]);
    assert.deepEqual(shape(run('Upsample', { scale_factor: 1.5 }, t([1, 1, 5]))), [1, 1, 7]);
    assert.deepEqual(shape(run('Upsample', { size: [3, 5], mode: 'bicubic' }, t([1, 1, 8, 8]))), [1, 1, 3, 5]);
    assert.deepEqual(shape(run('Upsample', { scale_factor: [2, 0.5], mode: 'area' }, t([1, 1, 4, 8]))), [1, 1, 8, 4]);
    assert.deepEqual(shape(run('UpsamplingNearest2d', { scale_factor: 3 }, t([1, 2, 2, 2]))), [1, 2, 6, 6]);
    assert.deepEqual(shape(run('Upsample', { scale_factor: 2, mode: 'trilinear' }, t([1, 1, 2, 3, 4]))), [1, 1, 4, 6, 8]);
  });

  test('UNet bilinear up1: align_corners jump 240/31 (fixture)', () => {
    const r = run('Upsample', { scale_factor: 2, mode: 'bilinear', align_corners: true }, t([1, 512, 16, 16], geo(140, 16)));
    assert.deepEqual(shape(r), [1, 512, 32, 32]);
    assert.deepEqual(axes(r.out), ['156@240/31', '156@240/31']);
    assert.deepEqual(r.geometry?.scale, [2, 2]);
    const b = run('UpsamplingBilinear2d', { scale_factor: 2 }, t([1, 512, 16, 16], geo(140, 16)));
    assert.deepEqual(axes(b.out), ['156@240/31', '156@240/31']);
  });

  test('a scale_factor that reaches the kernel sets the jump (j/scale), a size or recompute sets j·in/out', () => {
    const x = t([1, 1, 5], geo(1, 1, 1));
    assert.deepEqual(axes(run('Upsample', { scale_factor: 1.5 }, x).out), ['1@2/3']);
    assert.deepEqual(axes(run('Upsample', { scale_factor: 1.5, recompute_scale_factor: true }, x).out), ['1@5/7']);
    assert.deepEqual(axes(run('Upsample', { size: 7, mode: 'linear' }, x).out), ['2@5/7']);
    assert.deepEqual(axes(run('Upsample', { scale_factor: 1.5, mode: 'linear', align_corners: true }, x).out), ['2@2/3']);
    assert.deepEqual(axes(run('Upsample', { size: 3, mode: 'area' }, x).out), ['3@5/3']);
  });

  test('nearest keeps rf and halves the jump (fixture ResizeConvDecoder ups.1.0)', () => {
    const r = run('Upsample', { scale_factor: 2, mode: 'nearest' }, t([2, 128, 8, 8], geo(2, '1/2')));
    assert.deepEqual(axes(r.out), ['2@1/4', '2@1/4']);
  });

  test('errors mirror F.interpolate', () => {
    throwsOp(() => run('Upsample', { scale_factor: 2, mode: 'nearest', align_corners: true }, t([1, 1, 4, 4])), 'invalid-argument', /align_corners can only be set/);
    throwsOp(() => run('Upsample', { scale_factor: 2, mode: 'bilinear' }, t([1, 1, 4])), 'shape-mismatch', /got 3D input, but bilinear mode needs 4D input/);
    throwsOp(() => run('Upsample', {}, t([1, 1, 4, 4])), 'invalid-argument', /either size or scale_factor should be defined/);
    throwsOp(() => fn('F.interpolate', { input: t([1, 1, 4, 4]), size: 8, scale_factor: 2 }), 'invalid-argument', /only one of size or scale_factor/);
    throwsOp(() => fn('F.interpolate', { input: t([1, 1, 4, 4]), size: [8, 8, 8] }), 'invalid-argument', /same number of spatial dimensions/);
    throwsOp(() => fn('F.interpolate', { input: t([1, 1, 4, 4]), scale_factor: 0.1 }), 'shape-mismatch', /greater than 0/);
    throwsOp(() => fn('F.interpolate', { input: t([1, 1, 4, 4]), scale_factor: 2, mode: 'lanczos' }), 'invalid-argument', /unsupported mode 'lanczos'/);
    throwsOp(() => fn('F.interpolate', { input: t([1, 1, 4, 4]), size: 8, recompute_scale_factor: true }), 'invalid-argument', /recompute_scale_factor is not meaningful/);
  });
});

describe('pixel shuffle', () => {
  test('torch docs example and its inverse', () => {
    const r = run('PixelShuffle', { upscale_factor: 3 }, t([1, 9, 4, 4], geo(5, 2)));
    assert.deepEqual(shape(r), [1, 1, 12, 12]);
    assert.deepEqual(axes(r.out), ['5@2/3', '5@2/3']);
    const u = run('PixelUnshuffle', { downscale_factor: 3 }, t([1, 1, 12, 12], geo(1, 1)));
    assert.deepEqual(shape(u), [1, 9, 4, 4]);
    assert.deepEqual(axes(u.out), ['3@3', '3@3']);
    throwsOp(
      () => run('PixelShuffle', { upscale_factor: 3 }, t([2, 28, 2, 4])),
      'channel-mismatch',
      /divisible by upscale_factor² = 9, but it has 28 channels/,
    );
    throwsOp(() => run('PixelUnshuffle', { downscale_factor: 2 }, t([1, 1, 7, 8])), 'shape-mismatch', /height to be divisible by downscale_factor 2, but it is 7/);
  });
});

describe('flatten, unflatten, padding', () => {
  test('torch docs examples', () => {
    assert.deepEqual(shape(run('Flatten', {}, t([32, 1, 5, 5]))), [32, 25]);
    assert.deepEqual(shape(run('Flatten', { start_dim: 0, end_dim: 2 }, t([32, 1, 5, 5]))), [160, 5]);
    assert.deepEqual(shape(run('Unflatten', { dim: 1, unflattened_size: [2, 5, 5] }, t([2, 50]))), [2, 2, 5, 5]);
    assert.deepEqual(shape(run('Unflatten', { dim: -1, unflattened_size: [-1, 5] }, t([2, 50]))), [2, 10, 5]);
    throwsOp(() => run('Unflatten', { dim: 1, unflattened_size: [2, 6] }, t([2, 50])), 'shape-mismatch', /don't multiply up to the size of dim 1 \(50\)/);
  });

  test('flatten keeps geometry of untouched trailing axes only', () => {
    const x = t([2, 8, 4, 4], geo(5, 2));
    assert.equal(run('Flatten', {}, x).out.geometry, null);
    assert.deepEqual(axes(run('Flatten', { start_dim: 0, end_dim: 1 }, x).out), ['5@2', '5@2']);
    assert.deepEqual(axes(flattenForward('flatten', x, 2, 2).value as Tensor), ['5@2', '5@2']);
  });

  test('padding modules change the shape, not the geometry', () => {
    const x = t([1, 3, 4, 4], geo(7, 2));
    const z = run('ZeroPad2d', { padding: [1, 2, 3, 4] }, x);
    assert.deepEqual(shape(z), [1, 3, 11, 7]);
    assert.deepEqual(axes(z.out), ['7@2', '7@2']);
    assert.deepEqual(z.geometry?.padding, [3, 1]);
    assert.deepEqual(shape(run('ConstantPad1d', { padding: 2, value: 3.5 }, t([1, 2, 4]))), [1, 2, 8]);
    assert.deepEqual(shape(run('ConstantPad2d', { padding: [-1, -1, 0, 0], value: 0 }, x)), [1, 3, 4, 2]);
    assert.deepEqual(shape(run('ReplicationPad3d', { padding: 1 }, t([1, 1, 2, 2, 2]))), [1, 1, 4, 4, 4]);
    assert.deepEqual(shape(run('ReflectionPad2d', { padding: 3 }, t([1, 1, 4, 4]))), [1, 1, 10, 10]);
    throwsOp(() => run('ReflectionPad2d', { padding: 3 }, t([1, 1, 3, 3])), 'shape-mismatch', /padding size should be less than the corresponding input dimension/);
    throwsOp(() => run('ReflectionPad1d', { padding: 1 }, t([1, 1, 3, 3])), 'shape-mismatch', /2D \(unbatched\) or 3D \(batched\)/);
    throwsOp(() => build('ZeroPad2d', { padding: [1, 2, 3] }), 'invalid-argument', /tuple of 4 integers/);
    assert.deepEqual(paddedShape('F.pad', t([1, 2, 3, 7]), [0, -1]), [1, 2, 3, 6]);
  });

  test('Embedding appends the embedding dim', () => {
    const r = run('Embedding', { num_embeddings: 10, embedding_dim: 3 }, t([2, 4]));
    assert.deepEqual(shape(r), [2, 4, 3]);
    assert.equal(r.params, 30);
    throwsOp(() => build('Embedding', { num_embeddings: 10, embedding_dim: 3, padding_idx: 10 }), 'invalid-argument', /padding_idx must be within num_embeddings/);
  });
});

// ---------------------------------------------------------------------------------------------
// Fixture models, rebuilt module by module from shared/fixtures/models/*.py

interface FixtureLayer {
  name: string | null;
  type: string;
  in: number[];
  out: number[];
  macs: number;
  rf: (number | string)[];
  jump: (number | string)[];
}

interface Fixture {
  params: number;
  macs: number;
  outputs: number[][];
  layers: FixtureLayer[];
}

const FIXTURES = [resolve(__dirname, '../../../shared/fixtures/expected'), resolve(__dirname, '../fixtures/shared/expected')].find((p) => existsSync(p))!;

const asFixtureNumber = (r: { num: number; den: number }): number | string => (r.den === 1 ? r.num : `${r.num}/${r.den}`);

/** Records module calls the way the fixture lists them. */
class Trace {
  readonly layers: FixtureLayer[] = [];
  params = 0;
  macs = 0;

  /** Constructs a module (counting its parameters) and returns a function that calls it. */
  module(name: string, type: string, args: OpArgs): (x: Tensor, forwardArgs?: OpArgs) => Tensor {
    const s = spec(type);
    const config = s.build(args);
    this.params += s.params(config);
    return (x, forwardArgs = {}) => {
      const result = s.forward(config, { input: x, ...forwardArgs });
      const out = result.value as Tensor;
      this.macs += result.macs;
      this.layers.push({
        name,
        type,
        in: [...x.shape],
        out: [...out.shape],
        macs: result.macs,
        rf: (out.geometry ?? []).map((g) => asFixtureNumber(g.rf)),
        jump: (out.geometry ?? []).map((g) => asFixtureNumber(g.jump)),
      });
      return out;
    };
  }
}

/** `a + b` / torch.cat geometry (the other catalogue's job; the rule is geometry.ts's). */
const add = (a: Tensor, b: Tensor): Tensor => t([...a.shape], mergeGeometry([a.geometry, b.geometry]));
const cat1 = (a: Tensor, b: Tensor): Tensor => t([a.shape[0]!, a.shape[1]! + b.shape[1]!, ...a.shape.slice(2)], mergeGeometry([a.geometry, b.geometry]));

function resnet(block: 'basic' | 'bottleneck', blocks: number[], x: Tensor, opts: { groups?: number; widthPerGroup?: number; dilate?: boolean[] } = {}): Trace {
  const tr = new Trace();
  const groups = opts.groups ?? 1;
  const baseWidth = opts.widthPerGroup ?? 64;
  const expansion = block === 'basic' ? 1 : 4;
  const conv3x3 = (n: string, cin: number, cout: number, stride = 1, g = 1, d = 1) =>
    tr.module(n, 'Conv2d', { in_channels: cin, out_channels: cout, kernel_size: 3, stride, padding: d, groups: g, bias: false, dilation: d });
  const conv1x1 = (n: string, cin: number, cout: number, stride = 1) => tr.module(n, 'Conv2d', { in_channels: cin, out_channels: cout, kernel_size: 1, stride, bias: false });
  const bn = (n: string, c: number) => tr.module(n, 'BatchNorm2d', { num_features: c });
  const relu = (n: string) => tr.module(n, 'ReLU', { inplace: true });

  let inplanes = 64;
  let dilation = 1;
  const makeBlock = (p: string, planes: number, stride: number, downsample: boolean, d: number) => {
    const ds = downsample ? [conv1x1(`${p}.downsample.0`, inplanes, planes * expansion, stride), bn(`${p}.downsample.1`, planes * expansion)] : null;
    if (block === 'basic') {
      const c1 = conv3x3(`${p}.conv1`, inplanes, planes, stride);
      const b1 = bn(`${p}.bn1`, planes);
      const r = relu(`${p}.relu`);
      const c2 = conv3x3(`${p}.conv2`, planes, planes);
      const b2 = bn(`${p}.bn2`, planes);
      return (x: Tensor) => {
        let out = b2(c2(r(b1(c1(x)))));
        const identity = ds ? ds[1]!(ds[0]!(x)) : x;
        out = add(out, identity);
        return r(out);
      };
    }
    const width = Math.floor(planes * (baseWidth / 64)) * groups;
    const c1 = conv1x1(`${p}.conv1`, inplanes, width);
    const b1 = bn(`${p}.bn1`, width);
    const c2 = conv3x3(`${p}.conv2`, width, width, stride, groups, d);
    const b2 = bn(`${p}.bn2`, width);
    const c3 = conv1x1(`${p}.conv3`, width, planes * expansion);
    const b3 = bn(`${p}.bn3`, planes * expansion);
    const r = relu(`${p}.relu`);
    return (x: Tensor) => {
      let out = b3(c3(r(b2(c2(r(b1(c1(x))))))));
      const identity = ds ? ds[1]!(ds[0]!(x)) : x;
      out = add(out, identity);
      return r(out);
    };
  };
  const makeLayer = (p: string, planes: number, n: number, stride = 1, dilate = false) => {
    const previous = dilation;
    if (dilate) {
      dilation *= stride;
      stride = 1;
    }
    const downsample = stride !== 1 || inplanes !== planes * expansion;
    const layers = [makeBlock(`${p}.0`, planes, stride, downsample, previous)];
    inplanes = planes * expansion;
    for (let i = 1; i < n; i++) layers.push(makeBlock(`${p}.${i}`, planes, 1, false, dilation));
    return (x: Tensor) => layers.reduce((h, f) => f(h), x);
  };
  const conv1 = tr.module('conv1', 'Conv2d', { in_channels: 3, out_channels: 64, kernel_size: 7, stride: 2, padding: 3, bias: false });
  const bn1 = bn('bn1', 64);
  const relu1 = relu('relu');
  const maxpool = tr.module('maxpool', 'MaxPool2d', { kernel_size: 3, stride: 2, padding: 1 });
  const dilate = opts.dilate ?? [false, false, false];
  const layer1 = makeLayer('layer1', 64, blocks[0]!);
  const layer2 = makeLayer('layer2', 128, blocks[1]!, 2, dilate[0]);
  const layer3 = makeLayer('layer3', 256, blocks[2]!, 2, dilate[1]);
  const layer4 = makeLayer('layer4', 512, blocks[3]!, 2, dilate[2]);
  const avgpool = tr.module('avgpool', 'AdaptiveAvgPool2d', { output_size: [1, 1] });
  const fc = tr.module('fc', 'Linear', { in_features: 512 * expansion, out_features: 1000 });
  let h = maxpool(relu1(bn1(conv1(x))));
  h = avgpool(layer4(layer3(layer2(layer1(h)))));
  fc(flattenForward('torch.flatten', h, 1, -1).value as Tensor);
  return tr;
}

function vggStage(tr: Trace, p: string, cin: number, cout: number, n: number): (x: Tensor) => Tensor {
  const mods: ((x: Tensor) => Tensor)[] = [];
  for (let i = 0; i < n; i++) {
    mods.push(tr.module(`${p}.${2 * i}`, 'Conv2d', { in_channels: i === 0 ? cin : cout, out_channels: cout, kernel_size: 3, padding: 1 }));
    mods.push(tr.module(`${p}.${2 * i + 1}`, 'ReLU', { inplace: true }));
  }
  mods.push(tr.module(`${p}.${2 * n}`, 'MaxPool2d', { kernel_size: 2, stride: 2 }));
  return (x) => mods.reduce((h, f) => f(h), x);
}

function fcn(variant: '32s' | '8s', x: Tensor): Trace {
  const tr = new Trace();
  const conv1 = vggStage(tr, 'conv1', 3, 64, 2);
  const conv2 = vggStage(tr, 'conv2', 64, 128, 2);
  const conv3 = vggStage(tr, 'conv3', 128, 256, 3);
  const conv4 = vggStage(tr, 'conv4', 256, 512, 3);
  const conv5 = vggStage(tr, 'conv5', 512, 512, 3);
  const fcBlock = (p: string, cin: number) => {
    const mods = [
      tr.module(`${p}.0`, 'Conv2d', { in_channels: cin, out_channels: 4096, kernel_size: 1 }),
      tr.module(`${p}.1`, 'ReLU', { inplace: true }),
      tr.module(`${p}.2`, 'Dropout2d', {}),
    ];
    return (h: Tensor) => mods.reduce((a, f) => f(a), h);
  };
  const fc6 = fcBlock('fc6', 512);
  const fc7 = fcBlock('fc7', 4096);
  if (variant === '32s') {
    const score = tr.module('score', 'Conv2d', { in_channels: 4096, out_channels: 21, kernel_size: 1, stride: 1, padding: 0 });
    const upscore = tr.module('upscore', 'ConvTranspose2d', { in_channels: 21, out_channels: 21, kernel_size: 64, stride: 32, padding: 16 });
    upscore(score(fc7(fc6(conv5(conv4(conv3(conv2(conv1(x)))))))));
    return tr;
  }
  const scoreFr = tr.module('score_fr', 'Conv2d', { in_channels: 4096, out_channels: 21, kernel_size: 1 });
  const scorePool3 = tr.module('score_pool3', 'Conv2d', { in_channels: 256, out_channels: 21, kernel_size: 1 });
  const scorePool4 = tr.module('score_pool4', 'Conv2d', { in_channels: 512, out_channels: 21, kernel_size: 1 });
  const up = (n: string, k: number, s: number, p: number) =>
    tr.module(n, 'ConvTranspose2d', { in_channels: 21, out_channels: 21, kernel_size: k, stride: s, padding: p, bias: false });
  const upscore2 = up('upscore2', 4, 2, 1);
  const upscorePool4 = up('upscore_pool4', 4, 2, 1);
  const upscore8 = up('upscore8', 16, 8, 4);
  const pool3 = conv3(conv2(conv1(x)));
  const pool4 = conv4(pool3);
  let h = fc7(fc6(conv5(pool4)));
  h = upscore2(scoreFr(h));
  h = add(h, scorePool4(pool4));
  h = upscorePool4(h);
  h = add(h, scorePool3(pool3));
  upscore8(h);
  return tr;
}

function dcgan(which: 'Generator' | 'Discriminator', x: Tensor): Trace {
  const tr = new Trace();
  const mods: ((h: Tensor) => Tensor)[] = [];
  const m = (type: string, args: OpArgs) => mods.push(tr.module(`main.${mods.length}`, type, args));
  if (which === 'Generator') {
    const chans = [100, 512, 256, 128, 64];
    m('ConvTranspose2d', { in_channels: 100, out_channels: 512, kernel_size: 4, stride: 1, padding: 0, bias: false });
    m('BatchNorm2d', { num_features: 512 });
    m('ReLU', { inplace: true });
    for (let i = 1; i < 4; i++) {
      m('ConvTranspose2d', { in_channels: chans[i]!, out_channels: chans[i + 1]!, kernel_size: 4, stride: 2, padding: 1, bias: false });
      m('BatchNorm2d', { num_features: chans[i + 1]! });
      m('ReLU', { inplace: true });
    }
    m('ConvTranspose2d', { in_channels: 64, out_channels: 3, kernel_size: 4, stride: 2, padding: 1, bias: false });
    m('Tanh', {});
  } else {
    m('Conv2d', { in_channels: 3, out_channels: 64, kernel_size: 4, stride: 2, padding: 1, bias: false });
    m('LeakyReLU', { negative_slope: 0.2, inplace: true });
    for (const c of [64, 128, 256]) {
      m('Conv2d', { in_channels: c, out_channels: 2 * c, kernel_size: 4, stride: 2, padding: 1, bias: false });
      m('BatchNorm2d', { num_features: 2 * c });
      m('LeakyReLU', { negative_slope: 0.2, inplace: true });
    }
    m('Conv2d', { in_channels: 512, out_channels: 1, kernel_size: 4, stride: 1, padding: 0, bias: false });
    m('Sigmoid', {});
  }
  mods.reduce((h, f) => f(h), x);
  return tr;
}

function vaeDecoder(which: 'Decoder' | 'ResizeConvDecoder', z: Tensor): Trace {
  const tr = new Trace();
  const channels = [256, 128, 64, 32];
  const fc = tr.module('fc', 'Linear', { in_features: 128, out_features: 4096 });
  // x.view(-1, 256, 4, 4): a view has no spatial meaning to carry over
  const view = (h: Tensor) => t([h.shape[0]!, 256, 4, 4], null);
  if (which === 'Decoder') {
    const blocks: ((h: Tensor) => Tensor)[] = [];
    channels.slice(0, -1).forEach((cin, i) => {
      const cout = channels[i + 1]!;
      blocks.push(tr.module(`blocks.${3 * i}`, 'ConvTranspose2d', { in_channels: cin, out_channels: cout, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 }));
      blocks.push(tr.module(`blocks.${3 * i + 1}`, 'BatchNorm2d', { num_features: cout }));
      blocks.push(tr.module(`blocks.${3 * i + 2}`, 'LeakyReLU', { negative_slope: 0.2 }));
    });
    const head = [
      tr.module('head.0', 'ConvTranspose2d', { in_channels: 32, out_channels: 32, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 }),
      tr.module('head.1', 'Conv2d', { in_channels: 32, out_channels: 3, kernel_size: 3, padding: 1 }),
      tr.module('head.2', 'Sigmoid', {}),
    ];
    [...blocks, ...head].reduce((h, f) => f(h), view(fc(z)));
    return tr;
  }
  const ups: ((h: Tensor) => Tensor)[] = [];
  channels.slice(0, -1).forEach((cin, i) => {
    ups.push(tr.module(`ups.${i}.0`, 'Upsample', { scale_factor: 2, mode: 'nearest' }));
    ups.push(tr.module(`ups.${i}.1`, 'Conv2d', { in_channels: cin, out_channels: channels[i + 1]!, kernel_size: 3, padding: 1 }));
    ups.push(tr.module(`ups.${i}.2`, 'LeakyReLU', { negative_slope: 0.2 }));
  });
  const out = tr.module('out', 'Conv2d', { in_channels: 32, out_channels: 3, kernel_size: 3, padding: 1 });
  fn('F.sigmoid', { input: out(ups.reduce((h, f) => f(h), view(fc(z)))) });
  return tr;
}

function unet(bilinear: boolean, x: Tensor): Trace {
  const tr = new Trace();
  const doubleConv = (p: string, cin: number, cout: number, mid = cout) => {
    const mods = [
      tr.module(`${p}.double_conv.0`, 'Conv2d', { in_channels: cin, out_channels: mid, kernel_size: 3, padding: 1, bias: false }),
      tr.module(`${p}.double_conv.1`, 'BatchNorm2d', { num_features: mid }),
      tr.module(`${p}.double_conv.2`, 'ReLU', { inplace: true }),
      tr.module(`${p}.double_conv.3`, 'Conv2d', { in_channels: mid, out_channels: cout, kernel_size: 3, padding: 1, bias: false }),
      tr.module(`${p}.double_conv.4`, 'BatchNorm2d', { num_features: cout }),
      tr.module(`${p}.double_conv.5`, 'ReLU', { inplace: true }),
    ];
    return (h: Tensor) => mods.reduce((a, f) => f(a), h);
  };
  const down = (p: string, cin: number, cout: number) => {
    const pool = tr.module(`${p}.maxpool_conv.0`, 'MaxPool2d', { kernel_size: 2 });
    const conv = doubleConv(`${p}.maxpool_conv.1`, cin, cout);
    return (h: Tensor) => conv(pool(h));
  };
  const upBlock = (p: string, cin: number, cout: number) => {
    const up = bilinear
      ? tr.module(`${p}.up`, 'Upsample', { scale_factor: 2, mode: 'bilinear', align_corners: true })
      : tr.module(`${p}.up`, 'ConvTranspose2d', { in_channels: cin, out_channels: Math.floor(cin / 2), kernel_size: 2, stride: 2 });
    const conv = bilinear ? doubleConv(`${p}.conv`, cin, cout, Math.floor(cin / 2)) : doubleConv(`${p}.conv`, cin, cout);
    return (x1: Tensor, x2: Tensor) => {
      x1 = up(x1);
      const diffY = x2.shape[2]! - x1.shape[2]!;
      const diffX = x2.shape[3]! - x1.shape[3]!;
      const padded = paddedShape('F.pad', x1, [Math.floor(diffX / 2), diffX - Math.floor(diffX / 2), Math.floor(diffY / 2), diffY - Math.floor(diffY / 2)]);
      return conv(cat1(x2, t(padded, x1.geometry)));
    };
  };
  const factor = bilinear ? 2 : 1;
  const inc = doubleConv('inc', 3, 64);
  const down1 = down('down1', 64, 128);
  const down2 = down('down2', 128, 256);
  const down3 = down('down3', 256, 512);
  const down4 = down('down4', 512, 1024 / factor);
  const up1 = upBlock('up1', 1024, 512 / factor);
  const up2 = upBlock('up2', 512, 256 / factor);
  const up3 = upBlock('up3', 256, 128 / factor);
  const up4 = upBlock('up4', 128, 64);
  const outc = tr.module('outc', 'Conv2d', { in_channels: 64, out_channels: 2, kernel_size: 1 });
  const x1 = inc(x);
  const x2 = down1(x1);
  const x3 = down2(x2);
  const x4 = down3(x3);
  const x5 = down4(x4);
  outc(up4(up3(up2(up1(x5, x4), x3), x2), x1));
  return tr;
}

describe('fixture models, module by module', () => {
  const cases: [string, () => Trace][] = [
    ['resnet_resnet18', () => resnet('basic', [2, 2, 2, 2], t([1, 3, 224, 224]))],
    ['resnet_resnet34', () => resnet('basic', [3, 4, 6, 3], t([1, 3, 224, 224]))],
    ['resnet_resnet50', () => resnet('bottleneck', [3, 4, 6, 3], t([1, 3, 224, 224]))],
    ['resnet_resnet101', () => resnet('bottleneck', [3, 4, 23, 3], t([1, 3, 224, 224]))],
    ['resnet_resnet152', () => resnet('bottleneck', [3, 8, 36, 3], t([1, 3, 224, 224]))],
    ['resnet_resnext50_32x4d', () => resnet('bottleneck', [3, 4, 6, 3], t([1, 3, 224, 224]), { groups: 32, widthPerGroup: 4 })],
    ['resnet_wide_resnet50_2', () => resnet('bottleneck', [3, 4, 6, 3], t([1, 3, 224, 224]), { widthPerGroup: 128 })],
    [
      'resnet_resnet50_replace_stride_with_dilation_False_True_True',
      () => resnet('bottleneck', [3, 4, 6, 3], t([1, 3, 473, 473]), { dilate: [false, true, true] }),
    ],
    ['fcn_FCN32s', () => fcn('32s', t([1, 3, 224, 224]))],
    ['fcn_FCN8s', () => fcn('8s', t([1, 3, 224, 224]))],
    ['dcgan_Generator', () => dcgan('Generator', t([1, 100, 1, 1]))],
    ['dcgan_Discriminator', () => dcgan('Discriminator', t([1, 3, 64, 64]))],
    ['vae_decoder_Decoder', () => vaeDecoder('Decoder', t([2, 128]))],
    ['vae_decoder_ResizeConvDecoder', () => vaeDecoder('ResizeConvDecoder', t([2, 128]))],
    ['unet_UNet', () => unet(false, t([1, 3, 256, 256]))],
    ['unet_UNet_bilinear_True', () => unet(true, t([1, 3, 256, 256]))],
  ];
  for (const [file, make] of cases) {
    test(`${file}: every module call’s shapes, MACs, rf and jump; total params and MACs`, () => {
      const expected = JSON.parse(readFileSync(resolve(FIXTURES, `${file}.json`), 'utf8')) as Fixture;
      const trace = make();
      const modules = expected.layers.filter((l) => l.name !== null);
      assert.equal(trace.layers.length, modules.length, 'number of module calls');
      trace.layers.forEach((got, i) => {
        const want = modules[i]!;
        assert.deepEqual(
          { name: got.name, type: got.type, in: got.in, out: got.out, macs: got.macs, rf: got.rf, jump: got.jump },
          { name: want.name, type: want.type, in: want.in, out: want.out, macs: want.macs, rf: want.rf, jump: want.jump },
          `layer ${i}`,
        );
      });
      assert.equal(trace.params, expected.params, 'params');
      assert.equal(trace.macs, expected.macs, 'MACs (functional calls add none in these models)');
    });
  }

  test('published numbers: ResNet-50 4,089,184,256 MACs and 25,557,032 params; FCN32s 16,364,199,936 MACs', () => {
    const r50 = resnet('bottleneck', [3, 4, 6, 3], t([1, 3, 224, 224]));
    assert.equal(r50.macs, 4089184256);
    assert.equal(r50.params, 25557032);
    assert.equal(fcn('32s', t([1, 3, 224, 224])).macs, 16364199936);
  });
});
