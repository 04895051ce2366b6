// A mixed-radix FFT for the spectrum view: any length works; lengths whose prime factors are
// small (2, 3, 5, 7 — the strides and scale factors of up-sampling) take O(n log n), a large prime
// factor falls back to a direct DFT of that factor.

function smallestFactor(n: number): number {
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return f;
  return n;
}

/** In-place-free recursive decimation in time over the smallest prime factor. */
interface Twiddles {
  n: number;
  cos: Float64Array;
  sin: Float64Array;
}

function twiddles(n: number): Twiddles {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cos[j] = Math.cos((-2 * Math.PI * j) / n);
    sin[j] = Math.sin((-2 * Math.PI * j) / n);
  }
  return { n, cos, sin };
}

function transform(
  re: Float64Array,
  im: Float64Array,
  n: number,
  stride: number,
  offset: number,
  outRe: Float64Array,
  outIm: Float64Array,
  outOffset: number,
  tw: Twiddles,
): void {
  if (n === 1) {
    outRe[outOffset] = re[offset]!;
    outIm[outOffset] = im[offset]!;
    return;
  }
  const p = smallestFactor(n);
  const m = n / p;
  // Sub-transforms of the p decimated sequences, each of length m, stored one after another.
  for (let r = 0; r < p; r++) transform(re, im, m, stride * p, offset + r * stride, outRe, outIm, outOffset + r * m, tw);
  // W_n^e = W_N^(e·N/n), read from the table of the full length N.
  const step = tw.n / n;
  const tmpRe = new Float64Array(n);
  const tmpIm = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    for (let q = 0; q < p; q++) {
      const out = k + q * m;
      let sr = 0;
      let si = 0;
      for (let r = 0; r < p; r++) {
        const e = ((r * out) % n) * step;
        const xr = outRe[outOffset + r * m + k]!;
        const xi = outIm[outOffset + r * m + k]!;
        const c = tw.cos[e]!;
        const s = tw.sin[e]!;
        sr += xr * c - xi * s;
        si += xr * s + xi * c;
      }
      tmpRe[out] = sr;
      tmpIm[out] = si;
    }
  }
  outRe.set(tmpRe, outOffset);
  outIm.set(tmpIm, outOffset);
}

let cached: Twiddles | null = null;
function twiddlesFor(n: number): Twiddles {
  if (!cached || cached.n !== n) cached = twiddles(n);
  return cached;
}

export function fft(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  if (n) transform(re, im, n, 1, 0, outRe, outIm, 0, twiddlesFor(n));
  return { re: outRe, im: outIm };
}

/**
 * |DFT|² of an h×w real map (row-major), with the mean removed first so that the DC term does
 * not swamp the picture. Rows, then columns.
 */
export function powerSpectrum2d(map: ArrayLike<number>, h: number, w: number): Float64Array {
  let mean = 0;
  for (let i = 0; i < h * w; i++) mean += map[i]!;
  mean /= h * w || 1;
  const re = new Float64Array(h * w);
  const im = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    const row = new Float64Array(w);
    for (let x = 0; x < w; x++) row[x] = map[y * w + x]! - mean;
    const t = fft(row, new Float64Array(w));
    re.set(t.re, y * w);
    im.set(t.im, y * w);
  }
  const power = new Float64Array(h * w);
  for (let x = 0; x < w; x++) {
    const colRe = new Float64Array(h);
    const colIm = new Float64Array(h);
    for (let y = 0; y < h; y++) {
      colRe[y] = re[y * w + x]!;
      colIm[y] = im[y * w + x]!;
    }
    const t = fft(colRe, colIm);
    for (let y = 0; y < h; y++) power[y * w + x] = t.re[y]! ** 2 + t.im[y]! ** 2;
  }
  return power;
}
