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
  growAxis,
  resizeSpan,
  shiftAxis,
  transposedConvAxis,
} from '../../server/src/engine/geometry';
import type { AxisGeometry } from '../../server/src/engine/ops/types';
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
