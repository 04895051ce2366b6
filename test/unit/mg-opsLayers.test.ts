// What `npm run mutation` found unchecked in the conv / transposed-conv / pool / adaptive-pool /
// padding operators beyond their shapes (those are in test/oracle/mg-layer-cases.test.ts against
// real PyTorch): the one-line descriptions the hovers show, the per-layer geometry records, rf
// and jump of the outputs, and that each refusal says what is wrong. Expected values are worked
// out by hand in each test.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { OpError, type AxisGeometry, type OpArgs, type OpResult, type Tensor } from '../../server/src/engine/ops/types';
import { format, parse } from '../../server/src/engine/rational';

const t = (shape: number[], geometry: AxisGeometry[] | null = null): Tensor => ({ kind: 'tensor', shape, geometry });
const geo = (rf: number | string, jump: number | string, n = 2): AxisGeometry[] =>
  Array.from({ length: n }, () => ({ rf: parse(rf), jump: parse(jump) }));
const axes = (x: Tensor): string[] => (x.geometry ?? []).map((g) => `${format(g.rf)}@${format(g.jump)}`);

function describeOf(name: string, args: OpArgs): string {
  const s = moduleSpecs.get(name)!;
  return s.describe(s.build(args));
}

function run(name: string, args: OpArgs, input: Tensor, forwardArgs: OpArgs = {}): OpResult & { out: Tensor } {
  const s = moduleSpecs.get(name)!;
  const r = s.forward(s.build(args), { input, ...forwardArgs });
  return { ...r, out: (Array.isArray(r.value) ? r.value[0] : r.value) as Tensor };
}

function refuses(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof OpError, `expected an OpError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

describe('conv.ts', () => {
  test('descriptions name every non-default argument', () => {
    assert.equal(
      describeOf('Conv2d', { in_channels: 4, out_channels: 8, kernel_size: 3, padding: 'same', dilation: 2, groups: 2, bias: false, padding_mode: 'reflect' }),
      '4→8, k=3, p=same, d=2, g=2, no bias, reflect',
    );
    assert.equal(describeOf('Conv2d', { in_channels: 4, out_channels: 8, kernel_size: [3, 1], stride: [1, 2], padding: 2, padding_mode: 'circular' }), '4→8, k=3×1, s=1×2, p=2, circular');
    assert.equal(describeOf('Conv2d', { in_channels: 4, out_channels: 8, kernel_size: 3, padding: 'valid' }), '4→8, k=3');
    assert.equal(describeOf('Conv2d', { in_channels: 4, out_channels: 8, kernel_size: 3, padding: [0, 1] }), '4→8, k=3, p=0×1');
    assert.equal(describeOf('Conv1d', { in_channels: 4, out_channels: 8, kernel_size: 3, stride: 1, dilation: 1, groups: 1 }), '4→8, k=3');
  });

  test("'same' padding puts the odd pixel on the right; rf and jump of the output", () => {
    // k=4, d=3: total 9, left 4 (right 5); output o reads inputs o−4 … o+5, rf 1 + 9 = 10.
    const r = run('Conv1d', { in_channels: 2, out_channels: 2, kernel_size: 4, dilation: 3, padding: 'same' }, t([1, 2, 20], geo(1, 1, 1)));
    assert.deepEqual(r.geometry, { kernel: [4], stride: [1], padding: [4], dilation: [3] });
    assert.deepEqual(axes(r.out), ['10@1']);
    // from rf 3, jump 2: k=3, s=2, d=2 → rf 3 + (5 − 1)·2 = 11, jump 4
    const s = run('Conv2d', { in_channels: 2, out_channels: 2, kernel_size: 3, stride: 2, dilation: 2, padding: 1 }, t([1, 2, 20, 20], geo(3, 2)));
    assert.deepEqual(axes(s.out), ['11@4', '11@4']);
    assert.deepEqual(s.geometry, { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [2, 2] });
  });

  test('refusals say what is wrong', () => {
    const build = (args: OpArgs) => () => moduleSpecs.get('Conv2d')!.build({ in_channels: 4, out_channels: 8, kernel_size: 3, ...args });
    refuses(build({ in_channels: -1 }), /Conv2d: channel counts must not be negative \(in_channels=-1, out_channels=8\)/);
    refuses(build({ out_channels: -8 }), /channel counts must not be negative \(in_channels=4, out_channels=-8\)/);
    refuses(build({ kernel_size: [3, 0] }), /Conv2d: kernel_size must be positive, got \[3, 0\]/);
    refuses(build({ groups: 0 }), /Conv2d: groups must be a positive integer, got 0/);
    refuses(build({ groups: 3 }), /in_channels must be divisible by groups \(in_channels=4, groups=3\)/);
    refuses(build({ out_channels: 6, groups: 4 }), /out_channels must be divisible by groups \(out_channels=6, groups=4\)/);
    refuses(build({ padding_mode: 'zero' }), /padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'zero'/);
    refuses(build({ padding: 'full' }), /Conv2d: invalid padding string 'full', should be one of 'same', 'valid'/);
    refuses(build({ stride: [1, 0] }), /Conv2d: stride must be positive, got \[1, 0\]/);
    refuses(build({ dilation: [0, 1] }), /Conv2d: dilation must be positive, got \[0, 1\]/);
    refuses(build({ padding: [-1, 0] }), /Conv2d: negative padding is not supported, got \[-1, 0\]/);
    refuses(build({ padding: 'same', stride: 2 }), /padding='same' is not supported for strided convolutions \(stride \[2, 2\]\)/);
    const conv = (args: OpArgs, shape: number[]) => () => run('Conv2d', { in_channels: 4, out_channels: 8, kernel_size: 3, ...args }, t(shape));
    refuses(conv({}, [1, 3, 5, 5]), /Conv2d expects 4 input channels but got 3 \(input shape \[1, 3, 5, 5\]\)/);
    refuses(conv({ padding: 2, padding_mode: 'reflect' }, [1, 4, 2, 3]), /reflect padding 2 must be smaller than the input size 2/);
    refuses(conv({ padding: 2, padding_mode: 'circular' }, [1, 4, 1, 2]), /circular padding 2 can wrap at most once around the input size 1/);
    refuses(conv({ dilation: 2 }, [1, 4, 4, 5]), /the padded input \(4 × 5\) is smaller than the dilated kernel \(5 × 5\)/);
    refuses(conv({}, [1, 4, 2, 5]), /the padded input \(2 × 5\) is smaller than the kernel \(3 × 3\)/);
    refuses(conv({ out_channels: 0 }, [1, 4, 5, 5]), /out_channels=0/);
    refuses(() => run('Conv2d', { in_channels: 0, out_channels: 8, kernel_size: 3 }, t([1, 0, 5, 5])), /in_channels=0/);
  });

  test('F.conv2d: the weight describes the layer; its refusals', () => {
    const f = layerFunctionSpecs.get('F.conv2d')!;
    const call = (weight: number[], extra: OpArgs = {}) => () => f.apply({ input: t([1, 6, 5, 5]), weight: t(weight), ...extra });
    refuses(call([9, 6, 2]), /F\.conv2d expects a 4D weight \[out_channels, in_channels\/groups, kH, kW\], got shape \[9, 6, 2\]/);
    refuses(() => layerFunctionSpecs.get('F.conv1d')!.apply({ input: t([1, 6, 5]), weight: t([9, 6, 2, 2]) }), /3D weight \[out_channels, in_channels\/groups, kW\]/);
    refuses(() => layerFunctionSpecs.get('F.conv3d')!.apply({ input: t([1, 6, 5, 5, 5]), weight: t([9, 6, 2, 2]) }), /5D weight \[out_channels, in_channels\/groups, kD, kH, kW\]/);
    refuses(call([9, 6, 3, 3], { groups: 0 }), /F\.conv2d: groups must be a positive integer, got 0/);
    refuses(call([8, 2, 2, 3], { groups: 3 }), /with groups=3 the weight's first dim must be divisible by 3/);
    refuses(call([9, 2, 2, 3], { groups: 3, bias: t([8]) }), /expected a bias of 9 elements for weight \[9, 2, 2, 3\], but got bias of shape \[8\]/);
    refuses(call([9, 2, 2, 3], { groups: 3, bias: t([9, 1]) }), /bias of shape \[9, 1\]/);
    const ok = f.apply({ input: t([1, 6, 5, 5], geo(1, 1)), weight: t([9, 2, 2, 3]), bias: t([9]), groups: 3, stride: 2 });
    // out 2×2 · 9 channels = 36 elements, each 2·(2·3) MACs
    assert.equal(ok.macs, 36 * 12);
    assert.deepEqual(axes(ok.value as Tensor), ['2@2', '3@2']);
  });
});

describe('convTranspose.ts', () => {
  test('descriptions name every non-default argument', () => {
    assert.equal(
      describeOf('ConvTranspose2d', { in_channels: 4, out_channels: 8, kernel_size: [3, 4], stride: 2, padding: 1, output_padding: 1, dilation: 2, groups: 2, bias: false }),
      '4→8, k=3×4, s=2, p=1, op=1, d=2, g=2, no bias',
    );
    assert.equal(describeOf('ConvTranspose1d', { in_channels: 4, out_channels: 8, kernel_size: 3 }), '4→8, k=3');
  });

  test('geometry record, overlap pattern and rf / jump of the output', () => {
    // k=3 s=2 p=1: taps per phase (m + 1 − t ≡ 0 mod 2): m=0 → t=1 (1), m=1 → t=0,2 (2).
    const r = run('ConvTranspose2d', { in_channels: 2, out_channels: 2, kernel_size: 3, stride: 2, padding: 1 }, t([1, 2, 5, 5], geo(1, 1)));
    assert.deepEqual(r.geometry, { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], overlap: [[1, 2], [1, 2]] });
    // span ceil(3/2) = 2: rf 1 + 1·1 = 2, jump 1/2
    assert.deepEqual(axes(r.out), ['2@1/2', '2@1/2']);
    // 1·2·5·5 = 50 input elements · (2/1) · 9 taps
    assert.equal(r.macs, 50 * 2 * 9);
  });

  test('output_size= picks the output padding within [min, min + stride − 1]', () => {
    const layer = { in_channels: 2, out_channels: 2, kernel_size: 3, stride: 3 };
    // min = (5 − 1)·3 + 3 = 15, max 17
    const ok = run('ConvTranspose1d', layer, t([1, 2, 5]), { output_size: [17] });
    assert.deepEqual(ok.out.shape, [1, 2, 17]);
    assert.deepEqual(run('ConvTranspose1d', layer, t([1, 2, 5]), { output_size: [1, 2, 15] }).out.shape, [1, 2, 15]);
    assert.deepEqual(run('ConvTranspose1d', layer, t([2, 5]), { output_size: [2, 16] }).out.shape, [2, 16]);
    refuses(() => run('ConvTranspose1d', layer, t([1, 2, 5]), { output_size: [18] }), /requested an output size of \[18\], but valid sizes range from \[15\] to \[17\] \(for an input of \[5\]\)/);
    refuses(() => run('ConvTranspose1d', layer, t([1, 2, 5]), { output_size: [14] }), /valid sizes range from \[15\] to \[17\]/);
    refuses(() => run('ConvTranspose1d', layer, t([1, 2, 5]), { output_size: [2, 15] }), /for 3D input, output_size must have 1 or 3 elements \(got 2\)/);
    refuses(() => run('ConvTranspose1d', layer, t([2, 5]), { output_size: [1, 2, 15] }), /for 2D input, output_size must have 1 or 2 elements \(got 3\)/);
    refuses(() => run('ConvTranspose1d', layer, t([1, 2, 5]), { output_size: [15.5] }), /output_size must be a list of integers, got \[15\.5\]/);
    assert.deepEqual(run('ConvTranspose1d', layer, t([1, 2, 5]), { output_size: null }).out.shape, [1, 2, 15]);
  });

  test('refusals say what is wrong', () => {
    const build = (args: OpArgs) => () => moduleSpecs.get('ConvTranspose2d')!.build({ in_channels: 4, out_channels: 8, kernel_size: 3, ...args });
    refuses(build({ padding: 'same' }), /padding must be an integer or a tuple of 2 integers \('same'\/'valid' are for Conv2d only\)/);
    refuses(build({ padding_mode: 'reflect' }), /only "zeros" padding mode is supported for ConvTranspose2d, got 'reflect'/);
    refuses(build({ in_channels: -4 }), /channel counts must not be negative \(in_channels=-4, out_channels=8\)/);
    refuses(build({ kernel_size: [3, 0] }), /kernel_size must be positive, got \[3, 0\]/);
    refuses(build({ stride: [0, 1] }), /stride must be positive, got \[0, 1\]/);
    refuses(build({ dilation: [1, 0] }), /dilation must be positive, got \[1, 0\]/);
    refuses(build({ padding: [0, -1] }), /negative padding is not supported, got \[0, -1\]/);
    refuses(build({ output_padding: [-1, 0] }), /negative output_padding is not supported, got \[-1, 0\]/);
    refuses(build({ groups: 0 }), /groups must be a positive integer, got 0/);
    refuses(build({ groups: 3 }), /in_channels must be divisible by groups \(in_channels=4, groups=3\)/);
    refuses(build({ in_channels: 6, groups: 3 }), /out_channels must be divisible by groups \(out_channels=8, groups=3\)/);
    const ct = (args: OpArgs, shape: number[]) => () => run('ConvTranspose2d', { in_channels: 4, out_channels: 8, kernel_size: 3, ...args }, t(shape));
    refuses(ct({}, [1, 3, 5, 5]), /ConvTranspose2d expects 4 input channels but got 3/);
    refuses(ct({ stride: 2, output_padding: 2 }, [1, 4, 5, 5]), /output_padding must be smaller than either stride or dilation, but got output_padding \[2, 2\] with stride \[2, 2\] and dilation \[1, 1\]/);
    refuses(ct({ padding: 2 }, [1, 4, 1, 1]), /the calculated output size \(-1 × -1\) is too small for input size \(1 × 1\) with padding \[2, 2\]/);
    refuses(ct({ padding: 2 }, [1, 4, 2, 1]), /\(0 × -1\)/);
    refuses(ct({ out_channels: 0 }, [1, 4, 5, 5]), /out_channels=0/);
    refuses(() => run('ConvTranspose2d', { in_channels: 0, out_channels: 4, kernel_size: 3 }, t([1, 0, 5, 5])), /in_channels=0/);
  });

  test('F.conv_transpose2d: weight [C_in, C_out/groups, *k]; its refusals', () => {
    const f = layerFunctionSpecs.get('F.conv_transpose2d')!;
    const r = f.apply({ input: t([1, 6, 5, 5]), weight: t([6, 3, 2, 3]), bias: t([6]), groups: 2, stride: 2 });
    assert.deepEqual((r.value as Tensor).shape, [1, 6, 10, 11]);
    // 150 input elements · 3 · 6
    assert.equal(r.macs, 150 * 3 * 6);
    refuses(() => f.apply({ input: t([1, 6, 5, 5]), weight: t([6, 3, 2]) }), /F\.conv_transpose2d expects a 4D weight \[in_channels, out_channels\/groups, \*kernel\], got shape \[6, 3, 2\]/);
    refuses(() => f.apply({ input: t([1, 6, 5, 5]), weight: t([6, 3, 2, 3]), groups: 4 }), /with groups=4 the weight's first dim must be divisible by 4/);
    refuses(() => f.apply({ input: t([1, 6, 5, 5]), weight: t([6, 3, 2, 3]), groups: 2, bias: t([3]) }), /expected a bias of 6 elements for weight \[6, 3, 2, 3\], but got bias of shape \[3\]/);
    refuses(() => f.apply({ input: t([1, 6, 5, 5]), weight: t([6, 3, 2, 3]), groups: 2, bias: t([6, 1]) }), /bias of shape \[6, 1\]/);
    refuses(() => f.apply({ input: t([1, 6, 5, 5]), weight: t([6, 3, 2, 3]), groups: 0 }), /groups must be a positive integer, got 0/);
  });
});

describe('pool.ts', () => {
  test('descriptions name every non-default argument', () => {
    assert.equal(
      describeOf('MaxPool2d', { kernel_size: 3, stride: [2, 1], padding: 1, dilation: 2, ceil_mode: true, return_indices: true }),
      'k=3, s=2×1, p=1, d=2, ceil_mode, return_indices',
    );
    assert.equal(describeOf('AvgPool2d', { kernel_size: 3, stride: 3, count_include_pad: false, divisor_override: 2 }), 'k=3, count_include_pad=False, divisor=2');
    assert.equal(describeOf('AvgPool1d', { kernel_size: 2 }), 'k=2');
    assert.equal(describeOf('LPPool2d', { norm_type: 2, kernel_size: 3, stride: 2 }), 'p=2, k=3, s=2');
  });

  test('geometry record and rf / jump; LPPool has no padding or dilation', () => {
    const r = run('MaxPool2d', { kernel_size: 3, stride: 2, padding: 1, dilation: 2 }, t([1, 2, 9, 9], geo(3, 2)));
    // rf 3 + (5 − 1)·2 = 11, jump 4
    assert.deepEqual(axes(r.out), ['11@4', '11@4']);
    assert.deepEqual(r.geometry, { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [2, 2] });
    const lp = run('LPPool2d', { norm_type: 2, kernel_size: 2 }, t([1, 2, 6, 6]));
    assert.deepEqual(lp.geometry, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] });
    assert.equal(run('AvgPool2d', { kernel_size: 2 }, t([1, 2, 6, 6])).macs, 0);
  });

  test('refusals say what is wrong', () => {
    const build = (args: OpArgs) => () => moduleSpecs.get('MaxPool2d')!.build({ kernel_size: 3, ...args });
    refuses(build({ kernel_size: [3, 0] }), /MaxPool2d: kernel size should be greater than zero, but got \[3, 0\]/);
    refuses(build({ stride: [0, 1] }), /stride should be greater than zero, but got \[0, 1\]/);
    refuses(build({ dilation: [1, 0] }), /dilation should be greater than zero, but got \[1, 0\]/);
    refuses(build({ padding: [-1, 0] }), /padding must be non-negative, but got \[-1, 0\]/);
    refuses(build({ padding: [1, 2] }), /padding should be at most half of the kernel size, but got padding \[1, 2\] for kernel \[3, 3\]/);
    refuses(() => moduleSpecs.get('AvgPool2d')!.build({ kernel_size: 3, divisor_override: 0 }), /AvgPool2d: divisor must be not zero/);
    refuses(() => run('MaxPool2d', { kernel_size: 2 }, t([1, 0, 4, 4])), /MaxPool2d expects non-empty non-batch dimensions, but got input of shape \[1, 0, 4, 4\]/);
    refuses(
      () => run('MaxPool2d', { kernel_size: 3, stride: 1 }, t([1, 4, 2, 3])),
      /given input size \(2 × 3\), the calculated output size \(0 × 1\) is too small \(kernel \[3, 3\], stride \[1, 1\], padding \[0, 0\]; input shape \[1, 4, 2, 3\]\)/,
    );
  });

  test('max_pool1d without indices accepts an empty output; with indices it needs a window', () => {
    assert.deepEqual(run('MaxPool1d', { kernel_size: 3 }, t([1, 4, 2])).out.shape, [1, 4, 0]);
    refuses(() => run('MaxPool1d', { kernel_size: 3, return_indices: true }, t([1, 4, 2])), /too small/);
    refuses(() => layerFunctionSpecs.get('F.max_pool1d_with_indices')!.apply({ input: t([1, 4, 2]), kernel_size: 3 }), /too small/);
    refuses(() => run('AvgPool1d', { kernel_size: 3 }, t([1, 4, 2])), /too small/);
    const both = layerFunctionSpecs.get('F.max_pool2d_with_indices')!.apply({ input: t([1, 3, 7, 6]), kernel_size: 2 });
    assert.ok(Array.isArray(both.value) && both.value.length === 2);
  });
});

describe('adaptivePool.ts', () => {
  test('descriptions', () => {
    assert.equal(describeOf('AdaptiveAvgPool2d', { output_size: [3, 3] }), 'out=3');
    assert.equal(describeOf('AdaptiveAvgPool2d', { output_size: [3, 4] }), 'out=3×4');
    assert.equal(describeOf('AdaptiveMaxPool2d', { output_size: [3, null], return_indices: true }), 'out=(3, None), return_indices');
  });

  test('a layer record with a stride only when every axis divides', () => {
    // 8 → 4: windows of 2, stride 2; 7 → 3: widest window ceil(7/3)+... = 3, no stride.
    const even = run('AdaptiveAvgPool2d', { output_size: [4, 2] }, t([1, 2, 8, 6]));
    assert.deepEqual(even.geometry, { kernel: [2, 3], stride: [2, 3] });
    const uneven = run('AdaptiveAvgPool2d', { output_size: [4, 3] }, t([1, 2, 8, 7]));
    assert.deepEqual(uneven.geometry, { kernel: [2, 3] });
    const none = run('AdaptiveAvgPool2d', { output_size: [null, 2] }, t([1, 2, 5, 6]));
    assert.deepEqual(none.out.shape, [1, 2, 5, 2]);
    assert.deepEqual(none.geometry, { kernel: [1, 3], stride: [1, 3] });
  });

  test('refusals say what is wrong', () => {
    const build = (output_size: unknown) => () => moduleSpecs.get('AdaptiveAvgPool2d')!.build({ output_size } as OpArgs);
    refuses(build(-1), /AdaptiveAvgPool2d: elements of output_size must be greater than or equal to 0, got -1/);
    refuses(build([2, -1]), /elements of output_size must be greater than or equal to 0, got \(2, -1\)/);
    refuses(build(2.5), /output_size must be an integer or a tuple of 2 integers \(or None\), got 2\.5/);
    refuses(build([2, 2.5]), /output_size must be an integer or a tuple of 2 integers/);
    refuses(build([2, 'a']), /output_size must be an integer or a tuple of 2 integers/);
    refuses(build([2, 2, 2]), /output_size must be an integer or a tuple of 2 integers/);
    refuses(
      () => run('AdaptiveMaxPool2d', { output_size: 2 }, t([1, 4, 0, 5])),
      /AdaptiveMaxPool2d expects input to have non-zero size for non-batch dimensions, but input has shape \[1, 4, 0, 5\] with dimension 2 being empty/,
    );
  });
});

describe('padding.ts', () => {
  test('descriptions', () => {
    assert.equal(describeOf('ConstantPad2d', { padding: [1, 2, 3, 4], value: 1.5 }), '1×2×3×4, value=1.5');
    assert.equal(describeOf('ConstantPad1d', { padding: 2, value: 0 }), '2');
    assert.equal(describeOf('ZeroPad2d', { padding: 1 }), '1');
    assert.equal(describeOf('ReflectionPad2d', { padding: [1, 1, 2, 2] }), '1×1×2×2');
  });

  test('geometry: rf and jump pass through; the left padding per axis, first axis first', () => {
    const r = run('ReplicationPad2d', { padding: [1, 2, 3, 4] }, t([1, 2, 5, 6], geo(3, 2)));
    assert.deepEqual(r.out.shape, [1, 2, 12, 9]);
    assert.deepEqual(axes(r.out), ['3@2', '3@2']);
    assert.deepEqual(r.geometry, { padding: [3, 1] });
    assert.equal(r.macs, 0);
  });

  test('refusals say what is wrong', () => {
    // (A negative reflection pad crops: torch 1.13 accepts ReflectionPad1d((-1, 1)), test/golden/torch/moa_ops.json.)
    refuses(
      () => run('ConstantPad2d', { padding: [1, 1, 1, 1], value: 0 }, t([4])),
      /ConstantPad2d: padding of length 4 needs an input with at least 2 dimensions, but got shape \[4\]/,
    );
    refuses(() => run('ReflectionPad1d', { padding: [3, 3] }, t([4])), /ReflectionPad1d expects a 2D \(unbatched\) or 3D \(batched\) input, but got a 1D input of shape \[4\]/);
    refuses(
      () => run('ReflectionPad1d', { padding: [2, 4] }, t([1, 2, 4])),
      /padding size should be less than the corresponding input dimension, but got padding \(2, 4\) at dimension 2 of input \[1, 2, 4\]/,
    );
    refuses(() => run('ReflectionPad1d', { padding: [4, 2] }, t([1, 2, 4])), /padding \(4, 2\)/);
    refuses(
      () => run('ZeroPad2d', { padding: [-3, -2, 0, 1] }, t([1, 2, 3, 4])),
      /ZeroPad2d: the input size 4 plus padding -3 and -2 gives a size below 1 on dimension 3 \(input shape \[1, 2, 3, 4\]\)/,
    );
    // torch 1.13 refuses only when no axis keeps a size of 1 or more ([-1, 0, 0, 0] crops W to 0 and passes).
    refuses(() => run('ReplicationPad2d', { padding: [-1, 0, -3, 0] }, t([1, 2, 3, 1])), /ReplicationPad2d: input \[1, 2, 3, 1\] is too small for padding \[-1, 0, -3, 0\]: output \[1, 2, 0, 0\]/);
  });
});
