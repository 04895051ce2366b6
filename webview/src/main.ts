// The preview webview's entry (bundled by esbuild to dist/webview/preview.js, an ES module). It
// boots the panel when the page has a #app element, and exports the pieces the browser tests and
// the bench drive directly on the built bundle.

import { PreviewRuntime } from './runtime/ortRuntime';
import { PreviewApp, type HostApi } from './ui/app';

export { PreviewRuntime } from './runtime/ortRuntime';
export { planPreview, MAX_SIDE } from './preview/plan';
export { runVariant, chainFeeds, chainKey } from './preview/compute';
export { chainModel } from './onnx/chainGraph';
export { checkerboardScore } from './analysis/checkerboard';
export { parseHostMessage } from './protocol/messages';
export { PreviewApp } from './ui/app';

declare global {
  interface Window {
    acquireVsCodeApi?: () => HostApi;
    convlensPreview?: PreviewApp;
  }
}

/** Where the bundle and the ORT files are (dist/webview/). */
export const BASE_URL = new URL('./', import.meta.url).href;

function boot(): void {
  const container = document.getElementById('app');
  if (!container || window.convlensPreview) return;
  // Outside a webview (a test page without the stub) messages go nowhere.
  const host: HostApi = window.acquireVsCodeApi?.() ?? { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
  const app = new PreviewApp(container, host, new PreviewRuntime(BASE_URL));
  window.convlensPreview = app;
  window.addEventListener('message', (event: MessageEvent) => app.handleMessage(event.data));
  host.postMessage({ type: 'ready' });
}

boot();
