// The heatmap's flat-map rule and its integer zoom, in Node.
//  - Flat maps: onnxruntime-node's real float32 outputs (the oracle) of the preview's own graphs
//    on a constant input: bilinear and bicubic resizes and transposed convolutions whose taps
//    overlap evenly everywhere are uniform up to rounding and must be called flat (the bilinear
//    case shows the rounding the rule exists for); uneven transposed convolutions, seeded weights
//    and noise inputs must not be. The tolerance is also checked against its own claim: a flat
//    map equals its legend's 4 significant digits.
//  - Zoom: brute-force checks over many sizes and periods (integer zoom ≥ 1, the window inside the
//    box and the map, whole periods starting on a period), and the example.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { chainModel } from '../../webview/src/onnx/chainGraph';
import { chainFeeds } from '../../webview/src/preview/compute';
import { layerOverlapMap } from '../../webview/src/preview/overlapMap';
import { planPreview } from '../../webview/src/preview/plan';
import type { Chain, Pair, ResizeMode, Step } from '../../webview/src/preview/steps';
import { FLOAT32_UNIT_ROUNDOFF, MAX_RELATIVE, classifyRange, flatTolerance, uniformLabel } from '../../webview/src/render/flat';
import { CONFIGS, prepare } from './configs';
import { MAX_ZOOM, MIN_PERIOD_DEVICE_PX, defaultZoom, heatView, zoomLimits } from '../../webview/src/render/zoom';

type Controls = { input: 'constant' | 'noise'; weights: 'ones' | 'default'; seed: number };
const ONES: Controls = { input: 'constant', weights: 'ones', seed: 0 };

async function runNode(chain: Chain, controls: Controls): Promise<Float32Array> {
  const session = await InferenceSession.create(chainModel(chain), { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  const tensors: Record<string, OrtTensor> = {};
  for (const [name, f] of Object.entries(chainFeeds(chain, 'layer', controls))) tensors[name] = new OrtTensor('float32', f.data, [...f.dims]);
  const out = await session.run(tensors);
  const data = out[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  return data;
}

function spread(data: Float32Array): { lo: number; hi: number; maxAbs: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return { lo, hi, maxAbs: Math.max(Math.abs(lo), Math.abs(hi)) };
}

const resize = (mode: ResizeMode, scale: number, alignCorners = false): Step => ({ op: 'resize', mode, alignCorners, scales: [scale, scale], sizes: null });
const convT = (k: number, s: number, p: number, bias = false): Step => ({
  op: 'convTranspose', inChannels: 1, outChannels: 1, kernel: [k, k], stride: [s, s], padding: [p, p], dilation: [1, 1], outputPadding: [0, 0], bias, init: { kind: 'default', fanIn: k * k },
});
const chain = (steps: Step[], side = 37): Chain => ({ steps, inChannels: 1, inSize: [side, side] });

async function classify(c: Chain, controls: Controls) {
  const data = await runNode(c, controls);
  const { lo, hi, maxAbs } = spread(data);
  const r = classifyRange(lo, hi, flatTolerance(c.steps, maxAbs));
  return { ...r, maxAbs, ulps: (hi - lo) / (FLOAT32_UNIT_ROUNDOFF * 2 * maxAbs || 1) };
}

describe('the flat-map rule on onnxruntime-node outputs', () => {
  const FLAT: [string, Chain][] = [
    ['bilinear ×2', chain([resize('bilinear', 2)])],
    ['bilinear ×1.5', chain([resize('bilinear', 1.5)])],
    ['bilinear ×3, align_corners', chain([resize('bilinear', 3, true)])],
    ['bilinear ×2.5', chain([resize('bilinear', 2.5)], 53)],
    ['bicubic ×2', chain([resize('bicubic', 2)])],
    ['bicubic ×1.5', chain([resize('bicubic', 1.5)])],
    ['bicubic ×3, align_corners', chain([resize('bicubic', 3, true)])],
    ['bicubic ×2.5 then bilinear ×1.5', chain([resize('bicubic', 2.5), resize('bilinear', 1.5)], 23)],
    ['transposed k2 s2 (even overlap, borders too)', chain([convT(2, 2, 0)])],
    ['transposed k4 s4 (even overlap, borders too)', chain([convT(4, 4, 0)])],
  ];
  const NOT_FLAT: [string, Chain, Controls][] = [
    ['transposed k3 s2 (uneven overlap)', chain([convT(3, 2, 1)]), ONES],
    ['transposed k4 s2 p1 (even interior, fewer taps on the border)', chain([convT(4, 2, 1)]), ONES],
    ['transposed k2 s2 with seeded default weights (one weight per phase)', chain([convT(2, 2, 0, true)]), { input: 'constant', weights: 'default', seed: 3 }],
    ['bilinear ×2 of seeded noise', chain([resize('bilinear', 2)]), { input: 'noise', weights: 'ones', seed: 5 }],
    ['bicubic ×1.5 after an uneven transposed k3 s2', chain([convT(3, 2, 1), resize('bicubic', 1.5)]), ONES],
  ];

  it('uniform maps up to rounding are flat, and rounding did spread some of them (the case the rule is for)', async () => {
    let rounded = 0;
    for (const [name, c] of FLAT) {
      const r = await classify(c, ONES);
      assert.ok(r.flat, `${name}: spread ${r.hi - r.lo} (${r.ulps.toFixed(1)} × 2u·max) should be flat, tolerance ${flatTolerance(c.steps, r.maxAbs)}`);
      if (r.hi > r.lo) rounded++;
      // The legend's claim: every pixel equals the printed value to 4 significant digits.
      const printed = Number(uniformLabel(r.lo, r.hi).replace(/^uniform \((.*)\)$/, '$1'));
      for (const v of [r.lo, r.hi]) assert.equal(Number(v.toPrecision(4)), printed, `${name}: ${v} vs legend ${printed}`);
    }
    assert.ok(rounded > 0, 'no resize output was spread by rounding: the tolerance is not exercised');
  });

  it('maps that vary are not flat', async () => {
    for (const [name, c, controls] of NOT_FLAT) {
      const r = await classify(c, controls);
      assert.ok(!r.flat, `${name}: spread ${r.hi - r.lo} called flat`);
    }
  });

  it('the tolerance grows with the taps and is capped at 1e-5 of the largest value', () => {
    const bilinear = flatTolerance([resize('bilinear', 2)], 1);
    const bicubic = flatTolerance([resize('bicubic', 2)], 1);
    assert.ok(bilinear > 0 && bicubic > bilinear, `${bilinear} ${bicubic}`);
    assert.equal(flatTolerance([resize('nearest', 2)], 1), 0);
    const wide: Step = { ...(convT(3, 2, 1) as Extract<Step, { op: 'convTranspose' }>), inChannels: 4096 };
    assert.equal(flatTolerance([wide], 3), MAX_RELATIVE * 3);
    assert.equal(flatTolerance([resize('bicubic', 2)], 0), 0);
  });
});

describe("the overlap map's range (the first paint does not scan the map for it)", () => {
  it('equals a scan of the map for every configuration with an engine overlap map', () => {
    let maps = 0;
    for (const c of CONFIGS) {
      const { target } = prepare(c);
      const plan = planPreview(target, { inputSize: 'model' });
      const layer = plan.variants.find((v) => v.id === 'layer');
      const map = layer && layerOverlapMap(layer, plan.focus);
      if (!map) continue;
      maps++;
      const { lo, hi } = spread(map.data);
      assert.deepEqual(map.range, [lo, hi], c.name);
    }
    assert.ok(maps >= 10, `${maps} overlap maps`);
  });
});

describe('heatmap zoom', () => {
  it("the issue's example: a 128×128 map with a 2-pixel period in a 192 px box is a 32×32 crop at ×6", () => {
    const v = heatView([128, 128], [2, 2], 192, defaultZoom([128, 128], [2, 2], 192));
    assert.deepEqual({ zoom: v.zoom, crop: v.crop, caption: v.caption }, { zoom: 6, crop: { y0: 48, x0: 48, h: 32, w: 32 }, caption: 'crop 32×32 of 128×128, ×6' });
    // A small map fits whole; a map with no period is shown whole at the largest zoom that fits.
    assert.equal(heatView([16, 16], [2, 2], 192, defaultZoom([16, 16], [2, 2], 192)).caption, '16×16, ×12');
    assert.equal(heatView([64, 64], [1, 1], 192, defaultZoom([64, 64], [1, 1], 192)).caption, '64×64, ×3');
    // Zooming out to ×1 on a map larger than the box still crops (never below a device pixel).
    assert.equal(heatView([256, 256], [2, 2], 192, 1).caption, 'crop 192×192 of 256×256, ×1');
  });

  it('over many sizes, periods and zooms: integer zoom ≥ 1, the window inside the box and the map, whole periods on a period boundary', () => {
    for (const viewport of [192, 288, 384]) {
      for (const h of [1, 3, 14, 16, 31, 128, 130, 256, 512]) {
        for (const w of [1, 16, 100, 128, 384]) {
          for (const period of [[1, 1], [2, 2], [3, 2], [1, 4], [8, 8]] as Pair[]) {
            const size: Pair = [h, w];
            const [min, max] = zoomLimits(size, period, viewport);
            const d = defaultZoom(size, period, viewport);
            assert.ok(min === 1 && d >= min && d <= max && max <= Math.max(MAX_ZOOM, Math.floor(viewport / Math.max(h, w))), `${size} ${period}: ${min} ${d} ${max}`);
            const shown = period.filter((p) => p >= 2);
            if (shown.length && d < max) assert.ok(d * Math.min(...shown) >= MIN_PERIOD_DEVICE_PX, `${size} ${period}: default ×${d}`);
            for (const zoom of [0, min, d, max, max + 5]) {
              for (const centre of [null, [0, 0], [h, w], [h / 3, w / 2]] as (Pair | null)[]) {
                const v = heatView(size, period, viewport, zoom, centre);
                const { y0, x0, h: ch, w: cw } = v.crop;
                assert.ok(Number.isInteger(v.zoom) && v.zoom >= min && v.zoom <= max, `${size} zoom ${v.zoom}`);
                assert.ok(ch * v.zoom <= viewport || ch === 1, `${size} ${period} ×${v.zoom}: ${ch} rows`);
                assert.ok(cw * v.zoom <= viewport || cw === 1, `${size} ${period} ×${v.zoom}: ${cw} columns`);
                assert.ok(y0 >= 0 && x0 >= 0 && y0 + ch <= h && x0 + cw <= w, JSON.stringify(v));
                for (const [a, length, start, total] of [[0, ch, y0, h], [1, cw, x0, w]] as const) {
                  if (length === total) continue;
                  const p = period[a];
                  if (length >= p) assert.equal(length % p, 0, `${size} ${period} axis ${a}: ${length} is not whole periods`);
                  assert.equal(start % p, 0, `${size} ${period} axis ${a}: starts at phase ${start % p}`);
                }
                assert.equal(v.whole, ch === h && cw === w);
                assert.match(v.caption, v.whole ? /^\d+×\d+, ×\d+$/ : /^crop \d+×\d+ of \d+×\d+, ×\d+$/);
              }
            }
          }
        }
      }
    }
  });
});
