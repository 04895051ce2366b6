// The preview controller: validates what the extension sends, plans the variants of the layer,
// paints the layer's overlap map from the engine's pattern at once (no runtime needed), runs all
// variants in one graph and one run, paints them, ranks them by checkerboard score, and reports
// back. A newer request abandons an older one between steps.
//
// This module is part of the first script (main.ts): it imports nothing of the runtime but types.
// The runtime (ONNX graphs, onnxruntime-web) arrives through `runner`, a promise the page starts
// only once the first overlap map is on screen.

import { UnsupportedLayer } from '../preview/fromLayer';
import { interiorOf } from '../analysis/checkerboard';
import type { RunOptions, VariantRun } from '../preview/compute';
import { layerOverlapMap, type OverlapMap } from '../preview/overlapMap';
import { planPreview, type VariantPlan } from '../preview/plan';
import type { Pair } from '../preview/steps';
import { parseHostMessage, type BackendSetting, type PreviewTarget, type WebviewMessage } from '../protocol/messages';
import { classifyRange, flatTolerance, uniformLabel, type MapRange } from '../render/flat';
import { drawHeatmap, drawProfile, drawSpectrum, range } from '../render/plots';
import type { Backend } from '../runtime/ortRuntime';
import { DEFAULT_CONTROLS, PreviewView, type Controls, type VariantView } from './view';

/** What the panel needs of the runtime (PreviewRuntime in the runtime script; tests pass stubs). */
export interface PreviewRunner {
  /** Every variant in one run of one graph, in the plan's order. */
  runVariants(variants: readonly VariantPlan[], options: RunOptions): Promise<VariantRun[]>;
  /** One line for the panel when the backend is not the one asked for. */
  readonly notice: string | null;
  /** Drops every cached session (the backend setting changed). */
  reset(): Promise<void>;
  /** Loads and compiles what the first run needs, ahead of it. */
  warmUp?(): Promise<void>;
}

/** Resolves when the next frame starts, i.e. what was painted before is being put on screen (a
 *  hidden page renders no frames: then after at most `limitMs`). */
export function nextFrame(limitMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, limitMs);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves in a task after the next frame's rendering: what was painted before is on its way to
 *  the screen, and work started now does not hold that frame up (rAF callbacks and their
 *  microtasks run before the frame's style, layout and paint). */
export function afterFrame(limitMs = 100): Promise<void> {
  return nextFrame(limitMs).then(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

export interface HostApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Quiet time after the variants are painted before their spectra are computed. */
const SPECTRA_AFTER_MS = 150;

const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

function restoreControls(state: unknown): Controls {
  const c = { ...DEFAULT_CONTROLS };
  if (typeof state !== 'object' || state === null) return c;
  const s = state as Record<string, unknown>;
  if (typeof s.input === 'string' && ['constant', 'impulse', 'checkerboard', 'ramp', 'noise', 'image'].includes(s.input)) c.input = s.input as Controls['input'];
  if (s.weights === 'ones' || s.weights === 'default') c.weights = s.weights;
  if (s.inputSize === 'model' || (typeof s.inputSize === 'number' && Number.isInteger(s.inputSize) && s.inputSize >= 1 && s.inputSize <= 512)) {
    c.inputSize = s.inputSize;
  }
  if (typeof s.seed === 'number' && Number.isInteger(s.seed) && s.seed >= 0) c.seed = s.seed;
  return c;
}

export class PreviewApp {
  readonly view: PreviewView;
  private controls: Controls;
  private backend: BackendSetting = 'auto';
  private target: PreviewTarget | null = null;
  private requestId = 0;
  private generation = 0;
  /** The runtime, once asked for (the first render that needs it, or `warmUp`). */
  private runner: Promise<PreviewRunner> | null = null;
  /** The overlap map's buffer, reused from layer to layer (fresh memory costs page faults). */
  private overlapScratch: Float32Array = new Float32Array(0);
  /** Resolves once the first picture of this page (an overlap map or a runtime output) is painted
   *  and a frame has started after it. */
  readonly firstPicture: Promise<void>;
  private pictureShown!: () => void;
  /** True once a run of the runtime succeeded: until then its first session is compiling and the
   *  panel says so. */
  private runtimeStarted = false;
  /** Resolves when the latest render finished (tests and the bench wait on it). */
  idle: Promise<void> = Promise.resolve();

  /** `runtime`: the runner, or how to load it (called once, when first needed). */
  constructor(
    container: HTMLElement,
    private readonly host: HostApi,
    private readonly runtime: PreviewRunner | (() => Promise<PreviewRunner>),
  ) {
    this.firstPicture = new Promise((resolve) => (this.pictureShown = resolve));
    this.controls = restoreControls(host.getState());
    this.view = new PreviewView(container, this.controls, (change) => {
      this.controls = { ...this.controls, ...change };
      this.saveState();
      this.rerender();
    });
  }

  /** Entry point for every message from the extension. */
  handleMessage(raw: unknown): void {
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      this.host.postMessage({ type: 'error', message: `rejected message: ${parsed.error}`.slice(0, 1000) });
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'show':
        this.target = message.target;
        this.requestId = message.requestId;
        this.saveState();
        this.rerender();
        break;
      case 'clear':
        this.generation++;
        this.target = null;
        this.view.setState('idle');
        this.view.setStatus(message.message);
        this.view.setProgress(null);
        break;
      case 'options':
        if (message.backend !== this.backend) {
          this.backend = message.backend;
          // Abandon a render in flight first: its sessions are about to be released.
          this.generation++;
          // Nothing to reset before the runtime was first loaded.
          if (this.runner) void this.runner.then((r) => r.reset()).then(() => this.rerender());
          else this.rerender();
        }
        break;
    }
  }

  /** The controls, and the latest request shown (a page rebuilt from its first HTML skips an
   *  older layer that HTML carries). */
  private saveState(): void {
    this.host.setState({ ...this.controls, shown: this.requestId });
  }

  /** The runtime, loaded on first use; a load that failed is tried again by the next render. */
  loadRunner(): Promise<PreviewRunner> {
    if (!this.runner) {
      const runtime = this.runtime;
      const loading = typeof runtime === 'function' ? runtime() : Promise.resolve(runtime);
      this.runner = loading;
      loading.catch(() => {
        if (this.runner === loading) this.runner = null;
      });
    }
    return this.runner;
  }

  private rerender(): void {
    if (!this.target) return;
    const requestId = this.requestId;
    this.idle = this.render(this.target, requestId, ++this.generation).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.view.setStatus(`The preview failed: ${message}`);
      this.view.setState('error');
      this.host.postMessage({ type: 'error', requestId, message: message.slice(0, 1000) });
    });
  }

  private async render(target: PreviewTarget, requestId: number, generation: number): Promise<void> {
    const view = this.view;
    const stale = () => generation !== this.generation;
    view.setState('running');
    view.root.dataset.requestId = String(requestId);
    let plan;
    try {
      plan = planPreview(target, { inputSize: this.controls.inputSize });
    } catch (error) {
      if (!(error instanceof UnsupportedLayer)) throw error;
      view.setTitle(`${target.layer.op} ${target.layer.path}`);
      view.clearVariants();
      view.setNotices([]);
      view.setRanking([]);
      view.setStatus(error.message);
      view.setState('done');
      return;
    }
    view.setTitle(`${plan.title} — ${target.model}`);
    view.setNotices(plan.notices);
    view.setRanking([]);
    view.setStatus('Running…');
    const views = view.setVariants(plan.variants);
    // Before the runtime: the layer's overlap map, exact, from the engine's pattern.
    const layerVariant = plan.variants.find((v) => v.id === 'layer');
    const overlap = layerVariant ? layerOverlapMap(layerVariant, plan.focus, this.overlapScratch) : null;
    if (overlap) this.overlapScratch = overlap.scratch;
    if (layerVariant && overlap) this.paintOverlap(views.get('layer')!, layerVariant, overlap);
    let runs: VariantRun[];
    let runMs = 0;
    let sessionMs = 0;
    let backend: Backend = 'wasm';
    let runner: PreviewRunner;
    try {
      // The note goes into the same frame as the map (one layout, not a second one in that frame).
      if (!this.runtimeStarted) {
        view.setProgress(
          overlap ? 'Compiling the WebAssembly runtime… the exact overlap map is shown meanwhile.' : 'Compiling the WebAssembly runtime…',
        );
      }
      if (!this.runner) {
        // The first render: the overlap map goes on screen before the runtime's script and
        // onnxruntime-web are fetched, compiled and set up — after that frame, not in it.
        if (overlap) await afterFrame();
        if (stale()) return;
      }
      runner = await this.loadRunner();
      if (stale()) return;
      // All variants in one run of one graph.
      runs = await runner.runVariants(plan.variants, { ...this.controls, backend: this.backend });
      if (stale()) return;
      this.runtimeStarted = true;
      view.setProgress(null);
      for (const run of runs) {
        runMs = run.result.runMs;
        sessionMs = run.result.sessionMs;
        backend = run.result.backend;
        this.paint(views.get(run.variant.id)!, run);
      }
      view.root.dataset.backend = backend;
    } catch (error) {
      if (stale()) return;
      const message = error instanceof Error ? error.message : String(error);
      if (!this.runtimeStarted) {
        view.setProgress(
          `The WebAssembly runtime did not start (${message}).` + (overlap ? ' The overlap map shown is exact (from the engine).' : ''),
          'error',
        );
      }
      view.setStatus(`The preview failed: ${message}`);
      view.setState('error');
      this.host.postMessage({ type: 'error', requestId, message: message.slice(0, 1000) });
      return;
    }
    const notices = [...plan.notices];
    if (runner.notice) notices.unshift(runner.notice);
    view.setNotices(notices);
    view.setRanking(runs.map((r) => ({ id: r.variant.id, label: r.variant.label, score: r.checkerboard?.score ?? null })));
    view.setStatus(`Backend: ${backend} · ${runs.length} variants in one run of ${fmtMs(runMs)} ms · new session ${fmtMs(sessionMs)} ms`);
    Object.assign(view.root.dataset, { backend, runMs: runMs.toFixed(3), sessionMs: sessionMs.toFixed(3) });
    view.setState('done');
    this.host.postMessage({
      type: 'rendered',
      requestId,
      backend,
      runMs,
      sessionMs,
      variants: runs.map((r) => ({ id: r.variant.id, label: r.variant.label.slice(0, 120), score: r.checkerboard?.score ?? null, ms: r.result.runMs })),
    });
    // Spectra last: they are the slowest pictures (a 2-D FFT each) and the least urgent. They wait
    // until the cursor has rested a moment: while it moves on, a spectrum of a layer already left
    // behind would only hold up the next layer's pictures.
    for (const [i, run] of runs.entries()) {
      await new Promise((resolve) => setTimeout(resolve, i === 0 ? SPECTRA_AFTER_MS : 0));
      if (stale()) return;
      const v = views.get(run.variant.id)!;
      if (run.checkerboard) drawSpectrum(v.spectrum, run.result.data, run.variant.outSize[1], run.checkerboard.interior, run.variant.period);
      v.spectrum.dataset.painted = 'true';
    }
  }

  /** Heatmap and legend of one output map, under the flat-map rule (render/flat.ts): a map
   *  within rounding of uniform is painted in one colour with the legend "uniform (v)". */
  private paintHeat(v: VariantView, data: Float32Array, size: Pair, period: Pair, r: MapRange, sameRowAs?: Int32Array): void {
    drawHeatmap(v.heatmap, data, size, r.flat ? [r.lo, r.lo] : [r.lo, r.hi], sameRowAs);
    this.view.showHeat(v, size, period);
    delete v.legend.dataset.stale;
    v.heatmap.dataset.flat = String(r.flat);
    v.legend.classList.toggle('flat', r.flat);
    if (r.flat) {
      v.legendMax.textContent = uniformLabel(r.lo, r.hi);
      v.legendMin.textContent = '';
    } else {
      v.legendMax.textContent = Number(r.hi.toPrecision(4)).toString();
      v.legendMin.textContent = Number(r.lo.toPrecision(4)).toString();
    }
  }

  private paintProfile(v: VariantView, data: Float32Array, size: Pair, row: number, period: number, flat: boolean): void {
    drawProfile(v.profile, data, size, row, period, flat);
    const caption = v.profile.nextElementSibling;
    if (caption) caption.textContent = `row ${row} profile`;
  }

  /** The engine's overlap map in the layer's place until the runtime's output replaces it. */
  private paintOverlap(v: VariantView, variant: VariantPlan, overlap: OverlapMap): void {
    const interior = interiorOf(overlap.size, variant.period, variant.margin);
    const row = interior ? interior.y0 + Math.floor(interior.h / 2) : Math.floor(overlap.size[0] / 2);
    // Exact integers: flat only when every count is the same; the range comes with the map.
    const r = classifyRange(overlap.range[0], overlap.range[1], 0);
    this.paintHeat(v, overlap.data, overlap.size, variant.period, r, overlap.sameRowAs);
    const now = String(performance.now());
    Object.assign(v.heatmap.dataset, { source: 'engine', paintedAt: now, enginePaintedAt: now });
    v.detail.textContent = 'Overlap map from the engine (kernel taps per output pixel, exact); the runtime is computing the outputs…';
    // When it is on screen: the end of the next frame's rendering (style, layout and paint run
    // after the frame's rAF callbacks, in the same task; a task queued from the callback runs
    // after them) — the bench's figure. Nothing else runs in that frame: the row profile (code not
    // compiled yet, and the theme's colours: a style recalculation) and whatever waits for the
    // first picture come after it.
    void afterFrame().then(() => {
      if (v.heatmap.dataset.enginePaintedAt !== now) return;
      v.heatmap.dataset.engineFrameAt = String(performance.now());
      this.pictureShown();
      // Unless the runtime's output (and its profile) came first.
      if (v.heatmap.dataset.source === 'engine') this.paintProfile(v, overlap.data, overlap.size, row, variant.period[1], r.flat);
    });
  }

  private paint(v: VariantView, run: VariantRun): void {
    const { data } = run.result;
    const size = run.variant.outSize;
    const cb = run.checkerboard;
    const row = cb ? cb.interior.y0 + Math.floor(cb.interior.h / 2) : Math.floor(size[0] / 2);
    const [lo, hi] = range(data);
    const r = classifyRange(lo, hi, flatTolerance(run.variant.chain.steps, Math.max(Math.abs(lo), Math.abs(hi))));
    this.paintHeat(v, data, size, run.variant.period, r);
    this.paintProfile(v, data, size, row, run.variant.period[1], r.flat);
    Object.assign(v.heatmap.dataset, { source: 'runtime', paintedAt: String(performance.now()) });
    void nextFrame().then(() => this.pictureShown());
    v.score.textContent = cb ? `checkerboard score ${cb.score.toFixed(4)}` : 'checkerboard score: output too small';
    v.article.dataset.score = cb ? String(cb.score) : '';
    const chain = run.variant.chain;
    v.detail.textContent =
      `${chain.inSize[0]}×${chain.inSize[1]} → ${size[0]}×${size[1]} · period ${run.variant.period.join('×')} · ` +
      `${run.result.backend}, one run for all variants ${fmtMs(run.result.runMs)} ms` +
      (cb && cb.pattern.length <= 64 ? ` · phase means ${formatPattern(cb.pattern, run.variant.period[1])}` : '');
  }
}

function formatPattern(pattern: Float64Array, width: number): string {
  const rows: string[] = [];
  for (let i = 0; i < pattern.length; i += width) {
    rows.push(Array.from(pattern.subarray(i, i + width), (v) => Number(v.toPrecision(4))).join(' '));
  }
  return `[${rows.join(' / ')}]`;
}
