// The built preview bundle (dist/webview) in Debian's headless Chromium, once with
// --enable-unsafe-webgpu (SwiftShader: the WebGPU provider runs) and once without (wasm). For every
// configuration in configs.ts, on the layer report the real engine produced:
//  - all-ones weights on a constant input give exactly the engine's overlap pattern in the
//    interior (geometry.ts overlapPattern / stackOverlapPattern), and the engine's uneven-overlap
//    verdict agrees with the measured map;
//  - PyTorch-default weights on seeded noise match onnxruntime-node on the same model and a naive
//    reference loop written from PyTorch's definitions, within 1e-4;
//  - the backend the preview reports is the one that ran.
// Then the panel itself: messages in, pixels and a `rendered` report out, schema rejections, the
// 512×512 clamp notice, the no-adapter notice, the backend setting, and no CSP violation.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { stackOverlapPattern, type OverlapStackLayer } from '../../server/src/engine/geometry';
import { interiorOf, type Interior } from '../../webview/src/analysis/checkerboard';
import { chainModel } from '../../webview/src/onnx/chainGraph';
import { chainFeeds, chainKey } from '../../webview/src/preview/compute';
import { planPreview, type VariantPlan } from '../../webview/src/preview/plan';
import type { Chain, Pair } from '../../webview/src/preview/steps';
import type { PreviewTarget } from '../../webview/src/protocol/messages';
import { CONFIGS, prepare, type PreparedConfig } from './configs';
import { openHarness, type Harness } from './harness';
import { referenceChain } from './reference';

const FLOAT = { input: 'noise', weights: 'default', seed: 7 } as const;
const ONES = { input: 'constant', weights: 'ones', seed: 0 } as const;
const TOLERANCE = 1e-4;

/** Configurations whose alternatives (nearest/bilinear + conv, ICNR pixel shuffle) are checked too. */
const WITH_ALTERNATIVES = new Set(['ct k3 s2 p1 op1', 'F.interpolate bicubic ×1.5', 'PixelShuffle(3)']);

interface VariantCheck {
  id: string;
  variant: VariantPlan;
  interior: Interior;
  /** Per axis, the all-ones value at interior phase m. */
  pattern: [number[], number[]];
  nodeOutput: Float32Array;
  reference: Float64Array;
}

interface Case {
  prepared: PreparedConfig;
  checks: VariantCheck[];
}

async function runNode(chain: Chain, feeds: Record<string, { data: Float32Array; dims: readonly number[] }>): Promise<Float32Array> {
  const session = await InferenceSession.create(chainModel(chain), { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  const tensors: Record<string, OrtTensor> = {};
  for (const [name, f] of Object.entries(feeds)) tensors[name] = new OrtTensor('float32', f.data, [...f.dims]);
  const out = await session.run(tensors);
  const data = out[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  return data;
}

/** The all-ones pattern of an alternative, simulated by the engine's stack simulation. */
function alternativePattern(chain: Chain, axis: 0 | 1): number[] {
  const layers: OverlapStackLayer[] = chain.steps.map((s) => {
    switch (s.op) {
      case 'conv':
        return { kind: 'conv', kernel: s.kernel[axis], dilation: s.dilation[axis], padding: s.pads[axis] };
      case 'resize':
        return { kind: 'nearest', scale: s.scales && Number.isInteger(s.scales[axis]) ? s.scales[axis] : 1 };
      case 'depthToSpace':
        return { kind: 'nearest', scale: s.factor };
      case 'convTranspose':
        return { kind: 'convTranspose', kernel: s.kernel[axis], stride: s.stride[axis], dilation: s.dilation[axis], padding: s.padding[axis] };
    }
  });
  return stackOverlapPattern(layers);
}

async function buildCase(prepared: PreparedConfig): Promise<Case> {
  const plan = planPreview(prepared.target, { inputSize: 'model' });
  const ids = WITH_ALTERNATIVES.has(prepared.config.name) ? plan.variants.map((v) => v.id) : [prepared.config.variant];
  const checks: VariantCheck[] = [];
  for (const id of ids) {
    const variant = plan.variants.find((v) => v.id === id);
    assert.ok(variant, `${prepared.config.name}: the plan has no '${id}' variant`);
    const interior = interiorOf(variant.outSize, variant.period, variant.margin);
    assert.ok(interior, `${prepared.config.name}/${id}: no interior in ${variant.outSize.join('×')}`);
    const pattern: [number[], number[]] =
      id === 'layer' || id === 'path' ? prepared.pattern : [alternativePattern(variant.chain, 0), alternativePattern(variant.chain, 1)];
    const feeds = chainFeeds(variant.chain, id, FLOAT);
    checks.push({ id, variant, interior, pattern, nodeOutput: await runNode(variant.chain, feeds), reference: referenceChain(variant.chain, feeds).data });
  }
  return { prepared, checks };
}

interface BrowserRun {
  key: string;
  backend: string;
  dims: number[];
  ones: number[];
  float: number[];
  /** The same variant's output from the preview's one graph for all checked variants. */
  floatInSet: number[];
  setBackend: string;
}

/** Runs every case's variants in the page, through the bundle's own exports. */
async function runInBrowser(h: Harness, cases: Case[]): Promise<BrowserRun[][]> {
  const jobs = cases.map((c) => ({ target: c.prepared.target, ids: c.checks.map((k) => k.id) }));
  return h.page.evaluate(
    async ({ bundleUrl, runtimeUrl, jobs, ONES, FLOAT }) => {
      const first = (await import(bundleUrl)) as typeof import('../../webview/src/main');
      const m = (await import(runtimeUrl)) as typeof import('../../webview/src/runtimeEntry');
      const runtime = new m.PreviewRuntime(first.BASE_URL);
      const results = [];
      for (const job of jobs) {
        const plan = first.planPreview(job.target as PreviewTarget, { inputSize: 'model' });
        const runs = [];
        const checked = job.ids.map((id) => plan.variants.find((v) => v.id === id)!);
        const set = await m.runVariants(runtime, checked, { ...FLOAT, backend: 'auto' });
        for (const id of job.ids) {
          const variant = plan.variants.find((v) => v.id === id)!;
          const ones = await m.runVariant(runtime, variant, { ...ONES, backend: 'auto' });
          const float = await m.runVariant(runtime, variant, { ...FLOAT, backend: 'auto' });
          runs.push({
            key: m.chainKey(variant.chain),
            backend: ones.result.backend === float.result.backend ? ones.result.backend : 'mixed',
            dims: float.result.dims,
            ones: Array.from(ones.result.data),
            float: Array.from(float.result.data),
            floatInSet: Array.from(set.find((r) => r.variant.id === id)!.result.data),
            setBackend: set[0]!.result.backend,
          });
        }
        results.push(runs);
      }
      return results;
    },
    { bundleUrl: h.bundleUrl, runtimeUrl: h.runtimeUrl, jobs, ONES, FLOAT },
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/**
 * The interior of the all-ones map against the engine's pattern; true when the map is uneven.
 * Exact, except after an interpolating resize (bilinear, bicubic): its weights sum to 1 only up
 * to float32 rounding, so there the values may be off by a few ulps (≤ 2e-6 relative).
 */
function checkOverlap(name: string, ones: number[], size: Pair, interior: Interior, pattern: [number[], number[]], interpolates: boolean): boolean {
  const [py, px] = [pattern[0].length, pattern[1].length];
  assert.ok(interior.h >= 2 * py && interior.w >= 2 * px, `${name}: interior ${interior.h}×${interior.w} holds fewer than 2 periods of ${py}×${px}`);
  let [lo, hi] = [Infinity, -Infinity];
  for (let y = interior.y0; y < interior.y0 + interior.h; y++) {
    for (let x = interior.x0; x < interior.x0 + interior.w; x++) {
      const expected = pattern[0][y % py]! * pattern[1][x % px]!;
      const got = ones[y * size[1] + x]!;
      if (interpolates) assert.ok(Math.abs(got - expected) <= 2e-6 * expected, `${name}: all-ones output at (${y}, ${x}) is ${got}, the engine's pattern says ${expected}`);
      else assert.equal(got, expected, `${name}: all-ones output at (${y}, ${x}) is ${got}, the engine's pattern says ${expected}`);
      [lo, hi] = [Math.min(lo, got), Math.max(hi, got)];
    }
  }
  return hi - lo > 1e-5 * hi;
}

const CASES: Promise<Case[]> = Promise.all(CONFIGS.map((c) => buildCase(prepare(c))));

for (const mode of ['webgpu', 'wasm'] as const) {
  describe(`preview bundle in headless Chromium, ${mode}`, () => {
    let h: Harness;
    let cases: Case[];
    let runs: BrowserRun[][];

    before(async () => {
      cases = await CASES;
      h = await openHarness({ webgpu: mode === 'webgpu' });
      runs = await runInBrowser(h, cases);
    });
    after(async () => h?.close());

    it(`covers at least 30 configurations, every one on the ${mode} backend`, () => {
      assert.ok(cases.length >= 30, `${cases.length} configurations`);
      const backends = new Set(runs.flat().flatMap((r) => [r.backend, r.setBackend]));
      assert.deepEqual([...backends], [mode]);
    });

    for (const [i, config] of CONFIGS.entries()) {
      it(config.name, async () => {
        const c = cases[i]!;
        const browser = runs[i]!;
        c.checks.forEach((check, j) => {
          const r = browser[j]!;
          const name = `${config.name}/${check.id}`;
          assert.equal(r.key, chainKey(check.variant.chain), `${name}: the browser planned another chain`);
          assert.deepEqual(r.dims.slice(2), check.variant.outSize, `${name}: output size`);
          const interpolates = check.variant.chain.steps.some((s) => s.op === 'resize' && (s.mode === 'bilinear' || s.mode === 'bicubic'));
          const uneven = checkOverlap(name, r.ones, check.variant.outSize, check.interior, check.pattern, interpolates);
          if (check.id === 'layer' || check.id === 'path') {
            assert.equal(uneven, c.prepared.engineUneven, `${name}: the engine says ${c.prepared.engineUneven ? 'uneven' : 'even'}, the map is ${uneven ? 'uneven' : 'even'}`);
          } else {
            assert.equal(uneven, false, `${name}: an alternative overlaps unevenly`);
          }
          const vsNode = maxAbsDiff(r.float, check.nodeOutput);
          const vsReference = maxAbsDiff(r.float, check.reference);
          assert.ok(vsNode <= TOLERANCE, `${name}: ${vsNode} from onnxruntime-node`);
          assert.ok(vsReference <= TOLERANCE, `${name}: ${vsReference} from the reference loop`);
          // All variants in one graph and one run: each output what the variant computes alone.
          const setVsNode = maxAbsDiff(r.floatInSet, check.nodeOutput);
          const setVsReference = maxAbsDiff(r.floatInSet, check.reference);
          assert.ok(setVsNode <= TOLERANCE, `${name}: ${setVsNode} from onnxruntime-node (one graph for all variants)`);
          assert.ok(setVsReference <= TOLERANCE, `${name}: ${setVsReference} from the reference loop (one graph for all variants)`);
          // Not vacuous: the float run is not the all-ones run and varies.
          assert.ok(new Set(r.float.map((v) => v.toFixed(5))).size > 4, `${name}: the float output is nearly constant`);
        });
      });
    }

    describe('the panel', () => {
      const deconv = (): PreviewTarget => cases.find((c) => c.prepared.config.name === 'ct k3 s2 p1 op1')!.prepared.target;
      const show = async (target: PreviewTarget, requestId: number) => {
        await h.page.evaluate(({ target, requestId }) => window.postMessage({ type: 'show', requestId, target }, '*'), { target, requestId });
        await h.page.waitForFunction(
          (id) => {
            const root = document.getElementById('convlens-preview');
            return root?.dataset.requestId === String(id) && (root.dataset.state === 'done' || root.dataset.state === 'error');
          },
          requestId,
          { timeout: 60_000 },
        );
      };
      const hostMessages = () => h.page.evaluate(() => (window as unknown as { __hostMessages: { type: string; [k: string]: unknown }[] }).__hostMessages);

      it('paints the layer, reports the backend that ran and ranks the variants', async () => {
        await show(deconv(), 101);
        const dom = await h.page.evaluate(() => {
          const root = document.getElementById('convlens-preview')!;
          const canvas = document.getElementById('heatmap-layer') as HTMLCanvasElement;
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          const colours = new Set<number>();
          for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
          return {
            state: root.dataset.state,
            backend: root.dataset.backend,
            size: [canvas.height, canvas.width],
            colours: colours.size,
            scores: Array.from(document.querySelectorAll<HTMLElement>('article.variant'), (a) => [a.dataset.variant, Number(a.dataset.score)]),
            status: document.getElementById('preview-status')!.textContent,
            notices: document.getElementById('preview-notices')!.textContent ?? '',
            progress: document.getElementById('preview-progress')!.hidden,
          };
        });
        assert.equal(dom.state, 'done');
        assert.equal(dom.progress, true, 'the compiling note is gone once the runtime painted');
        assert.equal(dom.backend, mode);
        assert.match(dom.status ?? '', new RegExp(`Backend: ${mode} · 4 variants in one run of [\\d.]+ ms`));
        assert.deepEqual(dom.size, [14, 16]);
        // Overlap map of k3 s2 p1 op1 with ones: 1, 2 and 4 taps → three colours.
        assert.equal(dom.colours, 3);
        const scores = Object.fromEntries(dom.scores) as Record<string, number>;
        assert.ok(Math.abs(scores.layer! - 0.19) < 1e-9, `layer score ${scores.layer}`);
        for (const alt of ['nearest-conv', 'bilinear-conv', 'shuffle-icnr']) assert.equal(scores[alt], 0, alt);
        if (mode === 'wasm') assert.match(dom.notices, /No WebGPU adapter/);
        else assert.doesNotMatch(dom.notices, /WebGPU/);
        const rendered = (await hostMessages()).filter((m) => m.type === 'rendered' && m.requestId === 101);
        assert.equal(rendered.length, 1);
        assert.equal(rendered[0]!.backend, mode);
      });

      it('ICNR: an untrained pixel shuffle paints no checkerboard, an untrained k3 s2 transposed convolution does', async () => {
        await h.page.evaluate(() => {
          const select = document.getElementById('weights') as HTMLElement & { value: string };
          select.value = 'default';
          select.dispatchEvent(new Event('change'));
        });
        await h.page.waitForFunction(() => {
          const root = document.getElementById('convlens-preview')!;
          return root.dataset.state === 'done' && document.getElementById('variant-layer')?.dataset.score !== '0.19';
        });
        const scores = await h.page.evaluate(() =>
          Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('article.variant'), (a) => [a.dataset.variant, Number(a.dataset.score)])),
        );
        assert.equal(scores['shuffle-icnr'], 0);
        assert.equal(scores['nearest-conv'], 0);
        assert.ok(scores.layer! > 0.01, `layer score ${scores.layer}`);
        await h.page.evaluate(() => {
          const select = document.getElementById('weights') as HTMLElement & { value: string };
          select.value = 'ones';
          select.dispatchEvent(new Event('change'));
        });
        await h.page.waitForFunction(() => document.getElementById('convlens-preview')!.dataset.state === 'done');
      });

      it("paints the layer's overlap map from the engine before the runtime answers, equal to onnxruntime-node's all-ones output", async () => {
        const c = cases.find((k) => k.prepared.config.name === 'ct k5 s2 p2 op1')!;
        const layer = c.checks.find((k) => k.id === 'layer')!;
        const oracle = await runNode(layer.variant.chain, chainFeeds(layer.variant.chain, 'layer', ONES));
        const painted = await h.page.evaluate(
          async ({ bundleUrl, target }) => {
            const m = (await import(bundleUrl)) as typeof import('../../webview/src/main');
            // A runtime that never answers: whatever is on the canvas came without it.
            const stalled: import('../../webview/src/ui/app').PreviewRunner = { runVariants: () => new Promise(() => undefined), notice: null, reset: async () => undefined };
            const container = document.createElement('div');
            document.body.append(container);
            const host = { postMessage: () => undefined, getState: () => ({ input: 'noise', weights: 'default' }), setState: () => undefined };
            const app = new m.PreviewApp(container, host, stalled);
            app.handleMessage({ type: 'show', requestId: 1, target });
            await new Promise((resolve) => requestAnimationFrame(resolve));
            const canvas = container.querySelector<HTMLCanvasElement>('#heatmap-layer')!;
            const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
            const colours: number[] = [];
            for (let i = 0; i < pixels.length; i += 4) colours.push((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
            const result = {
              source: canvas.dataset.source,
              state: container.querySelector<HTMLElement>('#convlens-preview')!.dataset.state,
              size: [canvas.height, canvas.width],
              colours,
              max: container.querySelector('#legend-max-layer')!.textContent,
              min: container.querySelector('#legend-min-layer')!.textContent,
            };
            container.remove();
            return result;
          },
          { bundleUrl: h.bundleUrl, target: c.prepared.target },
        );
        assert.equal(painted.source, 'engine');
        assert.equal(painted.state, 'running');
        assert.deepEqual(painted.size, layer.variant.outSize);
        // Same colour ⇔ same count: the painted map has exactly the oracle's level sets.
        const colourOf = new Map<number, number>();
        const valueOf = new Map<number, number>();
        oracle.forEach((value, i) => {
          const colour = painted.colours[i]!;
          assert.equal(colourOf.get(value) ?? colour, colour, `pixel ${i}: count ${value} painted in two colours`);
          assert.equal(valueOf.get(colour) ?? value, value, `pixel ${i}: one colour for counts ${valueOf.get(colour)} and ${value}`);
          colourOf.set(value, colour);
          valueOf.set(colour, value);
        });
        assert.ok(colourOf.size >= 3, `${colourOf.size} distinct counts`);
        assert.equal(Number(painted.max), Math.max(...oracle));
        assert.equal(Number(painted.min), Math.min(...oracle));
      });

      it('rejects unknown types, unknown keys and oversized values, and keeps the preview', async () => {
        const before = (await hostMessages()).length;
        const bad: unknown[] = [
          { type: 'run-code', code: 'alert(1)' },
          { type: 'show', requestId: 5, target: { ...deconv(), extra: 1 } },
          { type: 'show', requestId: 6, target: { ...deconv(), path: Array.from({ length: 33 }, () => deconv().layer) } },
          { type: 'clear', message: 'x'.repeat(301) },
          { type: 'options', backend: 'webgl' },
          'show',
        ];
        for (const m of bad) await h.page.evaluate((m) => window.postMessage(m, '*'), m);
        await h.page.waitForFunction(
          ({ before, n }) => (window as unknown as { __hostMessages: { type: string }[] }).__hostMessages.slice(before).filter((m) => m.type === 'error').length >= n,
          { before, n: bad.length },
        );
        // Only the rejections: a render finishing meanwhile may add its report.
        const errors = (await hostMessages()).slice(before).filter((m) => m.type !== 'rendered');
        assert.equal(errors.length, bad.length);
        for (const e of errors) assert.equal(e.type, 'error');
        assert.match(String(errors[0]!.message), /unknown message type "run-code"/);
        assert.match(String(errors[1]!.message), /unknown key 'extra'/);
        assert.match(String(errors[2]!.message), /array length/);
        const state = await h.page.evaluate(() => document.getElementById('convlens-preview')!.dataset);
        assert.equal(state.state, 'done');
        assert.equal(state.requestId, '101');
      });

      it('clamps outputs larger than 512×512 with a notice', async () => {
        const big = structuredClone(deconv());
        big.layer.in = [[1, 1, 400, 300]];
        big.layer.out = [[1, 2, 800, 600]];
        big.layer.padding = [1, 1];
        big.path = [big.layer];
        big.index = 0;
        await show(big, 102);
        const dom = await h.page.evaluate(() => ({
          notices: document.getElementById('preview-notices')!.textContent ?? '',
          size: [(document.getElementById('heatmap-layer') as HTMLCanvasElement).height, (document.getElementById('heatmap-layer') as HTMLCanvasElement).width],
        }));
        assert.match(dom.notices, /clamped to at most 512×512 — input 400×300 → 256×256 \(the full output would be 800×600\)/);
        assert.deepEqual(dom.size, [512, 512]);
      });

      it('follows the backend setting', async () => {
        await h.page.evaluate(() => window.postMessage({ type: 'options', backend: 'wasm' }, '*'));
        await h.page.waitForFunction(() => {
          const root = document.getElementById('convlens-preview')!;
          return root.dataset.state === 'done' && root.dataset.backend === 'wasm' && /Backend: wasm/.test(document.getElementById('preview-status')!.textContent ?? '');
        });
        await h.page.evaluate(() => window.postMessage({ type: 'options', backend: 'auto' }, '*'));
      });

      it('a newer request wins over ones still running (the cursor moved on)', async () => {
        const first = deconv();
        const second = cases.find((c) => c.prepared.config.name === 'PixelShuffle(3)')!.prepared.target;
        await h.page.evaluate(
          ({ first, second }) => {
            window.postMessage({ type: 'show', requestId: 201, target: first }, '*');
            window.postMessage({ type: 'show', requestId: 202, target: first }, '*');
            window.postMessage({ type: 'show', requestId: 203, target: second }, '*');
          },
          { first, second },
        );
        await h.page.waitForFunction(() => {
          const root = document.getElementById('convlens-preview')!;
          return root.dataset.requestId === '203' && root.dataset.state === 'done';
        });
        const title = await h.page.evaluate(() => document.getElementById('preview-title')!.textContent);
        assert.match(title ?? '', /^PixelShuffle up/);
        // Superseded renders stop at their next step (on wasm they may have finished already, as
        // each message is its own task): never an error, never a report after the newest one.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const reports = (await hostMessages()).filter((m) => typeof m.requestId === 'number' && (m.requestId as number) > 200);
        assert.ok(reports.every((m) => m.type === 'rendered'), JSON.stringify(reports));
        const ids = reports.map((m) => m.requestId as number);
        assert.equal(ids.at(-1), 203);
        assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
      });

      it('loads under its Content-Security-Policy without a violation', async () => {
        const violations = await h.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
        assert.deepEqual(violations, []);
        const csp = await h.page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content'));
        assert.match(csp ?? '', /^default-src 'none'; script-src 'nonce-[^']+' http:\/\/127\.0\.0\.1:\d+\/dist\/webview\/ 'wasm-unsafe-eval'/);
      });
    });
  });
}
