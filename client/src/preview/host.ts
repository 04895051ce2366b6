// One preview webview seen from the extension: sets up its options and page (strict CSP, scripts
// and resources only from dist/webview), validates every message it sends back, and holds the
// latest preview until the page says it is ready (again, after a hidden webview was rebuilt).

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { parseWebviewMessage, type BackendSetting, type HostMessage, type PreviewTarget } from '../../../webview/src/protocol/messages';
import { makeNonce, previewHtml } from './html';
import { resendOnReady } from './resend';

export const BACKEND_SETTING = 'preview.backend';

export function backendSetting(): BackendSetting {
  const v = vscode.workspace.getConfiguration('convlens').get<string>(BACKEND_SETTING, 'auto');
  return v === 'webgpu' || v === 'wasm' ? v : 'auto';
}

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** Options every preview webview gets: scripts on, local files from dist/webview only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

/** The first script and the stylesheet, written into every page (html.ts says why); read once. A
 *  folder that cannot be read leaves the page linking the files (which then fail visibly there). */
let firstTexts: { script: string; style: string } | null | undefined;
function inlineTexts(root: vscode.Uri): { script: string; style: string } | undefined {
  if (firstTexts === undefined) {
    try {
      const read = (name: string) => readFileSync(vscode.Uri.joinPath(root, name).fsPath, 'utf8');
      firstTexts = { script: read('preview.js'), style: read('preview.css') };
    } catch {
      firstTexts = null;
    }
  }
  return firstTexts ?? undefined;
}

/** Request ids grow across hosts too: a page compares them with the one it saved in its state. */
let lastRequestId = 0;

export class PreviewHost implements vscode.Disposable {
  private ready = false;
  /** The latest show or clear: sent again whenever the page (re)loads — a hidden webview is
   *  discarded and rebuilt when shown again. */
  private latest: HostMessage | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the page last reported (backend, timings); the status line of the panel shows it too. */
  lastRendered: { backend: string; runMs: number } | null = null;

  /**
   * `initial`: the layer the page opens with. It goes into the page's HTML with the backend
   * setting, so that its overlap map is painted without waiting for `ready` and an answer (the
   * panel knows its layer before it exists; the side view learns it later, by messages).
   */
  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    private readonly log: vscode.OutputChannel,
    initial?: PreviewTarget,
  ) {
    webview.options = webviewOptions(extensionUri);
    const root = webviewRoot(extensionUri);
    const file = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
    if (initial) this.latest = { type: 'show', requestId: ++lastRequestId, target: initial };
    webview.html = previewHtml({
      cspSource: webview.cspSource,
      baseUri: webview.asWebviewUri(root).toString(),
      scriptUri: file('preview.js'),
      later: { runtime: file('preview-runtime.js'), controls: file('preview-controls.js') },
      initial: this.latest ? [{ type: 'options', backend: backendSetting() }, this.latest] : undefined,
      styleUri: file('preview.css'),
      inline: inlineTexts(root),
      ort: { module: file('ort.webgpu.min.mjs'), wasmGlue: file('ort-wasm-simd-threaded.asyncify.mjs'), wasm: file('ort-wasm-simd-threaded.asyncify.wasm') },
      nonce: makeNonce(),
    });
    this.disposables.push(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.appendLine(`[preview] ignored a message from the webview: ${parsed.error}`);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.webview.postMessage({ type: 'options', backend: backendSetting() } satisfies HostMessage);
        if (resendOnReady(this.latest, message.shown)) void this.webview.postMessage(this.latest);
        break;
      case 'rendered':
        this.lastRendered = { backend: message.backend, runMs: message.runMs };
        break;
      case 'error':
        this.log.appendLine(`[preview] ${message.message}`);
        break;
    }
  }

  private post(message: HostMessage): void {
    // Options are sent on every ready anyway; of the rest only the latest matters.
    if (message.type !== 'options') this.latest = message;
    if (this.ready) void this.webview.postMessage(message);
  }

  show(target: PreviewTarget): void {
    this.post({ type: 'show', requestId: ++lastRequestId, target });
  }

  clear(message: string): void {
    this.post({ type: 'clear', message });
  }

  setBackend(backend: BackendSetting): void {
    this.post({ type: 'options', backend });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
