// onnxruntime-web with its native WebGPU provider (`onnxruntime-web/webgpu`) and single-threaded
// WebAssembly (webviews are not cross-origin isolated). Sessions are cached per graph structure;
// weights and pictures are fed at run time.
//
// onnxruntime-web is imported on demand, not with the bundle: the panel boots, and can paint what
// needs no runtime (the engine's overlap map), while ORT's module loads. `warmUp()` starts that
// load and the compilation of the WebAssembly module as soon as the panel opens; ORT keeps one
// instance of the module per page, which every later session reuses.
//
// Which backend ran is measured, not assumed: on WebGPU the outputs are requested as GPU buffers,
// which only the WebGPU provider can produce (a session that silently fell back to wasm fails the
// run, and the preview then says so and runs on wasm).
//
// Outputs are not preallocated (`fetches`): onnxruntime-web 1.30 returns a preallocated CPU
// output unchanged — the result stays in its heap (microsoft/onnxruntime#25786, fix pending in
// #26037). One run per preview (a graph with an output per variant, onnx/setGraph.ts) is what
// keeps the per-run cost down.

import type * as Ort from 'onnxruntime-web/webgpu';
import { chainModel } from '../onnx/chainGraph';
import { runVariants, type RunOptions, type VariantRun } from '../preview/compute';
import type { VariantPlan } from '../preview/plan';
import type { BackendSetting } from '../protocol/messages';

type OrtModule = typeof Ort;
export type Backend = 'webgpu' | 'wasm';

export interface Feed {
  data: Float32Array;
  dims: readonly number[];
}

export interface Output {
  data: Float32Array;
  dims: number[];
}

export interface SetResult {
  /** By graph output name. */
  outputs: Map<string, Output>;
  backend: Backend;
  /** Session creation for this run (0 when the session was cached). */
  sessionMs: number;
  /** run() and, on WebGPU, the download of the outputs. */
  runMs: number;
}

export interface RunResult extends Output {
  backend: Backend;
  sessionMs: number;
  runMs: number;
}

interface CachedSession {
  session: Ort.InferenceSession;
  backend: Backend;
}

const MAX_SESSIONS = 24;

/** The smallest graph there is (Identity on one float): creating a session for it compiles and
 *  instantiates ORT's WebAssembly module and nothing else. */
const warmUpModel = (): Uint8Array => chainModel({ inChannels: 1, inSize: [1, 1], steps: [] });

/**
 * ORT is one module instance per page, whatever number of runtimes use it (the panel has one; the
 * tests make more): loaded, configured and warmed up once. Two first sessions set up concurrently
 * from two runtimes crash the page (ORT's provider set-up is not reentrant).
 */
let ortModule: Promise<OrtModule> | null = null;
let warm: Promise<void> | null = null;

export class PreviewRuntime {
  private adapter: Promise<boolean> | null = null;
  private readonly sessions = new Map<string, Promise<CachedSession>>();
  private webgpuBroken: string | null = null;
  /** One line for the panel when the backend is not the one asked for. */
  notice: string | null = null;

  /** `wasm`: the folder of ORT's WebAssembly files, or the URLs of its glue module and binary. */
  constructor(private readonly wasm: string | { glue: string; binary: string }) {}

  /** ORT's module, loaded once per page and configured for the webview (the first runtime's files). */
  private load(): Promise<OrtModule> {
    ortModule ??= import('onnxruntime-web/webgpu').then((ort) => {
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      ort.env.wasm.wasmPaths = typeof this.wasm === 'string' ? this.wasm : { mjs: this.wasm.glue, wasm: this.wasm.binary };
      ort.env.logLevel = 'error';
      return ort;
    });
    return ortModule;
  }

  /**
   * Loads ORT and compiles its WebAssembly module now (the panel just opened), once. Where there
   * is an adapter the WebGPU provider is set up too, whatever the setting: ORT sets up a provider
   * when the first session asks for it, and one asked for only after a wasm-only session fails
   * ("gpu-buffer is not supported without using WebGPU").
   */
  warmUp(): Promise<void> {
    warm ??= (async () => {
      const ort = await this.load();
      const providers = (await this.hasAdapter()) ? ['webgpu', 'wasm'] : ['wasm'];
      const session = await ort.InferenceSession.create(warmUpModel(), { executionProviders: providers });
      await session.release();
    })();
    return warm;
  }

  /** True when the page has a WebGPU adapter (Chromium needs --enable-unsafe-webgpu headless). */
  hasAdapter(): Promise<boolean> {
    this.adapter ??= (async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu) return false;
      try {
        return (await gpu.requestAdapter()) !== null;
      } catch {
        return false;
      }
    })();
    return this.adapter;
  }

  /** The backend a setting gets here, and the notice when it is not WebGPU for want of one. */
  async backendFor(setting: BackendSetting): Promise<Backend> {
    if (setting === 'wasm') {
      this.notice = null;
      return 'wasm';
    }
    if (this.webgpuBroken) {
      this.notice = `WebGPU failed (${this.webgpuBroken}); running on WebAssembly.`;
      return 'wasm';
    }
    if (!(await this.hasAdapter())) {
      this.notice = 'No WebGPU adapter here; running on WebAssembly.';
      return 'wasm';
    }
    this.notice = null;
    return 'webgpu';
  }

  private create(ort: OrtModule, key: string, model: Uint8Array, backend: Backend): Promise<CachedSession> {
    const cacheKey = `${backend}:${key}`;
    let cached = this.sessions.get(cacheKey);
    if (cached) {
      // Most recently used last.
      this.sessions.delete(cacheKey);
      this.sessions.set(cacheKey, cached);
      return cached;
    }
    const options: Ort.InferenceSession.SessionOptions =
      backend === 'webgpu'
        ? { executionProviders: ['webgpu', 'wasm'], preferredOutputLocation: 'gpu-buffer', graphOptimizationLevel: 'all' }
        : { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
    cached = ort.InferenceSession.create(model, options).then((session) => ({ session, backend }));
    cached.catch(() => this.sessions.delete(cacheKey));
    this.sessions.set(cacheKey, cached);
    while (this.sessions.size > MAX_SESSIONS) {
      const [oldestKey, oldest] = this.sessions.entries().next().value as [string, Promise<CachedSession>];
      this.sessions.delete(oldestKey);
      void oldest.then((s) => s.session.release()).catch(() => undefined);
    }
    return cached;
  }

  /** Every variant of a preview in one run of one graph (the panel's PreviewRunner). */
  runVariants(variants: readonly VariantPlan[], options: RunOptions): Promise<VariantRun[]> {
    return runVariants(this, variants, options);
  }

  /** Runs one after another: a newer preview may start while an older one still awaits a run,
   *  and onnxruntime-web does not take concurrent runs of one session. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs a graph once and returns every output of it. */
  runSet(key: string, model: () => Uint8Array, feeds: Record<string, Feed>, setting: BackendSetting): Promise<SetResult> {
    const next = this.queue.then(() => this.runNow(key, model, feeds, setting));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** A graph with one output (its first). */
  async run(key: string, model: () => Uint8Array, feeds: Record<string, Feed>, setting: BackendSetting): Promise<RunResult> {
    const result = await this.runSet(key, model, feeds, setting);
    const [first] = result.outputs.values();
    if (!first) throw new Error('the graph has no output');
    return { ...first, backend: result.backend, sessionMs: result.sessionMs, runMs: result.runMs };
  }

  private async runNow(key: string, model: () => Uint8Array, feeds: Record<string, Feed>, setting: BackendSetting): Promise<SetResult> {
    const ort = await this.load();
    // The first run waits for the warm-up (or starts it); a failed warm-up is not the run's
    // failure — the run's own session creation reports what is wrong.
    await this.warmUp().catch(() => undefined);
    const backend = await this.backendFor(setting);
    try {
      return await this.runOn(ort, backend, key, model, feeds);
    } catch (error) {
      if (backend !== 'webgpu') throw error;
      // The WebGPU provider could not run this graph: remember, say so, and use wasm.
      this.webgpuBroken = error instanceof Error ? error.message.slice(0, 160) : String(error);
      this.notice = `WebGPU failed (${this.webgpuBroken}); running on WebAssembly.`;
      return this.runOn(ort, 'wasm', key, model, feeds);
    }
  }

  private async runOn(ort: OrtModule, backend: Backend, key: string, model: () => Uint8Array, feeds: Record<string, Feed>): Promise<SetResult> {
    const t0 = performance.now();
    const cacheKey = `${backend}:${key}`;
    const fresh = !this.sessions.has(cacheKey);
    const { session } = await this.create(ort, key, model(), backend);
    const t1 = performance.now();
    const tensors: Record<string, Ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', feed.data, feed.dims);
    const results = await session.run(tensors);
    const outputs = new Map<string, Output>();
    let ran: Backend = 'wasm';
    for (const name of session.outputNames) {
      const output = results[name]!;
      if (output.location === 'gpu-buffer') {
        ran = 'webgpu';
        outputs.set(name, { data: (await output.getData(true)) as Float32Array, dims: [...output.dims] });
      } else {
        if (backend === 'webgpu') throw new Error('the WebGPU session produced no GPU output');
        outputs.set(name, { data: output.data as Float32Array, dims: [...output.dims] });
      }
    }
    const t2 = performance.now();
    return { outputs, backend: ran, sessionMs: fresh ? t1 - t0 : 0, runMs: t2 - t1 };
  }

  /** Drops every cached session (the backend setting changed). */
  async reset(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.webgpuBroken = null;
    await Promise.all(all.map((p) => p.then((s) => s.session.release()).catch(() => undefined)));
  }
}
