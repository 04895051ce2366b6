// The preview webview's entry (bundled by esbuild to dist/webview/preview.js, an ES module). It
// boots the panel when the page has a #app element, and exports the pieces the browser tests and
// the bench drive directly on the built bundle.

import { PreviewRuntime } from './runtime/ortRuntime';
import { PreviewApp, type HostApi } from './ui/app';

export { PreviewRuntime } from './runtime/ortRuntime';
export { planPreview, MAX_SIDE } from './preview/plan';
export { runVariant, runVariants, chainFeeds, setFeeds, chainKey, setKey } from './preview/compute';
export { layerOverlapMap } from './preview/overlapMap';
export { chainModel } from './onnx/chainGraph';
export { setModel, setOutputName } from './onnx/setGraph';
export { checkerboardScore } from './analysis/checkerboard';
export { parseHostMessage } from './protocol/messages';
export { PreviewApp } from './ui/app';

declare global {
  interface Window {
    acquireVsCodeApi?: () => HostApi;
    convlensPreview?: PreviewApp;
  }
}

/** Where the bundle is (dist/webview/); ORT's files lie beside it. */
export const BASE_URL = new URL('./', import.meta.url).href;

/** How long a panel without a layer to show waits before compiling the runtime anyway. */
const WARM_UP_DELAY_MS = 250;

function boot(): void {
  const container = document.getElementById('app');
  if (!container || window.convlensPreview) return;
  // Outside a webview (a test page without the stub) messages go nowhere.
  const host: HostApi = window.acquireVsCodeApi?.() ?? { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
  // The page names ORT's files (their webview URIs); a page that does not gets them beside the bundle.
  const { ortWasmGlue, ortWasm } = container.dataset;
  const runtime = new PreviewRuntime(ortWasmGlue && ortWasm ? { glue: ortWasmGlue, binary: ortWasm } : BASE_URL);
  const app = new PreviewApp(container, host, runtime);
  window.convlensPreview = app;
  window.addEventListener('message', (event: MessageEvent) => app.handleMessage(event.data));
  host.postMessage({ type: 'ready' });
  // ORT's module and its WebAssembly compile start while the panel waits for its first layer, but
  // not before it: the host answers `ready` with the latest layer at once, and its overlap map
  // (no runtime needed) goes first — its first run starts the same work right after that paint.
  // A failure here shows again, with its message, at the first run.
  setTimeout(() => runtime.warmUp().catch(() => undefined), WARM_UP_DELAY_MS);
}

boot();
