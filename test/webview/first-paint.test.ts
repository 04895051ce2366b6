// The first picture of the preview does not wait for the runtime. In Debian's headless Chromium,
// on the built dist/webview scripts, with the harness server holding back the runtime script
// (preview-runtime.js) and onnxruntime-web's files forever:
//  - a page opened as the panel opens it (the layer in its HTML) paints the layer's overlap map
//    with no message from the host, equal to onnxruntime-node's all-ones output (the oracle), says
//    `ready` with the request it rendered, and loads its controls;
//  - a page that gets its layer after `ready` (the side view) paints it too;
//  - a page rebuilt from HTML older than what it showed last skips that stale layer;
// a first picture that waited for the runtime never comes, and these tests time out. Also: the
// first script imports neither the runtime nor ORT, and the host's replay rule on `ready`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { inlinable } from '../../client/src/preview/html';
import { VIRIDIS } from '../../webview/src/render/colormap';
import { resendOnReady } from '../../client/src/preview/resend';
import { chainModel } from '../../webview/src/onnx/chainGraph';
import { chainFeeds } from '../../webview/src/preview/compute';
import { planPreview } from '../../webview/src/preview/plan';
import type { HostMessage, PreviewLayer, PreviewTarget } from '../../webview/src/protocol/messages';
import { overlapPattern } from '../../server/src/engine/geometry';
import { CONFIGS, prepare } from './configs';
import { DIST_WEBVIEW, openHarness, type Harness } from './harness';

/** Everything the runtime needs: its script and ORT's module, glue and binary. */
const RUNTIME_FILES = /^(preview-runtime\.js|ort[.-])/;
const ONES = { input: 'constant', weights: 'ones', seed: 0 } as const;

const target = (): PreviewTarget => prepare(CONFIGS.find((c) => c.name === 'ct k5 s2 p2 op1')!).target;

/** onnxruntime-node's output for the layer alone, all-ones weights on a constant input. */
async function oracleCounts(t: PreviewTarget): Promise<{ data: Float32Array; size: [number, number] }> {
  const variant = planPreview(t, { inputSize: 'model' }).variants.find((v) => v.id === 'layer')!;
  const session = await InferenceSession.create(chainModel(variant.chain), { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  const tensors: Record<string, OrtTensor> = {};
  for (const [name, f] of Object.entries(chainFeeds(variant.chain, 'layer', ONES))) tensors[name] = new OrtTensor('float32', f.data, [...f.dims]);
  const out = await session.run(tensors);
  const data = out[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  return { data, size: variant.outSize };
}

interface Painted {
  source?: string;
  state?: string;
  requestId?: string;
  size: number[];
  colours: number[];
  stale: boolean;
}

/** Waits for the layer's heatmap to be painted by the engine, and reads it back. */
function readOverlap(h: Harness): Promise<Painted> {
  return h.page.evaluate(async () => {
    const until = performance.now() + 30_000;
    let canvas = document.getElementById('heatmap-layer') as HTMLCanvasElement | null;
    while (!canvas?.dataset.engineFrameAt) {
      if (performance.now() > until) throw new Error('no overlap map');
      await new Promise((resolve) => setTimeout(resolve, 10));
      canvas = document.getElementById('heatmap-layer') as HTMLCanvasElement | null;
    }
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours: number[] = [];
    for (let i = 0; i < pixels.length; i += 4) colours.push((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
    const root = document.getElementById('convlens-preview')!;
    return { source: canvas.dataset.source, state: root.dataset.state, requestId: root.dataset.requestId, size: [canvas.height, canvas.width], colours, stale: canvas.dataset.stale !== undefined };
  });
}

/** Same colour ⇔ same count: the painted map has exactly the oracle's level sets. */
function assertLevelSets(painted: Painted, oracle: { data: Float32Array; size: [number, number] }): void {
  assert.deepEqual(painted.size, oracle.size);
  const colourOf = new Map<number, number>();
  const valueOf = new Map<number, number>();
  oracle.data.forEach((value, i) => {
    const colour = painted.colours[i]!;
    assert.equal(colourOf.get(value) ?? colour, colour, `pixel ${i}: count ${value} painted in two colours`);
    assert.equal(valueOf.get(colour) ?? value, value, `pixel ${i}: one colour for counts ${valueOf.get(colour)} and ${value}`);
    colourOf.set(value, colour);
    valueOf.set(colour, value);
  });
  assert.ok(colourOf.size >= 3, `${colourOf.size} distinct counts`);
}

const hostMessages = (h: Harness) => h.page.evaluate(() => (window as unknown as { __hostMessages: { type: string; [k: string]: unknown }[] }).__hostMessages);

describe('the first picture, with the runtime held back', () => {
  let oracle: { data: Float32Array; size: [number, number] };
  before(async () => {
    oracle = await oracleCounts(target());
  });

  describe('opened as the panel opens it (the layer in the HTML)', () => {
    let h: Harness;
    before(async () => {
      const initial: HostMessage[] = [{ type: 'options', backend: 'wasm' }, { type: 'show', requestId: 41, target: target() }];
      h = await openHarness({ webgpu: false, initial, hold: RUNTIME_FILES });
    });
    after(async () => h.close());

    it("paints the layer's overlap map without the runtime and without a message from the host", async () => {
      const painted = await readOverlap(h);
      assert.equal(painted.source, 'engine');
      assert.equal(painted.state, 'running');
      assert.equal(painted.requestId, '41');
      assert.equal(painted.stale, false);
      assertLevelSets(painted, oracle);
      // The runtime was asked for (after the picture) and never came; ORT never was.
      assert.ok(h.requested.includes('preview-runtime.js'), h.requested.join(', '));
      assert.ok(!h.requested.some((f) => f.startsWith('ort')), h.requested.join(', '));
    });

    it('shows the colour bar beside it (a CSS gradient set through the CSSOM, which the CSP allows): the map\'s lowest colour at the bottom, its highest on top', async () => {
      const bar = await h.page.evaluate(() => {
        const legend = document.getElementById('legend-layer')!;
        const box = legend.getBoundingClientRect();
        return { image: getComputedStyle(legend).backgroundImage, visibility: getComputedStyle(legend).visibility, height: box.height };
      });
      assert.equal(bar.visibility, 'visible');
      assert.ok(bar.height >= 40, String(bar.height));
      const stops = [...bar.image.matchAll(/rgb\((\d+), (\d+), (\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
      assert.match(bar.image, /^linear-gradient\(to top, /);
      assert.deepEqual(stops[0], [...VIRIDIS.subarray(0, 3)]);
      assert.deepEqual(stops.at(-1), [...VIRIDIS.subarray(765, 768)]);
    });

    it('says ready with the request it rendered, so the host does not send it again', async () => {
      const ready = (await hostMessages(h)).filter((m) => m.type === 'ready');
      assert.deepEqual(ready, [{ type: 'ready', shown: 41 }]);
    });

    it('loads its controls after the picture, whatever the runtime does', async () => {
      await h.page.waitForFunction(() => customElements.get('vscode-single-select') !== undefined, null, { timeout: 120_000 });
      const visible = await h.page.evaluate(() => getComputedStyle(document.getElementById('weights')!).visibility);
      assert.equal(visible, 'visible');
    });

    it('says the runtime is compiling while the exact overlap map is shown', async () => {
      const note = await h.page.evaluate(() => {
        const p = document.getElementById('preview-progress')!;
        return { hidden: p.hidden, text: p.textContent, kind: p.dataset.kind, role: p.getAttribute('role') };
      });
      assert.deepEqual(note, { hidden: false, text: 'Compiling the WebAssembly runtime… the exact overlap map is shown meanwhile.', kind: 'progress', role: 'status' });
    });

    it('shows the map at an integer zoom on a window of whole periods, with keyboard and button controls', async () => {
      // ct k5 s2 p2 op1 on the configuration's input: period 2, so ×6 device pixels by default.
      const read = () =>
        h.page.evaluate(() => {
          const canvas = document.getElementById('heatmap-layer') as HTMLCanvasElement;
          const box = document.getElementById('heat-viewport-layer')!.getBoundingClientRect();
          const drawn = canvas.getBoundingClientRect();
          const dpr = devicePixelRatio;
          return {
            size: [canvas.height, canvas.width],
            zoom: Number(canvas.dataset.zoom),
            crop: canvas.dataset.crop!.split(',').map(Number),
            caption: document.getElementById('heat-caption-layer')!.textContent!,
            // Device pixels per output pixel, as laid out.
            scale: [(drawn.height * dpr) / canvas.height, (drawn.width * dpr) / canvas.width],
            box: [box.height * dpr, box.width * dpr],
            offset: [(box.top - drawn.top) * dpr, (box.left - drawn.left) * dpr],
            rendering: getComputedStyle(canvas).imageRendering,
            zoomIn: (document.getElementById('zoom-in-layer') as HTMLButtonElement).disabled,
          };
        });
      // The configuration's small map fits whole, at the largest integer zoom.
      const small = await read();
      assert.equal(small.rendering, 'pixelated');
      assert.match(small.caption, new RegExp(`^${small.size[0]}×${small.size[1]}, ×${small.zoom}$`));
      assert.deepEqual(small.scale, [small.zoom, small.zoom]);
      // A k3 s2 layer 64² → 128² (the moiré case): a window of whole periods at ×6.
      const k3: PreviewLayer = {
        path: 'up', op: 'ConvTranspose2d', args: '8→8, k=3, s=2, p=1, op=1', in: [[1, 8, 64, 64]], out: [[1, 8, 128, 128]],
        kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], overlap: [overlapPattern(3, 2, 1, 1), overlapPattern(3, 2, 1, 1)],
      };
      await h.page.evaluate((target) => window.postMessage({ type: 'show', requestId: 42, target }, '*'), { model: 'M()', layer: k3, path: [k3], index: 0 });
      await h.page.waitForFunction(() => document.getElementById('convlens-preview')!.dataset.requestId === '42' && !!document.getElementById('heatmap-layer')!.dataset.engineFrameAt);
      const first = await read();
      assert.deepEqual(first.size, [128, 128]);
      const dpr = await h.page.evaluate(() => devicePixelRatio);
      assert.equal(dpr, 1, 'the harness page has one device pixel per CSS pixel');
      assert.equal(first.zoom, 6);
      assert.deepEqual(first.scale, [6, 6]);
      assert.equal(first.caption, 'crop 32×32 of 128×128, ×6');
      assert.deepEqual(first.crop, [48, 48, 32, 32]);
      assert.deepEqual(first.box, [32 * 6, 32 * 6]);
      assert.deepEqual(first.offset, [48 * 6, 48 * 6]);
      // Keyboard: − zooms out, + back in; the buttons do the same.
      await h.page.focus('#heat-viewport-layer');
      await h.page.keyboard.press('-');
      assert.equal((await read()).zoom, 5);
      await h.page.keyboard.press('+');
      assert.equal((await read()).zoom, 6);
      await h.page.click('#zoom-out-layer');
      const out = await read();
      assert.equal(out.zoom, 5);
      assert.deepEqual(out.scale, [5, 5]);
      // 192 / 5 = 38 pixels: 19 whole periods, still around the centre and on a period.
      assert.equal(out.caption, 'crop 38×38 of 128×128, ×5');
      assert.deepEqual(out.crop, [44, 44, 38, 38]);
      // Arrow keys move by one period.
      await h.page.focus('#heat-viewport-layer');
      await h.page.keyboard.press('ArrowRight');
      assert.deepEqual((await read()).crop, [44, 46, 38, 38]);
      await h.page.focus('#heat-viewport-layer');
      await h.page.keyboard.press('0');
      assert.equal((await read()).zoom, 6);
    });

    it('loads under its Content-Security-Policy without a violation', async () => {
      assert.deepEqual(await h.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
    });
  });

  it('a runtime that fails to start leaves an error note beside the exact overlap map', async () => {
    const h = await openHarness({ webgpu: false, hold: RUNTIME_FILES });
    try {
      const dom = await h.page.evaluate(
        async ({ bundleUrl, target }) => {
          const m = (await import(bundleUrl)) as typeof import('../../webview/src/main');
          const container = document.createElement('div');
          document.body.append(container);
          const host = { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
          const failing = () => Promise.reject(new Error('WebAssembly.instantiate(): out of memory'));
          const app = new m.PreviewApp(container, host, failing);
          app.handleMessage({ type: 'show', requestId: 1, target });
          await app.idle;
          const p = container.querySelector<HTMLElement>('#preview-progress')!;
          return {
            note: p.textContent,
            hidden: p.hidden,
            kind: p.dataset.kind,
            state: container.querySelector<HTMLElement>('#convlens-preview')!.dataset.state,
            source: container.querySelector<HTMLCanvasElement>('#heatmap-layer')!.dataset.source,
          };
        },
        { bundleUrl: h.bundleUrl, target: target() },
      );
      assert.deepEqual(dom, {
        note: 'The WebAssembly runtime did not start (WebAssembly.instantiate(): out of memory). The overlap map shown is exact (from the engine).',
        hidden: false,
        kind: 'error',
        state: 'error',
        source: 'engine',
      });
    } finally {
      await h.close();
    }
  });

  it('paints it the same when the layer comes after ready (the side view)', async () => {
    const h = await openHarness({ webgpu: false, showOnReady: { type: 'show', requestId: 5, target: target() }, hold: RUNTIME_FILES });
    try {
      const painted = await readOverlap(h);
      assert.equal(painted.source, 'engine');
      assert.equal(painted.state, 'running');
      assertLevelSets(painted, oracle);
      assert.deepEqual((await hostMessages(h)).filter((m) => m.type === 'ready'), [{ type: 'ready' }]);
    } finally {
      await h.close();
    }
  });

  it('a page rebuilt from older HTML than it last showed skips that layer and asks for the latest', async () => {
    const h = await openHarness({ webgpu: false, initial: [{ type: 'show', requestId: 3, target: target() }], savedState: { shown: 9 }, hold: RUNTIME_FILES });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const dom = await h.page.evaluate(() => ({ state: document.getElementById('convlens-preview')!.dataset.state, layer: document.getElementById('heatmap-layer') !== null }));
      assert.deepEqual(dom, { state: 'idle', layer: false });
      assert.deepEqual((await hostMessages(h)).filter((m) => m.type === 'ready'), [{ type: 'ready' }]);
    } finally {
      await h.close();
    }
  });
});

describe('what the first script holds', () => {
  it('neither the runtime (ONNX graphs, the ORT wrapper) nor onnxruntime-web nor the controls', () => {
    const first = readFileSync(join(DIST_WEBVIEW, 'preview.js'), 'utf8');
    const runtime = readFileSync(join(DIST_WEBVIEW, 'preview-runtime.js'), 'utf8');
    // Strings only the runtime script carries: ORT's import and the ONNX model's producer name.
    for (const marker of ['onnxruntime-web/webgpu', 'convlens-preview']) assert.ok(runtime.includes(marker), `the runtime script lacks ${marker}`);
    assert.ok(!first.includes('onnxruntime-web/webgpu'), 'the first script imports ORT');
    assert.ok(!/InferenceSession/.test(first), 'the first script holds ORT sessions');
    assert.ok(!first.includes('customElements.define'), 'the first script defines the controls');
  });

  it('fits in the page as it is (else the panel would link it and wait for its fetch), as does the stylesheet', () => {
    assert.ok(inlinable(readFileSync(join(DIST_WEBVIEW, 'preview.js'), 'utf8')));
    assert.ok(inlinable(readFileSync(join(DIST_WEBVIEW, 'preview.css'), 'utf8')));
  });
});

describe("the host's replay on ready", () => {
  const show = { type: 'show', requestId: 7, target: target() } as const;
  it('sends the latest show unless the page rendered that very request from its HTML', () => {
    assert.equal(resendOnReady(show, 7), false);
    assert.equal(resendOnReady(show, 6), true);
    assert.equal(resendOnReady(show, undefined), true);
    assert.equal(resendOnReady({ type: 'clear', message: 'x' }, 7), true);
    assert.equal(resendOnReady(null, undefined), false);
  });
});
