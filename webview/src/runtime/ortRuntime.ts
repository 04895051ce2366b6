// onnxruntime-web with its native WebGPU provider (`onnxruntime-web/webgpu`) and single-threaded
// WebAssembly (webviews are not cross-origin isolated). Sessions are cached per graph structure;
// weights and pictures are fed at run time.
//
// Which backend ran is measured, not assumed: on WebGPU the output is requested as a GPU buffer,
// which only the WebGPU provider can produce (a session that silently fell back to wasm fails the
// run, and the preview then says so and runs on wasm).

import * as ort from 'onnxruntime-web/webgpu';
import type { BackendSetting } from '../protocol/messages';

export type Backend = 'webgpu' | 'wasm';

export interface Feed {
  data: Float32Array;
  dims: readonly number[];
}

export interface RunResult {
  data: Float32Array;
  dims: number[];
  backend: Backend;
  /** Session creation for this run (0 when the session was cached). */
  sessionMs: number;
  /** run() and, on WebGPU, the download of the output. */
  runMs: number;
}

interface CachedSession {
  session: ort.InferenceSession;
  backend: Backend;
}

const MAX_SESSIONS = 24;

export class PreviewRuntime {
  private adapter: Promise<boolean> | null = null;
  private readonly sessions = new Map<string, Promise<CachedSession>>();
  private webgpuBroken: string | null = null;
  /** One line for the panel when the backend is not the one asked for. */
  notice: string | null = null;

  /** `wasm`: the folder of ORT's WebAssembly files, or the URLs of its glue module and binary. */
  constructor(wasm: string | { glue: string; binary: string }) {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = typeof wasm === 'string' ? wasm : { mjs: wasm.glue, wasm: wasm.binary };
    ort.env.logLevel = 'error';
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

  private create(key: string, model: Uint8Array, backend: Backend): Promise<CachedSession> {
    const cacheKey = `${backend}:${key}`;
    let cached = this.sessions.get(cacheKey);
    if (cached) {
      // Most recently used last.
      this.sessions.delete(cacheKey);
      this.sessions.set(cacheKey, cached);
      return cached;
    }
    const options: ort.InferenceSession.SessionOptions =
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

  /** Runs one after another: a newer preview may start while an older one still awaits a run,
   *  and onnxruntime-web does not take concurrent runs of one session. */
  private queue: Promise<unknown> = Promise.resolve();

  run(key: string, model: () => Uint8Array, feeds: Record<string, Feed>, setting: BackendSetting): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow(key, model, feeds, setting));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(key: string, model: () => Uint8Array, feeds: Record<string, Feed>, setting: BackendSetting): Promise<RunResult> {
    const backend = await this.backendFor(setting);
    try {
      return await this.runOn(backend, key, model, feeds);
    } catch (error) {
      if (backend !== 'webgpu') throw error;
      // The WebGPU provider could not run this graph: remember, say so, and use wasm.
      this.webgpuBroken = error instanceof Error ? error.message.slice(0, 160) : String(error);
      this.notice = `WebGPU failed (${this.webgpuBroken}); running on WebAssembly.`;
      return this.runOn('wasm', key, model, feeds);
    }
  }

  private async runOn(backend: Backend, key: string, model: () => Uint8Array, feeds: Record<string, Feed>): Promise<RunResult> {
    const t0 = performance.now();
    const cacheKey = `${backend}:${key}`;
    const fresh = !this.sessions.has(cacheKey);
    const { session } = await this.create(key, model(), backend);
    const t1 = performance.now();
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', feed.data, feed.dims);
    const outputs = await session.run(tensors);
    const output = outputs[session.outputNames[0]!]!;
    let data: Float32Array;
    let ran: Backend;
    if (output.location === 'gpu-buffer') {
      ran = 'webgpu';
      data = (await output.getData(true)) as Float32Array;
    } else {
      ran = 'wasm';
      data = output.data as Float32Array;
    }
    if (backend === 'webgpu' && ran !== 'webgpu') throw new Error('the WebGPU session produced no GPU output');
    const t2 = performance.now();
    return { data, dims: [...output.dims], backend: ran, sessionMs: fresh ? t1 - t0 : 0, runMs: t2 - t1 };
  }

  /** Drops every cached session (the backend setting changed). */
  async reset(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.webgpuBroken = null;
    await Promise.all(all.map((p) => p.then((s) => s.session.release()).catch(() => undefined)));
  }
}
