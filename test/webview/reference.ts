// Naive reference loops for the preview's chains, written from PyTorch's definitions
// (ConvTranspose2d, Conv2d, F.interpolate's source-index rules in UpSample.h, PixelShuffle) and
// not from ONNX's: they check the PyTorch → ONNX attribute mapping as well as the runtime.

import type { Chain, ConvStep, ConvTransposeStep, Pair, ResizeStep } from '../../webview/src/preview/steps';

export interface Planes {
  c: number;
  h: number;
  w: number;
  data: Float64Array;
}

const at = (p: Planes, c: number, y: number, x: number) => p.data[(c * p.h + y) * p.w + x]!;

function convTranspose(x: Planes, s: ConvTransposeStep, w: Float32Array, b: Float32Array | undefined): Planes {
  const [kh, kw] = s.kernel;
  const oh = (x.h - 1) * s.stride[0] - 2 * s.padding[0] + s.dilation[0] * (kh - 1) + 1 + s.outputPadding[0];
  const ow = (x.w - 1) * s.stride[1] - 2 * s.padding[1] + s.dilation[1] * (kw - 1) + 1 + s.outputPadding[1];
  const out: Planes = { c: s.outChannels, h: oh, w: ow, data: new Float64Array(s.outChannels * oh * ow) };
  for (let co = 0; co < s.outChannels; co++) out.data.fill(b ? b[co]! : 0, co * oh * ow, (co + 1) * oh * ow);
  for (let ci = 0; ci < x.c; ci++) {
    for (let iy = 0; iy < x.h; iy++) {
      for (let ix = 0; ix < x.w; ix++) {
        const v = at(x, ci, iy, ix);
        for (let co = 0; co < s.outChannels; co++) {
          for (let ty = 0; ty < kh; ty++) {
            const oy = iy * s.stride[0] - s.padding[0] + ty * s.dilation[0];
            if (oy < 0 || oy >= oh) continue;
            for (let tx = 0; tx < kw; tx++) {
              const ox = ix * s.stride[1] - s.padding[1] + tx * s.dilation[1];
              if (ox < 0 || ox >= ow) continue;
              out.data[(co * oh + oy) * ow + ox]! += v * w[((ci * s.outChannels + co) * kh + ty) * kw + tx]!;
            }
          }
        }
      }
    }
  }
  return out;
}

function conv(x: Planes, s: ConvStep, w: Float32Array, b: Float32Array | undefined): Planes {
  const [kh, kw] = s.kernel;
  const [pt, pl, pb, pr] = s.pads;
  const oh = x.h + pt + pb - s.dilation[0] * (kh - 1);
  const ow = x.w + pl + pr - s.dilation[1] * (kw - 1);
  const out: Planes = { c: s.outChannels, h: oh, w: ow, data: new Float64Array(s.outChannels * oh * ow) };
  for (let co = 0; co < s.outChannels; co++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let sum = b ? b[co]! : 0;
        for (let ci = 0; ci < x.c; ci++) {
          for (let ty = 0; ty < kh; ty++) {
            const iy = oy - pt + ty * s.dilation[0];
            if (iy < 0 || iy >= x.h) continue;
            for (let tx = 0; tx < kw; tx++) {
              const ix = ox - pl + tx * s.dilation[1];
              if (ix < 0 || ix >= x.w) continue;
              sum += at(x, ci, iy, ix) * w[((co * x.c + ci) * kh + ty) * kw + tx]!;
            }
          }
        }
        out.data[(co * oh + oy) * ow + ox] = sum;
      }
    }
  }
  return out;
}

/** torch's per-axis taps and weights for output o (UpSample.h, area_pixel_compute_source_index). */
function resizeTaps(s: ResizeStep, inSize: number, outSize: number, axis: 0 | 1, o: number): [number, number][] {
  const scaleFactor = s.scales ? s.scales[axis] : null;
  const scale = scaleFactor ? 1 / scaleFactor : inSize / outSize;
  const clamp = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  switch (s.mode) {
    case 'nearest':
      return [[Math.min(Math.floor(o * scale), inSize - 1), 1]];
    case 'nearest-exact':
      return [[Math.min(Math.floor((o + 0.5) * scale), inSize - 1), 1]];
    case 'bilinear': {
      const src = s.alignCorners ? (outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0) : Math.max(0, (o + 0.5) * scale - 0.5);
      const i0 = Math.min(Math.floor(src), inSize - 1);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const l = src - i0;
      return [
        [i0, 1 - l],
        [i1, l],
      ];
    }
    case 'bilinear-asymmetric': {
      // TF.js's resizeBilinear without half-pixel centres: o·in/out, the right neighbour clamped.
      const src = o * (inSize / outSize);
      const i0 = Math.min(Math.floor(src), inSize - 1);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const l = src - i0;
      return [
        [i0, 1 - l],
        [i1, l],
      ];
    }
    case 'bicubic': {
      const A = -0.75;
      const src = s.alignCorners ? (outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0) : (o + 0.5) * scale - 0.5;
      const i = Math.floor(src);
      const t = src - i;
      const w = [
        ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A,
        ((A + 2) * t - (A + 3)) * t * t + 1,
        ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
        ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A,
      ];
      return w.map((wk, k) => [clamp(i - 1 + k), wk] as [number, number]);
    }
  }
}

function resize(x: Planes, s: ResizeStep): Planes {
  const [oh, ow] = s.scales ? [Math.floor(x.h * s.scales[0]), Math.floor(x.w * s.scales[1])] : (s.sizes as Pair);
  const out: Planes = { c: x.c, h: oh, w: ow, data: new Float64Array(x.c * oh * ow) };
  const rows = Array.from({ length: oh }, (_, o) => resizeTaps(s, x.h, oh, 0, o));
  const cols = Array.from({ length: ow }, (_, o) => resizeTaps(s, x.w, ow, 1, o));
  for (let c = 0; c < x.c; c++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let sum = 0;
        for (const [iy, wy] of rows[oy]!) for (const [ix, wx] of cols[ox]!) sum += wy * wx * at(x, c, iy, ix);
        out.data[(c * oh + oy) * ow + ox] = sum;
      }
    }
  }
  return out;
}

function pixelShuffle(x: Planes, r: number): Planes {
  const c = x.c / (r * r);
  const out: Planes = { c, h: x.h * r, w: x.w * r, data: new Float64Array(x.c * x.h * x.w) };
  for (let co = 0; co < c; co++) {
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        for (let y = 0; y < x.h; y++) {
          for (let xx = 0; xx < x.w; xx++) out.data[(co * out.h + y * r + i) * out.w + xx * r + j] = at(x, co * r * r + i * r + j, y, xx);
        }
      }
    }
  }
  return out;
}

/** Runs `chain` on the feeds (the same names as the ONNX graph's inputs). */
export function referenceChain(chain: Chain, feeds: Record<string, { data: Float32Array }>): Planes {
  let x: Planes = { c: chain.inChannels, h: chain.inSize[0], w: chain.inSize[1], data: Float64Array.from(feeds.X!.data) };
  chain.steps.forEach((step, i) => {
    const w = feeds[`W${i}`]?.data;
    const b = feeds[`B${i}`]?.data;
    switch (step.op) {
      case 'convTranspose':
        x = convTranspose(x, step, w!, b);
        break;
      case 'conv':
        x = conv(x, step, w!, b);
        break;
      case 'resize':
        x = resize(x, step);
        break;
      case 'depthToSpace':
        x = pixelShuffle(x, step.factor);
        break;
    }
  });
  return x;
}
