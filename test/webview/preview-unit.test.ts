// The preview's pure parts, in Node: layer report → step (exact arguments), planning (variants,
// clamping, periods), the checkerboard score, the FFT, seeded weights and inputs, the message
// schemas and the page's Content-Security-Policy.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, folderSources, inlinable, makeNonce, previewHtml } from '../../client/src/preview/html';
import { checkerboardScore, interiorOf } from '../../webview/src/analysis/checkerboard';
import { fft, powerSpectrum2d } from '../../webview/src/analysis/fft';
import { UnsupportedLayer, stepForLayer, stepsForLayers } from '../../webview/src/preview/fromLayer';
import { INPUT_KINDS, makeInput } from '../../webview/src/preview/inputs';
import { MAX_SIDE, planPreview, withInputSize } from '../../webview/src/preview/plan';
import { chainOutSize, chainPeriod, type Chain, type ConvTransposeStep } from '../../webview/src/preview/steps';
import { chainWeights } from '../../webview/src/preview/weights';
import { parseHostMessage, parseWebviewMessage, type PreviewLayer, type PreviewTarget } from '../../webview/src/protocol/messages';
import { VIRIDIS } from '../../webview/src/render/colormap';
import { legendGradient } from '../../webview/src/render/plots';
import { CONFIGS, prepare } from './configs';

const convT = (over: Partial<PreviewLayer> = {}): PreviewLayer => ({
  path: 'up',
  op: 'ConvTranspose2d',
  args: '64→32, k=3, s=2, p=1, op=1',
  in: [[1, 64, 16, 16]],
  out: [[1, 32, 32, 32]],
  kernel: [3, 3],
  stride: [2, 2],
  padding: [1, 1],
  dilation: [1, 1],
  overlap: [[1, 2], [1, 2]],
  ...over,
});
const target = (layer: PreviewLayer, path: PreviewLayer[] = [layer]): PreviewTarget => ({ model: 'M()', layer, path, index: path.indexOf(layer) });

describe('layer report → one-channel step', () => {
  it('a transposed convolution keeps its arguments; output_padding comes from the shapes; fan-in is out/groups·k²', () => {
    const step = stepForLayer(convT()) as ConvTransposeStep;
    assert.deepEqual(
      { k: step.kernel, s: step.stride, p: step.padding, d: step.dilation, op: step.outputPadding, bias: step.bias, init: step.init, c: [step.inChannels, step.outChannels] },
      { k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1], op: [1, 1], bias: true, init: { kind: 'default', fanIn: 32 * 9 }, c: [1, 1] },
    );
    const grouped = stepForLayer(convT({ args: '64→32, k=3, s=2, p=1, op=1, g=4, no bias' })) as ConvTransposeStep;
    assert.equal(grouped.init.fanIn, 8 * 9);
    assert.equal(grouped.bias, false);
  });

  it('every engine-reported configuration of the browser suite gives the output size the engine reported', () => {
    for (const c of CONFIGS) {
      const p = prepare(c);
      const { steps, inChannels } = stepsForLayers(c.variant === 'layer' ? [p.target.layer] : p.target.path);
      const first = (c.variant === 'layer' ? p.layer : p.path[0]!).in[0]!;
      const last = (c.variant === 'layer' ? p.layer : p.path.at(-1)!).out[0]!;
      assert.deepEqual(chainOutSize({ steps, inChannels, inSize: [first[2]!, first[3]!] }), last.slice(2), c.name);
    }
  });

  it('resizes: scale factors map coordinates (torch: 1/scale), sizes otherwise; align_corners only for interpolating modes', () => {
    const base: PreviewLayer = { path: 'F.interpolate@3', op: 'F.interpolate', args: '', in: [[1, 2, 5, 6]], out: [[1, 2, 7, 9]] };
    assert.deepEqual(stepForLayer({ ...base, resize: { mode: 'bicubic', alignCorners: true, scaleFactor: [1.5, 1.5] } }), {
      op: 'resize', mode: 'bicubic', alignCorners: true, scales: [1.5, 1.5], sizes: null,
    });
    assert.deepEqual(stepForLayer({ ...base, resize: { mode: 'nearest', alignCorners: false, scaleFactor: null } }), {
      op: 'resize', mode: 'nearest', alignCorners: false, scales: null, sizes: [7, 9],
    });
    assert.throws(() => stepForLayer({ ...base, resize: { mode: 'area', alignCorners: false, scaleFactor: null } }), UnsupportedLayer);
    assert.throws(() => stepForLayer({ ...base, in: [[1, 2, 5]], out: [[1, 2, 10]], resize: { mode: 'linear', alignCorners: false, scaleFactor: [2] } }), /2-D layers/);
  });

  it("convolutions with padding='same' and an even kernel pad one more at the end; strided ones are not part of a path", () => {
    const same = stepForLayer({ path: 'c', op: 'Conv2d', args: '4→4, k=4', in: [[1, 4, 9, 9]], out: [[1, 4, 9, 9]], kernel: [4, 4], stride: [1, 1], padding: [1, 1], dilation: [1, 1] });
    assert.equal(same.op, 'conv');
    assert.deepEqual(same.op === 'conv' && same.pads, [1, 1, 2, 2]);
    assert.throws(() => stepForLayer({ path: 'c', op: 'Conv2d', args: '', in: [[1, 4, 9, 9]], out: [[1, 4, 5, 5]], kernel: [3, 3], stride: [2, 2], padding: [1, 1] }), /strided/);
  });

  it('a pixel shuffle reads factor² channels; the convolution before it makes them', () => {
    const conv: PreviewLayer = { path: 'c', op: 'Conv2d', args: '8→36, k=3, p=1', in: [[1, 8, 5, 5]], out: [[1, 36, 5, 5]], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
    const shuffle: PreviewLayer = { path: 's', op: 'PixelShuffle', args: '×3', in: [[1, 36, 5, 5]], out: [[1, 4, 15, 15]] };
    const { steps, inChannels } = stepsForLayers([conv, shuffle]);
    assert.equal(inChannels, 1);
    assert.deepEqual(steps.map((s) => s.op), ['conv', 'depthToSpace']);
    assert.equal(steps[0]!.op === 'conv' && steps[0].outChannels, 9);
    assert.equal(stepsForLayers([shuffle]).inChannels, 9);
    const resize: PreviewLayer = { path: 'r', op: 'Upsample', args: '', in: [[1, 36, 5, 5]], out: [[1, 36, 10, 10]], resize: { mode: 'nearest', alignCorners: false, scaleFactor: [2, 2] } };
    assert.throws(() => stepsForLayers([resize, { ...shuffle, in: [[1, 36, 10, 10]], out: [[1, 4, 30, 30]] }]), UnsupportedLayer);
  });
});

describe('planning', () => {
  it('a k3 s2 transposed convolution: itself and three alternatives at scale 2, period 2', () => {
    const plan = planPreview(target(convT()), { inputSize: 'model' });
    assert.deepEqual(plan.variants.map((v) => v.id), ['layer', 'nearest-conv', 'bilinear-conv', 'shuffle-icnr']);
    assert.deepEqual(plan.variants.map((v) => v.outSize), [[32, 32], [32, 32], [32, 32], [32, 32]]);
    assert.deepEqual(plan.variants.map((v) => v.period), [[2, 2], [2, 2], [2, 2], [2, 2]]);
    assert.deepEqual(plan.notices, []);
  });

  it('a resize by 1.5 has no pixel-shuffle alternative and period 3; a stride-1 layer has no alternatives', () => {
    const layer: PreviewLayer = { path: 'up', op: 'Upsample', args: '×1.5, bilinear', in: [[1, 3, 8, 8]], out: [[1, 3, 12, 12]], resize: { mode: 'bilinear', alignCorners: false, scaleFactor: [1.5, 1.5] } };
    const plan = planPreview(target(layer), { inputSize: 'model' });
    assert.deepEqual(plan.variants.map((v) => v.id), ['layer', 'nearest-conv', 'bilinear-conv']);
    assert.deepEqual(plan.variants[0]!.period, [3, 3]);
    const flat = planPreview(target(convT({ stride: [1, 1], padding: [1, 1], out: [[1, 32, 16, 16]], overlap: [[3], [3]] })), { inputSize: 'model' });
    assert.deepEqual(flat.variants.map((v) => v.id), ['layer']);
  });

  it(`outputs beyond ${MAX_SIDE}×${MAX_SIDE} are clamped by shrinking the input, with a notice`, () => {
    const big = convT({ in: [[1, 64, 400, 100]], out: [[1, 32, 800, 200]] });
    const plan = planPreview(target(big), { inputSize: 'model' });
    const layer = plan.variants[0]!;
    assert.deepEqual(layer.chain.inSize, [256, 100]);
    assert.deepEqual(layer.outSize, [512, 200]);
    assert.match(plan.notices[0]!, /clamped to at most 512×512 — input 400×100 → 256×100 \(the full output would be 800×200\)/);
    for (const v of plan.variants) assert.ok(v.outSize[0] <= MAX_SIDE && v.outSize[1] <= MAX_SIDE, v.id);
  });

  it('a chosen input size applies to every variant; resizes to fixed sizes keep their ratio', () => {
    const plan = planPreview(target(convT()), { inputSize: 8 });
    for (const v of plan.variants) assert.deepEqual(v.chain.inSize, [8, 8], v.id);
    const chain: Chain = { inChannels: 1, inSize: [10, 20], steps: [{ op: 'resize', mode: 'nearest', alignCorners: false, scales: null, sizes: [25, 30] }] };
    assert.deepEqual(chainOutSize(withInputSize(chain, [4, 8])), [10, 12]);
  });

  it('the focus moves to the up-sampling layer of the path when the cursor is on its convolution', () => {
    const up: PreviewLayer = { path: 'u', op: 'Upsample', args: '', in: [[1, 4, 6, 6]], out: [[1, 4, 12, 12]], resize: { mode: 'nearest', alignCorners: false, scaleFactor: [2, 2] } };
    const conv: PreviewLayer = { path: 'c', op: 'Conv2d', args: '4→4, k=3, p=1', in: [[1, 4, 12, 12]], out: [[1, 4, 12, 12]], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
    const plan = planPreview({ model: 'M()', layer: conv, path: [up, conv], index: 1 }, { inputSize: 'model' });
    assert.equal(plan.focus.path, 'u');
    assert.deepEqual(plan.variants.map((v) => v.id), ['layer', 'path', 'nearest-conv', 'bilinear-conv', 'shuffle-icnr']);
    assert.throws(() => planPreview(target(conv), { inputSize: 'model' }), /not an up-sampling layer/);
  });

  it('periods multiply along a path; align_corners does not repeat', () => {
    const chain: Chain = {
      inChannels: 1,
      inSize: [5, 5],
      steps: [
        { ...(stepForLayer(convT()) as ConvTransposeStep) },
        { op: 'resize', mode: 'nearest', alignCorners: false, scales: [1.5, 3], sizes: null },
      ],
    };
    assert.deepEqual(chainPeriod(chain), [6, 6]);
    assert.deepEqual(chainPeriod({ ...chain, steps: [{ op: 'resize', mode: 'bilinear', alignCorners: true, scales: [2, 2], sizes: null }] }), [1, 1]);
  });
});

describe('checkerboard score', () => {
  const map = (h: number, w: number, f: (y: number, x: number) => number) => Float32Array.from({ length: h * w }, (_, i) => f(Math.floor(i / w), i % w));

  it('is 19/100 for the all-ones k3 s2 overlap map (taps 4, 2, 2, 1), 0 for a constant, 1 for a zero-mean period pattern', () => {
    const taps = [2, 1];
    const overlap = checkerboardScore(map(12, 12, (y, x) => taps[y % 2]! * taps[x % 2]!), [12, 12], [2, 2], [0, 0]);
    assert.ok(overlap && Math.abs(overlap.score - 0.19) < 1e-12, String(overlap?.score));
    assert.deepEqual(Array.from(overlap!.pattern), [4, 2, 2, 1]);
    assert.equal(checkerboardScore(map(12, 12, () => 3), [12, 12], [2, 2], [0, 0])!.score, 0);
    assert.equal(checkerboardScore(map(12, 12, (y, x) => ((y + x) % 2 ? 1 : -1)), [12, 12], [2, 2], [0, 0])!.score, 1);
  });

  it('equals the share of spectral energy at the stride frequencies (Parseval)', () => {
    const h = 12;
    const w = 18;
    const m = map(h, w, (y, x) => Math.sin(y * 1.7 + x * 0.3) + (x % 3 === 1 ? 0.5 : 0) + (y % 2) * 0.25);
    const score = checkerboardScore(m, [h, w], [2, 3], [0, 0])!.score;
    // Full DFT energy (mean included) and the energy at (k·h/2, l·w/3), (k, l) ≠ (0, 0).
    const re = new Float64Array(h * w);
    const im = new Float64Array(h * w);
    let total = 0;
    let periodic = 0;
    for (let ky = 0; ky < h; ky++) {
      for (let kx = 0; kx < w; kx++) {
        let sr = 0;
        let si = 0;
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
          const a = -2 * Math.PI * ((ky * y) / h + (kx * x) / w);
          sr += m[y * w + x]! * Math.cos(a);
          si += m[y * w + x]! * Math.sin(a);
        }
        re[ky * w + kx] = sr;
        im[ky * w + kx] = si;
        const p = sr * sr + si * si;
        total += p;
        if (ky % (h / 2) === 0 && kx % (w / 3) === 0 && (ky || kx)) periodic += p;
      }
    }
    assert.ok(Math.abs(score - periodic / total) < 1e-9, `${score} vs ${periodic / total}`);
  });

  it('scores only the interior: whole periods clear of the margin', () => {
    assert.deepEqual(interiorOf([20, 15], [4, 3], [3, 2]), { y0: 4, h: 12, x0: 3, w: 9 });
    assert.equal(interiorOf([6, 6], [4, 4], [2, 2]), null);
  });
});

describe('FFT', () => {
  it('matches a direct DFT for lengths with small and large prime factors', () => {
    for (const n of [1, 2, 3, 5, 6, 7, 12, 16, 30, 49, 97, 128, 210]) {
      const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + (i % 3));
      const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
      const f = fft(re, im);
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const a = (-2 * Math.PI * j * k) / n;
          sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
          si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
        }
        assert.ok(Math.abs(sr - f.re[k]!) < 1e-9 && Math.abs(si - f.im[k]!) < 1e-9, `n=${n} k=${k}`);
      }
    }
  });

  it('a period-2 checkerboard puts all its (mean-free) power at the Nyquist corner', () => {
    const m = Float64Array.from({ length: 64 }, (_, i) => ((Math.floor(i / 8) + (i % 8)) % 2 ? 3 : 1));
    const p = powerSpectrum2d(m, 8, 8);
    const total = p.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(p[4 * 8 + 4]! - total) < 1e-9 * total);
  });
});

describe('weights and inputs', () => {
  const chain: Chain = {
    inChannels: 1,
    inSize: [6, 6],
    steps: [
      { op: 'conv', inChannels: 1, outChannels: 9, kernel: [3, 3], pads: [1, 1, 1, 1], dilation: [1, 1], bias: true, init: { kind: 'icnr', fanIn: 72, factor: 3 } },
      { op: 'depthToSpace', factor: 3 },
      { ...(stepForLayer(convT()) as ConvTransposeStep) },
    ],
  };

  it('PyTorch default init: U(−1/√fan_in, 1/√fan_in), seeded, different per seed', () => {
    const w = chainWeights(chain, 'default', 3, 'v');
    const bound = 1 / Math.sqrt(32 * 9);
    const convTWeights = w.get('W2')!;
    assert.ok(convTWeights.every((x) => Math.abs(x) <= bound));
    assert.ok(Math.max(...convTWeights.map(Math.abs)) > 0.5 * bound);
    assert.deepEqual(chainWeights(chain, 'default', 3, 'v').get('W2'), convTWeights);
    assert.notDeepEqual(chainWeights(chain, 'default', 4, 'v').get('W2'), convTWeights);
  });

  it("ICNR: the factor² sub-pixel channels of the shuffle's convolution share one kernel and one bias", () => {
    const w = chainWeights(chain, 'default', 3, 'v');
    const kernels = w.get('W0')!;
    const bias = w.get('B0')!;
    for (let c = 1; c < 9; c++) {
      assert.deepEqual(kernels.subarray(c * 9, c * 9 + 9), kernels.subarray(0, 9));
      assert.equal(bias[c], bias[0]);
    }
    assert.ok(kernels.subarray(0, 9).every((x) => Math.abs(x) <= 1 / Math.sqrt(72)));
  });

  it('all-ones weights come with zero biases', () => {
    const w = chainWeights(chain, 'ones', 0, 'v');
    assert.ok(w.get('W2')!.every((x) => x === 1));
    assert.ok(w.get('B0')!.every((x) => x === 0));
  });

  it('inputs: constant, a single impulse, a checkerboard, a ramp, seeded noise and a natural-looking image in [0, 1]', () => {
    const size: [number, number] = [32, 40];
    const n = 32 * 40;
    for (const kind of INPUT_KINDS) {
      const data = makeInput(kind, 2, size, 5);
      assert.equal(data.length, 2 * n, kind);
      assert.ok(data.every((v) => v >= 0 && v <= 1), kind);
    }
    assert.ok(makeInput('constant', 1, size, 0).every((v) => v === 1));
    assert.equal(makeInput('impulse', 1, size, 0).reduce((a, b) => a + b, 0), 1);
    assert.equal(makeInput('impulse', 1, size, 0)[16 * 40 + 20], 1);
    assert.deepEqual(new Set(makeInput('checkerboard', 1, size, 0)), new Set([0, 1]));
    const noise = makeInput('noise', 2, size, 5);
    assert.deepEqual(makeInput('noise', 2, size, 5), noise);
    assert.notDeepEqual(noise.subarray(0, n), noise.subarray(n));
    // Natural images have more power at low than at high spatial frequencies; noise does not.
    const lowHigh = (m: Float32Array) => {
      const p = powerSpectrum2d(m, 32, 40);
      let low = 0;
      let high = 0;
      for (let y = 0; y < 32; y++) for (let x = 0; x < 40; x++) {
        const fy = Math.min(y, 32 - y) / 32;
        const fx = Math.min(x, 40 - x) / 40;
        const r = Math.hypot(fy, fx);
        if (r > 0 && r < 0.1) low += p[y * 40 + x]!;
        else if (r > 0.35) high += p[y * 40 + x]!;
      }
      return low / high;
    };
    assert.ok(lowHigh(makeInput('image', 1, size, 5)) > 20 * lowHigh(makeInput('noise', 1, size, 5)));
  });
});

describe('message schemas', () => {
  const good = target(convT());

  it('accepts a show message with a preview target and the three backends', () => {
    assert.deepEqual(parseHostMessage({ type: 'show', requestId: 1, target: good }), { ok: true, value: { type: 'show', requestId: 1, target: good } });
    for (const backend of ['auto', 'webgpu', 'wasm']) assert.ok(parseHostMessage({ type: 'options', backend }).ok);
  });

  it('rejects unknown types, unknown keys, wrong types and oversized values', () => {
    const rejected = (m: unknown, why: RegExp) => {
      const r = parseHostMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m).slice(0, 80));
      if (!r.ok) assert.match(r.error, why);
    };
    rejected({ type: 'eval', code: '1' }, /unknown message type "eval"/);
    rejected(null, /expected an object/);
    rejected([1], /expected an object/);
    rejected({ type: 'show', requestId: 1, target: good, extra: true }, /unknown key 'extra'/);
    rejected({ type: 'show', requestId: 1.5, target: good }, /requestId: expected an integer/);
    rejected({ type: 'show', requestId: 1, target: { ...good, layer: { ...good.layer, in: [[1, 2, 3, 2 ** 32]] } } }, /outside/);
    rejected({ type: 'show', requestId: 1, target: { ...good, path: [] } }, /array length/);
    rejected({ type: 'show', requestId: 1, target: { ...good, layer: { ...good.layer, op: 'x'.repeat(65) } } }, /longer than 64/);
    rejected({ type: 'options', backend: 'webgl' }, /one of auto \| webgpu \| wasm/);
    rejected({ type: 'show', requestId: 1, target: { ...good, layer: { ...good.layer, resize: { mode: 'nearest', alignCorners: false, scaleFactor: [NaN] } } } }, /finite/);
  });

  it('validates what the webview sends back too', () => {
    assert.ok(parseWebviewMessage({ type: 'ready' }).ok);
    assert.ok(parseWebviewMessage({ type: 'rendered', requestId: 3, backend: 'wasm', runMs: 1, sessionMs: 0, variants: [{ id: 'layer', label: 'x', score: 0.19, ms: 1 }] }).ok);
    assert.equal(parseWebviewMessage({ type: 'rendered', requestId: 3, backend: 'webgl', runMs: 1, sessionMs: 0, variants: [] }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'command', command: 'workbench.action.terminal.new' }).ok, false);
  });
});

describe('the page', () => {
  it("CSP: nothing by default, scripts and styles with the nonce or from dist/webview, WebAssembly compilation, everything else from dist/webview", () => {
    const csp = contentSecurityPolicy({
      cspSource: 'https://*.vscode-cdn.net',
      baseUri: 'https://file%2B.vscode-resource.vscode-cdn.net/home/u/ext/dist/webview',
      scriptUri: 'https://file%2B.vscode-resource.vscode-cdn.net/home/u/ext/dist/webview/preview.js',
      nonce: 'abc',
    });
    const dir = 'https://*.vscode-cdn.net/home/u/ext/dist/webview/';
    assert.equal(
      csp,
      `default-src 'none'; script-src 'nonce-abc' ${dir} 'wasm-unsafe-eval'; style-src 'nonce-abc' ${dir}; connect-src ${dir}; font-src ${dir}; img-src ${dir}; base-uri 'none'; form-action 'none'`,
    );
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|\s\*(;|\s|$)/);
  });

  it('servers that pass the file in the query get the resource endpoint itself as the source', () => {
    assert.equal(
      folderSources('http://localhost:8080', 'http://localhost:8080/stable-1/vscode-remote-resource?path=/ext/dist/webview', 'http://localhost:8080/stable-1/vscode-remote-resource?path=/ext/dist/webview/preview.js'),
      'http://localhost:8080/stable-1/vscode-remote-resource',
    );
  });

  it('one nonced module script, escaped attributes, a fresh 128-bit nonce each time', () => {
    const html = previewHtml({
      cspSource: 'https://a.b',
      baseUri: 'https://a.b/d',
      scriptUri: 'https://a.b/d/preview.js?x="1"',
      styleUri: 'https://a.b/d/preview.css',
      nonce: 'n1',
      ort: { module: 'https://a.b/d/ort.webgpu.min.mjs?q=</script>', wasmGlue: 'https://a.b/d/g.mjs', wasm: 'https://a.b/d/w.wasm' },
      later: { runtime: 'https://a.b/d/preview-runtime.js', controls: 'https://a.b/d/preview-controls.js' },
    });
    // The import map and the app: both nonced; no way out of the JSON.
    assert.equal(html.match(/<script/g)?.length, 2);
    assert.equal(html.match(/<\/script>/g)?.length, 2);
    assert.match(
      html,
      /<script type="importmap" nonce="n1">\{"imports":\{"onnxruntime-web\/webgpu":"https:\/\/a\.b\/d\/ort\.webgpu\.min\.mjs\?q=\\u003c\/script\\u003e","convlens-preview\/runtime":"https:\/\/a\.b\/d\/preview-runtime\.js","convlens-preview\/controls":"https:\/\/a\.b\/d\/preview-controls\.js"\}\}<\/script>/,
    );
    assert.match(html, /data-ort-wasm-glue="https:\/\/a\.b\/d\/g\.mjs" data-ort-wasm="https:\/\/a\.b\/d\/w\.wasm"/);
    assert.match(html, /<script type="module" async nonce="n1" src="https:\/\/a\.b\/d\/preview\.js\?x=&quot;1&quot;"><\/script>\n<\/body>/);
    // It runs without waiting for the stylesheet, after the elements it reads.
    assert.match(html, /<div id="app"[^]*<script type="module" async/);
    // The first script is fetched beside the stylesheet, after the import map (which must come first).
    assert.match(html, /<script type="importmap"[^]*<link rel="modulepreload" href="https:\/\/a\.b\/d\/preview\.js\?x=&quot;1&quot;" nonce="n1">\n<link rel="stylesheet"/);
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(a, makeNonce());
  });

  it('the first script and the stylesheet written into the page, nonced; texts that could leave their element are linked instead', () => {
    const base = {
      cspSource: 'https://a.b',
      baseUri: 'https://a.b/d',
      scriptUri: 'https://a.b/d/preview.js',
      styleUri: 'https://a.b/d/preview.css',
      nonce: 'n1',
      ort: { module: 'https://a.b/d/o.mjs', wasmGlue: 'https://a.b/d/g.mjs', wasm: 'https://a.b/d/w.wasm' },
      later: { runtime: 'https://a.b/d/r.js', controls: 'https://a.b/d/c.js' },
    };
    const script = 'const a = "<\\/script>"; boot();';
    const style = 'body { margin: 0 }';
    const html = previewHtml({ ...base, inline: { script, style } });
    // The import map and the app, both nonced; the app carries its text and fetches nothing.
    assert.equal(html.match(/<script/g)?.length, 2);
    assert.ok(html.includes(`<script type="module" async nonce="n1">${script}</script>\n</body>`), html);
    assert.ok(html.includes(`<style nonce="n1">${style}</style>`));
    assert.doesNotMatch(html, /modulepreload|rel="stylesheet"|src="https:\/\/a\.b\/d\/preview\.js"/);
    // The style element comes after the CSP, which allows it by the same nonce only.
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style'));
    assert.match(html, /style-src 'nonce-n1' https:\/\/a\.b\/d\//);
    // Each of these in either text would end or re-open an element early: the page links both files.
    for (const bad of ['</script>', '</SCRIPT ', '<!--', '<script>', '</style>', '<Style']) {
      for (const inline of [{ script: `x("${bad}")`, style }, { script, style: `/* ${bad} */` }]) {
        const linked = previewHtml({ ...base, inline });
        assert.ok(!linked.includes('x("') && !linked.includes('/* '), bad);
        assert.match(linked, /<script type="module" async nonce="n1" src="https:\/\/a\.b\/d\/preview\.js"><\/script>/);
        assert.match(linked, /<link rel="stylesheet" href="https:\/\/a\.b\/d\/preview\.css">/);
      }
    }
    assert.equal(inlinable(script), true);
    assert.equal(inlinable('a < b && c <!d'), true);
  });

  it("the first messages ride in the page as an inert JSON block that cannot close its element", () => {
    const good = prepare(CONFIGS[0]!).target;
    const target = { ...good, model: '</script><script>alert(1)</script>' };
    const base = {
      cspSource: 'https://a.b',
      baseUri: 'https://a.b/d',
      scriptUri: 'https://a.b/d/preview.js',
      styleUri: 'https://a.b/d/preview.css',
      nonce: 'n1',
      ort: { module: 'https://a.b/d/o.mjs', wasmGlue: 'https://a.b/d/g.mjs', wasm: 'https://a.b/d/w.wasm' },
      later: { runtime: 'https://a.b/d/r.js', controls: 'https://a.b/d/c.js' },
    };
    const initial = [{ type: 'options', backend: 'wasm' } as const, { type: 'show', requestId: 7, target } as const];
    const html = previewHtml({ ...base, initial });
    // One more element, not executable (no nonce: the CSP would refuse to run it anyway).
    assert.equal(html.match(/<script/g)?.length, 3);
    assert.equal(html.match(/<\/script>/g)?.length, 3);
    const block = /<script type="application\/json" id="convlens-initial">([^<]*)<\/script>/.exec(html);
    assert.ok(block, 'no JSON block');
    // What the page reads back is exactly what was sent, and each message passes the schema.
    const back = JSON.parse(block[1]!) as unknown[];
    assert.deepEqual(back, initial);
    for (const m of back) assert.ok(parseHostMessage(m).ok);
    assert.equal(previewHtml(base).includes('convlens-initial'), false);
    assert.throws(() => previewHtml({ ...base, initial: Array.from({ length: 5 }, () => initial[0]) }), /at most 4/);
  });
});

describe('the colour bar', () => {
  it('passes through every 17th entry of the colour map, bottom to top, and stays within 5 levels of the table between them', () => {
    const css = legendGradient();
    const stops = [...css.matchAll(/rgb\((\d+), (\d+), (\d+)\) ([\d.]+)%/g)].map((m) => ({ rgb: [Number(m[1]), Number(m[2]), Number(m[3])], at: Number(m[4]) }));
    assert.match(css, /^linear-gradient\(to top, /);
    assert.equal(stops.length, 256 / 16);
    stops.forEach((stop, k) => {
      assert.deepEqual(stop.rgb, [...VIRIDIS.subarray(k * 17 * 3, k * 17 * 3 + 3)], `stop ${k}`);
      assert.ok(Math.abs(stop.at - (k * 17 * 100) / 255) < 0.01, `stop ${k} at ${stop.at}%`);
    });
    // The bar between two stops, as CSS interpolates it (linearly), against the table entry there.
    for (let i = 0; i < 256; i++) {
      const k = Math.min(Math.floor(i / 17), stops.length - 2);
      const f = (i - k * 17) / 17;
      for (let c = 0; c < 3; c++) {
        const shown = stops[k]!.rgb[c]! + f * (stops[k + 1]!.rgb[c]! - stops[k]!.rgb[c]!);
        assert.ok(Math.abs(shown - VIRIDIS[i * 3 + c]!) <= 5, `entry ${i} channel ${c}: ${shown} vs ${VIRIDIS[i * 3 + c]}`);
      }
    }
  });
});

describe('layer reports as the host sends them', () => {
  it('every layer the engine reports for the shared fixture models passes the webview schema once reduced', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const { analyzeFile } = await import('../../server/src/engine/analyze');
    const { toPreviewLayer } = await import('../../client/src/preview/previewLayer');
    const dir = resolve(import.meta.dirname, '../../../shared/fixtures/models');
    let layers = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.py'))) {
      // A generous time limit: under load the default wall-clock guard would cut models short.
      const report = analyzeFile({ file: join(dir, file), text: readFileSync(join(dir, file), 'utf8'), readFile: () => null, timeLimitMs: 60_000 });
      for (const model of report.models) {
        for (const layer of model.layers) {
          const reduced = toPreviewLayer(layer);
          const parsed = parseHostMessage({ type: 'show', requestId: 1, target: { model: model.name, layer: reduced, path: [reduced], index: 0 } });
          assert.ok(parsed.ok, `${file} ${layer.path}: ${parsed.ok ? '' : parsed.error}`);
          layers++;
        }
      }
    }
    assert.ok(layers > 300, `${layers} layers`);
  });
});

describe('small model inputs', () => {
  it("a path from a 4×4 input grows its input until two whole periods lie clear of the border, and says so", () => {
    const t = (over: Partial<PreviewLayer>, path: string, size: number) =>
      convT({ path, in: [[1, 8, size, size]], out: [[1, 8, 2 * size, 2 * size]], ...over });
    const path = [t({}, 'a', 4), t({}, 'b', 8), t({}, 'c', 16)];
    const plan = planPreview({ model: 'M()', layer: path[0]!, path, index: 0 }, { inputSize: 'model' });
    const v = plan.variants.find((x) => x.id === 'path')!;
    const interior = interiorOf(v.outSize, v.period, v.margin)!;
    assert.ok(interior.h >= 2 * v.period[0], `interior ${interior.h} for period ${v.period[0]}`);
    assert.deepEqual(v.chain.inSize, [8, 8]);
    assert.ok(plan.notices.some((n) => /input enlarged from 4×4 to 8×8 so that its interior holds two whole periods/.test(n)), plan.notices.join(' | '));
    // The layer itself, at 4×4 → 8×8, already has room.
    assert.deepEqual(plan.variants[0]!.chain.inSize, [4, 4]);
  });
});
