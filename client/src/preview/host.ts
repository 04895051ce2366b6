// One preview webview seen from the extension: sets up its options and page (strict CSP, scripts
// and resources only from dist/webview), validates every message it sends back, and holds the
// latest preview until the page says it is ready (again, after a hidden webview was rebuilt).

import * as vscode from 'vscode';
import { parseWebviewMessage, type BackendSetting, type HostMessage, type PreviewTarget } from '../../../webview/src/protocol/messages';
import { makeNonce, previewHtml } from './html';

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

export class PreviewHost implements vscode.Disposable {
  private ready = false;
  /** The latest show or clear: sent again whenever the page (re)loads — a hidden webview is
   *  discarded and rebuilt when shown again. */
  private latest: HostMessage | null = null;
  private requestId = 0;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the page last reported (backend, timings); the status line of the panel shows it too. */
  lastRendered: { backend: string; runMs: number } | null = null;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    private readonly log: vscode.OutputChannel,
  ) {
    webview.options = webviewOptions(extensionUri);
    const root = webviewRoot(extensionUri);
    webview.html = previewHtml({
      cspSource: webview.cspSource,
      baseUri: webview.asWebviewUri(root).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'preview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'preview.css')).toString(),
      ort: {
        module: webview.asWebviewUri(vscode.Uri.joinPath(root, 'ort.webgpu.min.mjs')).toString(),
        wasmGlue: webview.asWebviewUri(vscode.Uri.joinPath(root, 'ort-wasm-simd-threaded.asyncify.mjs')).toString(),
        wasm: webview.asWebviewUri(vscode.Uri.joinPath(root, 'ort-wasm-simd-threaded.asyncify.wasm')).toString(),
      },
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
        if (this.latest) void this.webview.postMessage(this.latest);
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
    this.post({ type: 'show', requestId: ++this.requestId, target });
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
