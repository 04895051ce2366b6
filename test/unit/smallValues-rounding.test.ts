// The rounding helpers behind small tensor values (server/src/engine/ops/smallValues.ts), checked
// against exact rational arithmetic on the numbers' bits (BigInt): the next float32 / float64, the
// bracket that must hold torch's last-place-accurate result, whether a product is exact in double
// precision, and which transcendental results are exactly representable. The oracle here never
// calls the helpers it checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bracket, exactTranscendental, nextAfter, productIsExact } from '../../server/src/engine/ops/smallValues';
import { evalPython } from './timmIdiomsSupport';

/** A finite double as an exact rational num / 2^shift (shift ≥ 0). */
interface Exact { num: bigint; shift: bigint }

function exactOf(x: number): Exact {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const e = (exponent === 0 ? 1 : exponent) - 1075; // x = mantissa · 2^e
  if (e >= 0) return { num: sign * (mantissa << BigInt(e)), shift: 0n };
  // In lowest terms, so that powers of it stay small.
  let num = mantissa;
  let shift = BigInt(-e);
  while (num !== 0n && shift > 0n && (num & 1n) === 0n) {
    num >>= 1n;
    shift--;
  }
  return { num: sign * num, shift };
}

/** a·b exactly, and whether it equals c exactly. */
function productEquals(a: number, b: number, c: number): boolean {
  const x = exactOf(a);
  const y = exactOf(b);
  const z = exactOf(c);
  const shift = x.shift + y.shift;
  const common = shift > z.shift ? shift : z.shift;
  return (x.num * y.num) << (common - shift) === z.num << (common - z.shift);
}

/** The float32 or float64 numbers next to a finite x, from the spacing of its binade (found by
 *  comparing with powers of two, not from its bits). */
function binadeExponent(a: number): number {
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  return e;
}
function spacing(a: number, double: boolean): number {
  const [bits, minExp] = double ? [52, -1022] : [23, -126];
  return 2 ** (Math.max(binadeExponent(a), minExp) - bits);
}
function nextUp(x: number, double: boolean): number {
  const tiny = double ? 2 ** -1074 : 2 ** -149;
  if (x === 0) return tiny;
  if (x < 0) return -nextDown(-x, double);
  const up = x + spacing(x, double);
  return double ? up : Math.fround(up) === up ? up : Infinity;
}
function nextDown(x: number, double: boolean): number {
  if (x === 0) return -(double ? 2 ** -1074 : 2 ** -149);
  if (x < 0) return -nextUp(-x, double);
  // Just below a power of two the spacing halves.
  const below = 2 ** binadeExponent(x) === x && binadeExponent(x) > (double ? -1022 : -126) ? spacing(x, double) / 2 : spacing(x, double);
  return x - below;
}

const F32_SAMPLES = [1, -1, 2, 0.5, 3, 0.1, -0.1, 1.5, 1e-3, 123456.789, -7.25, 2 ** -126, 2 ** -140, 3.4028234663852886e38 / 2, 16777216, -16777216, 1e30]
  .map(Math.fround);
const F64_SAMPLES = [1, -1, 2, 0.5, 3, 0.1, -0.1, 1.5, 1e-300, 2 ** -1022, 2 ** -1070, 1e300, -4503599627370496, Math.PI, 2 ** 52, 2 ** 53];

test('nextAfter: the next float32 / float64 up and down, by the spacing of the binade (signs, powers of two, subnormals, zero)', () => {
  for (const x of F32_SAMPLES) {
    assert.equal(nextAfter(x, 1, false), nextUp(x, false), `float32 up from ${x}`);
    assert.equal(nextAfter(x, -1, false), nextDown(x, false), `float32 down from ${x}`);
  }
  for (const x of F64_SAMPLES) {
    assert.equal(nextAfter(x, 1, true), nextUp(x, true), `float64 up from ${x}`);
    assert.equal(nextAfter(x, -1, true), nextDown(x, true), `float64 down from ${x}`);
  }
  assert.equal(nextAfter(0, 1, false), 2 ** -149);
  assert.equal(nextAfter(0, -1, true), -(2 ** -1074));
  assert.equal(nextAfter(Infinity, 1, true), Infinity);
  assert.equal(nextAfter(-Infinity, 1, false), -Infinity);
  assert.equal(nextAfter(3.4028234663852886e38, 1, false), Infinity);
});

test('bracket: float64 is two units either side; float32 the floats around the exact value, within a double unit of d', () => {
  for (const d of [1, 0.1, -0.1, Math.E, 2 ** 40 + 0.5, -123.456, 1e-200]) {
    const [lo, hi] = bracket(d, true);
    assert.equal(lo, nextDown(nextDown(d, true), true), `float64 lo of ${d}`);
    assert.equal(hi, nextUp(nextUp(d, true), true), `float64 hi of ${d}`);
  }
  for (const d of [1, 0.1, -0.1, Math.E, Math.LN2, 16777217, -3.3, 1e-30, Math.fround(0.1)]) {
    const [lo, hi] = bracket(d, false);
    const dl = d - Math.abs(d) * 2 ** -50;
    const dh = d + Math.abs(d) * 2 ** -50;
    assert.equal(Math.fround(lo), lo, `float32 lo of ${d}`);
    assert.equal(Math.fround(hi), hi, `float32 hi of ${d}`);
    // The float32 just at or below the low end and the one just at or above the high end: nothing tighter.
    assert.ok(lo <= dl && nextUp(lo, false) > dl, `lo ${lo} of ${d}`);
    assert.ok(hi >= dh && nextDown(hi, false) < dh, `hi ${hi} of ${d}`);
  }
});

test('productIsExact: x·y has no rounding error in double precision, checked with BigInt', () => {
  const moderate = [1, 3, 0.5, 0.1, 1.1, 3 ** 20, 2 ** 30 + 1, 2 ** 27 + 1, -7.5, 1 / 3, 134217729, 94906267, 2 ** 52 - 1, 1e50, 2 ** -60];
  for (const x of moderate) {
    for (const y of moderate) assert.equal(productIsExact(x, y), productEquals(x, y, x * y), `${x} · ${y}`);
  }
  // Near overflow and underflow it may say no when unsure, never yes for an inexact product.
  const extreme = [1e300, 1e-300, 2 ** 1000, 2 ** -1000, 3];
  for (const x of extreme) {
    for (const y of extreme) {
      const p = x * y;
      if (productIsExact(x, y)) assert.ok(Number.isFinite(p) && p !== 0 && productEquals(x, y, p), `${x} · ${y}`);
    }
  }
  assert.equal(productIsExact(2 ** 1000, 2 ** 1000), false);
  assert.equal(productIsExact(2 ** 500, 2 ** 400), true);
});

test('exactTranscendental: only results that are numbers of the dtype, exactly', () => {
  assert.equal(exactTranscendental('log', 1, 0, false), 0);
  assert.equal(exactTranscendental('log', 2, 0, true), null);
  assert.equal(exactTranscendental('exp', 0, 0, false), 1);
  assert.equal(exactTranscendental('exp', 1, 0, true), null);
  for (let k = -30; k <= 30; k++) assert.equal(exactTranscendental('log2', 2 ** k, 0, false), k);
  for (const x of [0, -8, 3, 0.3, 6]) assert.equal(exactTranscendental('log2', x, 0, true), null, `log2 ${x}`);
  // log10: exact only where x is exactly a power of ten (1e23 and 0.1 are not, though 10 ** k gives them).
  for (let k = -3; k <= 25; k++) {
    const x = 10 ** k;
    const e = exactOf(x);
    const isPower = k >= 0 && e.num === (10n ** BigInt(k)) << e.shift;
    assert.equal(exactTranscendental('log10', x, 0, true), isPower ? k : null, `log10 10^${k}`);
  }
  assert.equal(exactTranscendental('log10', 1e22, 0, true), 22);
  assert.equal(exactTranscendental('log10', 20, 0, true), null);
  // pow: the exact power when every partial product is exact and the result fits the dtype.
  const pows: [number, number][] = [[2, 10], [3, 2], [1.5, 2], [1.1, 2], [3, 20], [3, 34], [5, 0], [2, -1], [0.5, 3], [2, 0.5], [1, 64], [-3, 3], [7, 19]];
  for (const [x, y] of pows) {
    for (const double of [false, true]) {
      let expected: number | null = null;
      if (Number.isInteger(y) && y >= 0) {
        // BigInt power of the exact rational; representable when it survives a round trip.
        const e = exactOf(x);
        const num = e.num ** BigInt(y);
        const shift = e.shift * BigInt(y);
        const asNumber = Number(num) / 2 ** Number(shift);
        const back = exactOf(asNumber);
        const same = back.num << shift === num << back.shift;
        if (same && Number.isFinite(asNumber) && (double || Math.fround(asNumber) === asNumber)) expected = asNumber;
      }
      assert.equal(exactTranscendental('pow', x, y, double), expected, `${x} ** ${y} ${double ? 'float64' : 'float32'}`);
    }
  }
  assert.equal(exactTranscendental('sqrt', 4, 0, true), null);
});

test('a value known only within bounds says so, and names the bounds, where code reads it as a number', () => {
  const run = evalPython('import torch\nRESULT = float(torch.log(torch.tensor([3.0])))');
  assert.match(run.result, /<unknown: float\(\) of the tensor's values are known only to within a last-place rounding/);
  const [lo, hi] = /e\.g\. (\S+) … (\S+)\)/.exec(run.result)!.slice(1).map(Number);
  // Two float32 numbers around ln 3.
  assert.ok(lo! < Math.log(3) && Math.log(3) < hi!, `${lo} … ${hi}`);
  assert.equal(Math.fround(lo!), lo);
  assert.equal(Math.fround(hi!), hi);
  const plain = evalPython('import torch\nx = torch.randn(2)\nRESULT = float(x[0])');
  assert.match(plain.result, /<unknown: float\(\) of a tensor whose values the analysis does not know/);
});
