// Cases of geometry.ts that `npm run mutation` found unchecked: the footprint carried through a
// layer (or not), the guards of adaptive pooling, a Rational span, a shift's direction. Expected
// values are worked out by hand in each test or by brute-force loops over the definitions.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { footprintPatterns, inputFootprint } from '../../server/src/engine/footprint';
import {
  adaptivePoolAxis,
  adaptivePoolSpan,
  convAxis,
  griddingCheck,
  growAxis,
  isUneven,
  MAX_OVERLAP_PERIOD,
  mergeGeometry,
  overlapPattern,
  pixelShuffleAxis,
  pixelUnshuffleAxis,
  rationalFromNumber,
  resizeAxis,
  resizeCoordinateScale,
  resizeReadSpan,
  resizeSpan,
  shiftAxis,
  stackOverlapPattern,
  transposedConvAxis,
  type GriddingLayer,
  type OverlapStackLayer,
} from '../../server/src/engine/geometry';
import { OpError, type AxisGeometry } from '../../server/src/engine/ops/types';
import { format, rational } from '../../server/src/engine/rational';

const fresh = (): AxisGeometry => ({ rf: rational(1), jump: rational(1), footprint: inputFootprint() });
const show = (g: AxisGeometry): string => `rf ${format(g.rf)}, jump ${format(g.jump)}`;

describe('geometry.ts: footprints and guards', () => {
  test('growAxis takes a Rational span: rf 1 + (5/2 − 1)·1 = 5/2', () => {
    assert.equal(show(growAxis({ rf: rational(1), jump: rational(1) }, rational(5, 2), rational(2))), 'rf 5/2, jump 2');
    // rf 3 + (3 − 1)·(1/2) = 4
    assert.equal(show(growAxis({ rf: rational(3), jump: rational(1, 2) }, 3, rational(1))), 'rf 4, jump 1');
  });

  test('a layer whose reads are not modelled marks its input footprint as continued', () => {
    const input = fresh();
    assert.equal(input.footprint!.continued, false);
    const out = growAxis(input, 3, rational(1));
    assert.equal(input.footprint!.continued, true);
    assert.equal(out.footprint, undefined);
  });

  test('convAxis follows the footprint only when the padding is known', () => {
    // k=3, d=2: output o reads inputs o−p, o−p+2, o−p+4: extent 5, offsets 1 and 3 never read.
    const known = convAxis(fresh(), 3, 1, 2, 0);
    assert.equal(show(known), 'rf 5, jump 1');
    assert.deepEqual(footprintPatterns(known.footprint!), [{ extent: 5, missing: [1, 3] }]);
    assert.equal(known.footprint!.phases[0]!.lo, 0);
    const padded = convAxis(fresh(), 3, 1, 2, 2);
    assert.equal(padded.footprint!.phases[0]!.lo, -2, 'output 0 reads input 0 − 2');
    const unknown = convAxis(fresh(), 3, 1, 2);
    assert.equal(show(unknown), 'rf 5, jump 1');
    assert.equal(unknown.footprint, undefined);
  });

  test('transposedConvAxis follows the footprint only when the padding is known', () => {
    // k=3, s=1, d=2, p=0: output o receives inputs o, o−2, o−4 (extent 5, holes at 1 and 3).
    const known = transposedConvAxis(fresh(), 3, 1, 2, 0);
    assert.equal(show(known), 'rf 5, jump 1');
    assert.deepEqual(footprintPatterns(known.footprint!), [{ extent: 5, missing: [1, 3] }]);
    assert.equal(transposedConvAxis(fresh(), 3, 1, 2).footprint, undefined);
  });

  test('shiftAxis: output o reads input o + offset (a crop), every step-th with a step', () => {
    const input = fresh();
    assert.equal(shiftAxis(input, 0), input, 'no shift, no step: the same axis');
    const cropped = shiftAxis(fresh(), 2);
    assert.equal(show(cropped), 'rf 1, jump 1');
    assert.equal(cropped.footprint!.phases[0]!.lo, 2);
    assert.equal(cropped.footprint!.phases[0]!.hi, 2);
    const back = shiftAxis(fresh(), -3);
    assert.equal(back.footprint!.phases[0]!.lo, -3);
    // x[::2]: jump 2, output o reads input 2·o; offset 0 but a step is no identity.
    const strided = shiftAxis({ rf: rational(3), jump: rational(1, 2), footprint: inputFootprint() }, 0, 2);
    assert.equal(show(strided), 'rf 3, jump 1');
    assert.notEqual(strided.footprint, undefined);
    const stridedOnly = shiftAxis({ rf: rational(3), jump: rational(1, 2) }, 1, 1);
    assert.equal(show(stridedOnly), 'rf 3, jump 1/2');
  });

  test("resizeSpan refuses 'area' (an adaptive average pool)", () => {
    assert.throws(() => resizeSpan('area'), (e: unknown) => e instanceof RangeError && /adaptive average pool/.test(e.message));
    assert.equal(resizeSpan('bicubic'), 4);
  });

  test('adaptivePoolSpan equals the largest window ceil((i+1)·in/out) − floor(i·in/out), brute force', () => {
    for (let inSize = 1; inSize <= 24; inSize++) {
      for (let outSize = 1; outSize <= 24; outSize++) {
        let widest = 0;
        for (let i = 0; i < outSize; i++) {
          widest = Math.max(widest, Math.ceil(((i + 1) * inSize) / outSize) - Math.floor((i * inSize) / outSize));
        }
        assert.equal(adaptivePoolSpan(inSize, outSize), widest, `${inSize} → ${outSize}`);
      }
    }
  });

  test('adaptivePoolAxis: an empty input or output leaves the axis as it is', () => {
    const g = fresh();
    assert.equal(adaptivePoolAxis(g, 5, 0), g);
    assert.equal(adaptivePoolAxis(g, 0, 3), g);
    assert.equal(adaptivePoolAxis(g, 0, 0), g);
  });

  test('adaptivePoolAxis: a pool to one position is global, any other follows the windows', () => {
    const global = adaptivePoolAxis(fresh(), 7, 1);
    assert.equal(show(global), 'rf 7, jump 7');
    assert.equal(global.footprint!.global, true);
    // 10 → 4: windows [0,3) [2,5) [5,8) [7,10): widest 3, jump 10/4 = 5/2; every window dense.
    const pooled = adaptivePoolAxis(fresh(), 10, 4);
    assert.equal(show(pooled), 'rf 3, jump 5/2');
    assert.notEqual(pooled.footprint!.global, true);
    // Output 0 reads inputs 0..2, output 1 reads 2..4 (phase lo = floor(o·10/4)).
    assert.deepEqual(
      pooled.footprint!.phases.map((p) => [p.lo, p.hi]),
      [
        [0, 2],
        [2, 4],
      ],
    );
  });
});

describe('geometry.ts: overlap, stacks, gridding messages, fractions', () => {
  test('overlapPattern analyses strides up to 4096 and kernels up to 2^20, and refuses larger', () => {
    // k=1 s=4096: one tap, landing on phase 0 only.
    const p = overlapPattern(1, MAX_OVERLAP_PERIOD);
    assert.equal(p.length, 4096);
    assert.deepEqual([p[0], p[1], p[4095]], [1, 0, 0]);
    assert.throws(() => overlapPattern(1, MAX_OVERLAP_PERIOD + 1), (e: unknown) => e instanceof OpError && /4097/.test(e.message));
    // s=1: every tap lands on the single phase.
    assert.deepEqual(overlapPattern(1 << 20, 1), [1 << 20]);
    assert.throws(() => overlapPattern((1 << 20) + 1, 1), (e: unknown) => e instanceof OpError && /too large/.test(e.message));
  });

  test('overlapPattern with dilation and padding: #{t : t·d ≡ m + p (mod s)}, by hand', () => {
    // k=4 s=3 d=2 p=1: taps at 0,2,4,6 ≡ 0,2,1,0 (mod 3); phase m collects taps ≡ m + 1: m=0 → 1 tap (≡1), m=1 → 1 (≡2), m=2 → 2 (≡0)
    assert.deepEqual(overlapPattern(4, 3, 2, 1), [1, 1, 2]);
    assert.equal(isUneven([1, 1, 2]), true);
    assert.equal(isUneven([2, 2, 2]), false);
    assert.equal(isUneven([2]), false);
  });

  test('stackOverlapPattern checks every parameter', () => {
    const bad = (layers: OverlapStackLayer[], re: RegExp): void =>
      assert.throws(() => stackOverlapPattern(layers), (e: unknown) => e instanceof RangeError && re.test(e.message), JSON.stringify(layers));
    bad([{ kind: 'convTranspose', kernel: 3, stride: 1.5 }], /convTranspose\.stride must be a non-negative integer, got 1\.5/);
    bad([{ kind: 'conv', kernel: 3, padding: -1 }], /conv\.padding must be a non-negative integer, got -1/);
    bad([{ kind: 'convTranspose', kernel: 3, stride: 0 }], /convTranspose needs positive kernel\/stride\/scale/);
    bad([{ kind: 'convTranspose', kernel: 0, stride: 2 }], /needs positive/);
    bad([{ kind: 'nearest', scale: 0 }], /nearest needs positive/);
    // kind is a string and is not checked as a number; zero padding is allowed.
    assert.deepEqual(stackOverlapPattern([{ kind: 'conv', kernel: 3, padding: 0 }]), [3]);
    assert.deepEqual(stackOverlapPattern([{ kind: 'nearest', scale: 1 }]), [1]);
  });

  test('stackOverlapPattern simulates padding, dilation and output padding (brute force on ones)', () => {
    // ConvTranspose k3 s2 p1 op1 then nearest ×2 then conv k2 d3 p2: simulate the three layers
    // directly on a long all-ones signal and read one interior period (2·2 = 4).
    const layers: OverlapStackLayer[] = [
      { kind: 'convTranspose', kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
      { kind: 'nearest', scale: 2 },
      { kind: 'conv', kernel: 2, dilation: 3, padding: 2 },
    ];
    let v = Array<number>(64).fill(1);
    {
      const out = Array<number>((v.length - 1) * 2 - 2 + 3).fill(0);
      v.forEach((x, i) => {
        for (let t = 0; t < 3; t++) {
          const o = i * 2 + t - 1;
          if (o >= 0 && o < out.length) out[o]! += x;
        }
      });
      v = out;
    }
    v = v.flatMap((x) => [x, x]);
    {
      const out: number[] = [];
      for (let o = 0; o < v.length + 4 - 3; o++) out.push((v[o - 2] ?? 0) + (v[o - 2 + 3] ?? 0));
      v = out;
    }
    const mid = Math.floor(v.length / 2);
    const start = mid - (mid % 4);
    assert.deepEqual(stackOverlapPattern(layers), v.slice(start, start + 4));
  });

  test('gridding messages name the common factor as an ordinal', () => {
    const layer = (d: number): GriddingLayer => ({ kernel: [3], dilation: [d], stride: [1] });
    const every = (f: number): string => /sees only every (\S+) input/.exec(griddingCheck([layer(f), layer(2 * f)])[0]!.message)![1]!;
    assert.deepEqual(
      [2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112].map(every),
      ['2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th', '112th'],
    );
    const f = griddingCheck([{ ...layer(2), label: 'enc.a' }, layer(4)])[0]!;
    assert.match(f.message, /^Gridding: 2 consecutive dilated convolutions \(enc\.a, layer 1\) have dilation rates 2, 4 with the common factor 2, so each output sees only every 2nd input position/);
  });

  test('rationalFromNumber: integers, exact decimals, and the denominator bound', () => {
    assert.equal(format(rationalFromNumber(3)), '3');
    assert.equal(format(rationalFromNumber(-2)), '-2');
    assert.equal(format(rationalFromNumber(0.1)), '1/10');
    assert.equal(format(rationalFromNumber(2.25)), '9/4');
    assert.equal(format(rationalFromNumber(1 / 3)), '1/3');
    // π's convergents: 3, 22/7, 333/106, 355/113; a bound of 100 stops at 22/7, 113 reaches 355/113.
    assert.equal(format(rationalFromNumber(Math.PI, 100)), '22/7');
    assert.equal(format(rationalFromNumber(Math.PI, 113)), '355/113');
    assert.equal(format(rationalFromNumber(Math.PI, 112)), '333/106');
  });

  test('mergeGeometry: inputs without geometry are skipped; a shorter input aligns from the right', () => {
    const a = (rf: number, jump: number): AxisGeometry => ({ rf: rational(rf), jump: rational(jump) });
    assert.equal(mergeGeometry([null, []]), null);
    const merged = mergeGeometry([null, [a(3, 2), a(5, 2)], [a(9, 4)], []])!;
    assert.deepEqual(merged.map(show), ['rf 3, jump 2', 'rf 9, jump 2']);
    const wider = mergeGeometry([[a(3, 1)], [a(7, 1), a(2, 1)]])!;
    assert.deepEqual(wider.map(show), ['rf 3, jump 1']);
  });

  test('resize coordinate scale: align_corners only for interpolating modes and out > 1; scale_factor when given', () => {
    // nearest with align_corners still maps with in/out: 4 → 8 gives jump 1/2.
    assert.equal(show(resizeAxis(fresh(), { mode: 'nearest', inSize: 4, outSize: 8, alignCorners: true })), 'rf 1, jump 1/2');
    // linear, align_corners, out 1: in/out = 4; not (in−1)/(out−1).
    assert.equal(show(resizeAxis(fresh(), { mode: 'linear', inSize: 4, outSize: 1, alignCorners: true })).split(', ')[1], 'jump 4');
    // linear, align_corners, 4 → 7: (4−1)/(7−1) = 1/2
    assert.equal(show(resizeAxis(fresh(), { mode: 'linear', inSize: 4, outSize: 7, alignCorners: true })), 'rf 2, jump 1/2');
    // scale_factor 3/2 given for 4 → 6... and for 5 → 7 torch maps with 1/scale = 2/3, not 5/7.
    assert.equal(show(resizeAxis(fresh(), { mode: 'bilinear', inSize: 5, outSize: 7, scaleFactor: rational(3, 2) })), 'rf 2, jump 2/3');
    // a non-positive scale factor is ignored: in/out.
    assert.equal(show(resizeAxis(fresh(), { mode: 'bilinear', inSize: 5, outSize: 7, scaleFactor: rational(0) })), 'rf 2, jump 5/7');
    // area is an adaptive average pool: 6 → 3 windows of 2.
    assert.equal(show(resizeAxis(fresh(), { mode: 'area', inSize: 6, outSize: 3 })), 'rf 2, jump 2');
    // bicubic to the same size lands on samples (odd whole step 1): reads 1. Downsampling by 3 (odd) too, by 2 not.
    assert.equal(resizeReadSpan({ mode: 'bicubic', inSize: 5, outSize: 5 }), 1);
    assert.equal(resizeReadSpan({ mode: 'bicubic', inSize: 9, outSize: 3 }), 1);
    assert.equal(resizeReadSpan({ mode: 'bicubic', inSize: 8, outSize: 4 }), 4);
    // align_corners with a whole step (in−1)/(out−1) = 2 lands on samples; an odd step 3 without it too, an even one not.
    assert.equal(resizeReadSpan({ mode: 'linear', inSize: 9, outSize: 5, alignCorners: true }), 1);
    assert.equal(resizeReadSpan({ mode: 'linear', inSize: 9, outSize: 3 }), 1);
    assert.equal(resizeReadSpan({ mode: 'linear', inSize: 8, outSize: 4 }), 2);
    assert.equal(resizeReadSpan({ mode: 'nearest-exact', inSize: 8, outSize: 3 }), 1);
  });

  test('pixel shuffle / unshuffle carry the footprint', () => {
    // PixelShuffle 2: output o reads input floor(o/2): outputs 0, 1 both read input 0.
    const s = pixelShuffleAxis(fresh(), 2);
    assert.equal(show(s), 'rf 1, jump 1/2');
    assert.notEqual(s.footprint, undefined);
    // PixelUnshuffle 3: output o reads inputs 3o … 3o+2.
    const u = pixelUnshuffleAxis(fresh(), 3);
    assert.equal(show(u), 'rf 3, jump 3');
    assert.deepEqual(footprintPatterns(u.footprint!), [{ extent: 3, missing: [] }]);
    assert.deepEqual([u.footprint!.phases[0]!.lo, u.footprint!.phases[0]!.hi], [0, 2]);
  });
});

describe('geometry.ts: resize coordinates (torch area_pixel_compute_scale)', () => {
  test("the coordinate scale of 'area' is in/out whatever align_corners and scale_factor say", () => {
    assert.equal(format(resizeCoordinateScale({ mode: 'area', inSize: 7, outSize: 3, alignCorners: true, scaleFactor: rational(1, 2) })), '7/3');
    // nearest-exact ignores align_corners: in/out = 4/7, not (4−1)/(7−1)
    assert.equal(format(resizeCoordinateScale({ mode: 'nearest-exact', inSize: 4, outSize: 7, alignCorners: true })), '4/7');
  });

  test('align_corners reaches the footprint: linear 5 → 9 samples o·(4/8) = o/2', () => {
    // o = 0 lands on input 0 (one tap), o = 1 on 0.5 (inputs 0 and 1). Half-pixel centres would read −1, 0 first.
    const g = resizeAxis(fresh(), { mode: 'linear', inSize: 5, outSize: 9, alignCorners: true });
    assert.deepEqual(
      g.footprint!.phases.map((p) => [p.lo, p.hi]),
      [
        [0, 0],
        [0, 1],
      ],
    );
  });

  test('align_corners to one output reads input 0 only (torch: F.interpolate(arange(4), size=1, linear, align_corners=True) = 0)', () => {
    for (const mode of ['linear', 'bicubic'] as const) {
      assert.equal(resizeReadSpan({ mode, inSize: 4, outSize: 1, alignCorners: true }), 1);
      const g = resizeAxis(fresh(), { mode, inSize: 4, outSize: 1, alignCorners: true });
      assert.equal(format(g.rf), '1');
      assert.deepEqual([g.footprint!.phases[0]!.lo, g.footprint!.phases[0]!.hi], [0, 0]);
    }
    // without align_corners it samples (0 + ½)·4 − ½ = 1.5: inputs 1 and 2
    const half = resizeAxis(fresh(), { mode: 'linear', inSize: 4, outSize: 1 });
    assert.equal(format(half.rf), '2');
    assert.deepEqual([half.footprint!.phases[0]!.lo, half.footprint!.phases[0]!.hi], [1, 2]);
  });

  test('rationalFromNumber stops at the first exact convergent (0.3 is 3/10, not a longer fraction)', () => {
    for (const [x, want] of [
      [0.3, '3/10'],
      [0.7, '7/10'],
      [1.7, '17/10'],
      [0.6, '3/5'],
      [2 / 3, '2/3'],
      [0, '0'],
      [7, '7'],
    ] as const) {
      assert.equal(format(rationalFromNumber(x)), want, String(x));
    }
    // With a generous bound the expansion of the double 2.3 goes on past 23/10 (to
    // 1327984505506696/577384567611607): the exactness test is what stops it at the written fraction.
    assert.equal(format(rationalFromNumber(2.3, 1e15)), '23/10');
    assert.equal(format(rationalFromNumber(1.15, 1e15)), '23/20');
  });
});
