import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  adaptivePoolAxis,
  adaptivePoolSpan,
  convAxis,
  freshGeometry,
  griddingCheck,
  growAxis,
  isUneven,
  mergeGeometry,
  overlapPattern,
  pixelShuffleAxis,
  pixelUnshuffleAxis,
  rationalFromNumber,
  resizeAxis,
  resizeReadSpan,
  spatialGeometry,
  stackOverlapPattern,
  transposedConvAxis,
  transposedConvSpan,
  type GriddingLayer,
} from '../../server/src/engine/geometry';
import type { AxisGeometry, Tensor } from '../../server/src/engine/ops/types';
import { format, parse, rational } from '../../server/src/engine/rational';

const axis = (rf: string | number, jump: string | number): AxisGeometry => ({ rf: parse(rf), jump: parse(jump) });
const show = (g: AxisGeometry): string => `rf ${format(g.rf)}, jump ${format(g.jump)}`;

describe('rf / jump algebra', () => {
  test('fresh geometry is rf 1, jump 1 on every axis', () => {
    assert.deepEqual(freshGeometry(2).map(show), ['rf 1, jump 1', 'rf 1, jump 1']);
  });

  test('spatialGeometry takes the trailing axes; missing leading axes (or all, when null) start afresh', () => {
    const t: Tensor = { kind: 'tensor', shape: [1, 8, 4, 4, 4], geometry: [axis(3, 1), axis(5, 2), axis(7, 4)] };
    assert.deepEqual(spatialGeometry(t, 2).map(show), ['rf 5, jump 2', 'rf 7, jump 4']);
    assert.deepEqual(spatialGeometry({ ...t, geometry: null }, 2).map(show), ['rf 1, jump 1', 'rf 1, jump 1']);
    assert.deepEqual(spatialGeometry({ ...t, geometry: [axis(9, 2)] }, 2).map(show), ['rf 1, jump 1', 'rf 9, jump 2']);
  });

  test('growAxis adds (span − 1) · j_in and sets the new jump', () => {
    assert.equal(show(growAxis(axis(11, 4), 3, rational(8))), 'rf 19, jump 8');
    assert.equal(show(growAxis(axis('47/8', '1/16'), 3, rational(1, 16))), 'rf 6, jump 1/16');
  });

  test('ResNet stem: conv 7/2 then max pool 3/2 gives rf 11, jump 4 (fixture)', () => {
    const afterConv = convAxis(axis(1, 1), 7, 2);
    assert.equal(show(afterConv), 'rf 7, jump 2');
    assert.equal(show(convAxis(afterConv, 3, 2)), 'rf 11, jump 4');
  });

  test('dilated convolution reads d·(k−1)+1 positions', () => {
    // ResNet-50 dilated layer3: 3×3, dilation 2 at jump 8 grows rf 91 → 123 (= 91 + 4·8)
    assert.equal(show(convAxis(axis(91, 8), 3, 1, 2)), 'rf 123, jump 8');
  });

  test('transposed conv span is ceil(k/s) with d = 1', () => {
    const cases: [number, number, number][] = [
      [3, 2, 2],
      [4, 2, 2],
      [64, 32, 2],
      [16, 8, 2],
      [5, 2, 3],
      [1, 2, 1],
      [2, 3, 1],
      [4, 1, 4],
    ];
    for (const [k, s, span] of cases) assert.equal(transposedConvSpan(k, s), span, `k=${k} s=${s}`);
  });

  test('transposed conv span with dilation counts the extent of the reaching inputs', () => {
    // s = 1: like a convolution, d·(k−1)+1
    assert.equal(transposedConvSpan(3, 1, 2), 5);
    // k=3 s=2 d=2: o = 2i + 2t, all three taps hit even outputs from i = o/2 − {0,1,2}
    assert.equal(transposedConvSpan(3, 2, 2), 3);
    // k=3 s=4 d=2: taps t = 0 and 2 hit o ≡ 0 (mod 4) from i = o/4 and o/4 − 1
    assert.equal(transposedConvSpan(3, 4, 2), 2);
    // k=3 s=2 d=3: t=0,2 reach even outputs from i = o/2 and o/2 − 3: extent 4
    assert.equal(transposedConvSpan(3, 2, 3), 4);
  });

  test('DCGAN generator: k4 s2 transposed convs give rf 5, 11/2, 23/4, 47/8 (fixture)', () => {
    let g = transposedConvAxis(axis(1, 1), 4, 1);
    assert.equal(show(g), 'rf 4, jump 1');
    const expected = ['rf 5, jump 1/2', 'rf 11/2, jump 1/4', 'rf 23/4, jump 1/8', 'rf 47/8, jump 1/16'];
    for (const e of expected) {
      g = transposedConvAxis(g, 4, 2);
      assert.equal(show(g), e);
    }
  });

  test('FCN32s upscore: k64 s32 from rf 212 jump 32 gives rf 244 jump 1 (fixture)', () => {
    assert.equal(show(transposedConvAxis(axis(212, 32), 64, 32)), 'rf 244, jump 1');
  });

  test('adaptive pool span is the largest window', () => {
    assert.equal(adaptivePoolSpan(7, 1), 7);
    assert.equal(adaptivePoolSpan(10, 3), 4); // [0,4) [3,7) [6,10)
    assert.equal(adaptivePoolSpan(5, 3), 3); // [0,2) [1,4) [3,5)
    assert.equal(adaptivePoolSpan(4, 8), 1);
    assert.equal(adaptivePoolSpan(5, 4), 2);
    // ResNet-50 avgpool: 7 → 1 at rf 971, jump 32 (fixture)
    assert.equal(show(adaptivePoolAxis(axis(971, 32), 7, 1)), 'rf 1163, jump 224');
  });

  test('resize: nearest keeps rf, linear reads 2, cubic 4; jump j·in/out or j·(in−1)/(out−1) with align_corners', () => {
    assert.equal(show(resizeAxis(axis(1, 1), { mode: 'nearest', inSize: 4, outSize: 8 })), 'rf 1, jump 1/2');
    assert.equal(show(resizeAxis(axis(140, 16), { mode: 'bilinear', inSize: 16, outSize: 32, alignCorners: true })), 'rf 156, jump 240/31');
    assert.equal(show(resizeAxis(axis(140, 16), { mode: 'bilinear', inSize: 16, outSize: 32 })), 'rf 156, jump 8');
    assert.equal(show(resizeAxis(axis(3, 2), { mode: 'bicubic', inSize: 10, outSize: 20 })), 'rf 9, jump 1');
    assert.equal(show(resizeAxis(axis(3, 2), { mode: 'area', inSize: 10, outSize: 3 })), 'rf 9, jump 20/3');
    // with a user scale factor torch maps output o to input o / scale
    assert.equal(show(resizeAxis(axis(1, 1), { mode: 'nearest', inSize: 5, outSize: 7, scaleFactor: rational(3, 2) })), 'rf 1, jump 2/3');
    // nearest ignores align_corners
    assert.equal(show(resizeAxis(axis(1, 1), { mode: 'nearest', inSize: 5, outSize: 10, alignCorners: true })), 'rf 1, jump 1/2');
  });

  test('interpolation reads one input where every output lands on a sample', () => {
    // same size, or an odd whole step with half-pixel centres: the other taps weigh 0
    assert.equal(resizeReadSpan({ mode: 'linear', inSize: 9, outSize: 9 }), 1);
    assert.equal(resizeReadSpan({ mode: 'bicubic', inSize: 9, outSize: 3 }), 1);
    assert.equal(resizeReadSpan({ mode: 'linear', inSize: 8, outSize: 4 }), 2);
    // align_corners with a whole step (5 → 3: o·2)
    assert.equal(resizeReadSpan({ mode: 'linear', inSize: 5, outSize: 3, alignCorners: true }), 1);
    assert.equal(resizeReadSpan({ mode: 'bicubic', inSize: 5, outSize: 9, alignCorners: true }), 4);
    assert.equal(resizeReadSpan({ mode: 'nearest', inSize: 5, outSize: 9 }), 1);
  });

  test('pixel shuffle / unshuffle', () => {
    assert.equal(show(pixelShuffleAxis(axis(5, 2), 2)), 'rf 5, jump 1');
    assert.equal(show(pixelUnshuffleAxis(axis(5, 2), 3)), 'rf 9, jump 6');
  });

  test('merge: rf is the max, jump the first input’s, axes aligned from the right', () => {
    const merged = mergeGeometry([[axis(19, 4), axis(19, 4)], [axis(11, 8), axis(27, 8)]]);
    assert.deepEqual(merged?.map(show), ['rf 19, jump 4', 'rf 27, jump 4']);
    assert.deepEqual(mergeGeometry([null, [axis(3, 2)], [axis(2, 1), axis(9, 1)]])?.map(show), ['rf 9, jump 2']);
    assert.equal(mergeGeometry([null, null]), null);
  });

  test('rationalFromNumber recovers the fraction a user wrote', () => {
    assert.equal(format(rationalFromNumber(1.5)), '3/2');
    assert.equal(format(rationalFromNumber(0.25)), '1/4');
    assert.equal(format(rationalFromNumber(1 / 3)), '1/3');
    assert.equal(format(rationalFromNumber(2)), '2');
  });
});

describe('overlap of transposed convolutions', () => {
  test('pattern per output phase o mod s', () => {
    assert.deepEqual(overlapPattern(3, 2), [2, 1]);
    assert.deepEqual(overlapPattern(3, 2, 1, 1), [1, 2]);
    assert.deepEqual(overlapPattern(4, 2, 1, 1), [2, 2]);
    assert.deepEqual(overlapPattern(64, 32, 1, 16), Array(32).fill(2));
    assert.deepEqual(overlapPattern(5, 3), [2, 2, 1]);
    assert.deepEqual(overlapPattern(1, 2), [1, 0]);
    // dilation 2 with stride 2: every tap lands on even outputs, odd ones get nothing
    assert.deepEqual(overlapPattern(3, 2, 2), [3, 0]);
    assert.deepEqual(overlapPattern(3, 2, 3), [2, 1]);
  });

  test('uneven exactly when k mod s ≠ 0 (d = 1)', () => {
    for (let k = 1; k <= 9; k++) {
      for (let s = 1; s <= 5; s++) {
        assert.equal(isUneven(overlapPattern(k, s)), k % s !== 0, `k=${k} s=${s}`);
      }
    }
  });

  test('a stack of one layer gives that layer’s pattern', () => {
    assert.deepEqual(stackOverlapPattern([{ kind: 'convTranspose', kernel: 3, stride: 2, padding: 1, outputPadding: 1 }]), [1, 2]);
    assert.deepEqual(stackOverlapPattern([{ kind: 'convTranspose', kernel: 5, stride: 3 }]), overlapPattern(5, 3));
  });

  test('two k3 s2 layers compound into period 4: 3 2 3 1', () => {
    const k3s2 = { kind: 'convTranspose', kernel: 3, stride: 2 } as const;
    assert.deepEqual(stackOverlapPattern([k3s2, k3s2]), [3, 2, 3, 1]);
  });

  test('resize-convolution and k4 s2 stacks stay even', () => {
    const pattern = stackOverlapPattern([
      { kind: 'nearest', scale: 2 },
      { kind: 'conv', kernel: 3, padding: 1 },
      { kind: 'nearest', scale: 2 },
      { kind: 'conv', kernel: 3, padding: 1 },
    ]);
    assert.deepEqual(pattern, [9, 9, 9, 9]);
    const k4s2 = { kind: 'convTranspose', kernel: 4, stride: 2, padding: 1 } as const;
    assert.equal(isUneven(stackOverlapPattern([k4s2, k4s2, k4s2])), false);
    // a k3 s2 layer after an even one still paints a checkerboard
    assert.equal(isUneven(stackOverlapPattern([k4s2, { kind: 'convTranspose', kernel: 3, stride: 2 }])), true);
  });

  test('rejects fractional or negative parameters', () => {
    assert.throws(() => stackOverlapPattern([{ kind: 'nearest', scale: 1.5 }]), /non-negative integer/);
  });
});

describe('gridding', () => {
  const conv = (k: number, d: number, s = 1, label?: string): GriddingLayer => ({
    kernel: [k, k],
    dilation: [d, d],
    stride: [s, s],
    ...(label ? { label } : {}),
  });

  test('three 3×3 convolutions with dilation 2 grid', () => {
    const findings = griddingCheck([conv(3, 2, 1, 'b.0'), conv(3, 2, 1, 'b.1'), conv(3, 2, 1, 'b.2')]);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.layers, [0, 1, 2]);
    assert.deepEqual(findings[0]!.axes, [0, 1]);
    assert.equal(findings[0]!.factor, 2);
    assert.match(findings[0]!.message, /b\.0, b\.1, b\.2/);
    assert.match(findings[0]!.message, /every 2nd input position/);
  });

  test('rates 2, 4, 8 share the factor 2; hybrid rates 1, 2, 5 and 2, 4, 3 do not grid', () => {
    const f = griddingCheck([conv(3, 2), conv(3, 4), conv(3, 8)]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.factor, 2);
    assert.deepEqual(f[0]!.dilations, [2, 4, 8]);
    assert.deepEqual(griddingCheck([conv(3, 1), conv(3, 2), conv(3, 5)]), []);
    assert.deepEqual(griddingCheck([conv(3, 2), conv(3, 4), conv(3, 3)]), []);
    assert.equal(griddingCheck([conv(3, 3), conv(3, 6)])[0]!.factor, 3);
  });

  test('1×1 convolutions neither break nor join a run; undilated or strided layers end it', () => {
    assert.deepEqual(griddingCheck([conv(3, 2), conv(1, 1), conv(3, 2)])[0]!.layers, [0, 2]);
    assert.deepEqual(griddingCheck([conv(3, 2), conv(3, 1), conv(3, 2)]), []);
    assert.deepEqual(griddingCheck([conv(3, 2, 2), conv(3, 2)]), []);
    assert.deepEqual(griddingCheck([conv(3, 2)]), []);
  });

  test('per axis: a 3×1 dilated stack grids on the first axis only', () => {
    const layer: GriddingLayer = { kernel: [3, 1], dilation: [2, 1], stride: [1, 1] };
    const f = griddingCheck([layer, layer]);
    assert.equal(f.length, 1);
    assert.deepEqual(f[0]!.axes, [0]);
  });
});
