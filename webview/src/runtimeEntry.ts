// The preview's second script (dist/webview/preview-runtime.js, an ES module): what running the
// variants needs — the ONNX graphs, the pictures and weights fed to them, and the onnxruntime-web
// wrapper. The first script (main.ts) paints the layer's overlap map without any of it and
// imports this one by its bare name ('convlens-preview/runtime', which the page's import map
// resolves to this file's webview URI) only after that paint. The browser tests and the bench
// drive these exports directly.

export { PreviewRuntime } from './runtime/ortRuntime';
export { runVariant, runVariants, chainFeeds, setFeeds, chainKey, setKey } from './preview/compute';
export { chainModel } from './onnx/chainGraph';
export { setModel, setOutputName } from './onnx/setGraph';
