// The editor panel opened by `convlens.openPreview` (command palette, the uneven-overlap code lens,
// the hover link): previews one layer, named by its path or found at the cursor.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { BackendSetting } from '../../../webview/src/protocol/messages';
import { PreviewHost } from './host';
import { isUpsamplingTarget, targetAtPosition, targetByPath } from './targets';

export const PREVIEW_PANEL_TYPE = 'convlens.preview.panel';

/** Arguments the code lens and the hover link pass: [{ uri, path, model? }]. */
export interface OpenPreviewArgs {
  uri?: unknown;
  path?: unknown;
  model?: unknown;
}

export class PreviewPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private host: PreviewHost | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly log: vscode.OutputChannel,
  ) {}

  async open(args?: OpenPreviewArgs): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    let target = null;
    // Command arguments arrive from command: links; use them only when they are plain strings.
    if (args && typeof args.uri === 'string' && typeof args.path === 'string') {
      target = await targetByPath(this.client, args.uri, args.path, typeof args.model === 'string' ? args.model : undefined);
    } else if (editor && editor.document.languageId === 'python') {
      const p = editor.selection.active;
      target = await targetAtPosition(this.client, editor.document.uri.toString(), { line: p.line, character: p.character });
    }
    if (!target || !isUpsamplingTarget(target)) {
      void vscode.window.showInformationMessage('ConvLens: put the cursor on an up-sampling layer (ConvTranspose2d, Upsample / F.interpolate, PixelShuffle) to preview it.');
      return;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(PREVIEW_PANEL_TYPE, `Preview: ${target.layer.path}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      // The layer goes into the page itself: its overlap map needs no message round trip.
      this.host = new PreviewHost(this.panel.webview, this.extensionUri, this.log, target);
      this.panel.onDidDispose(() => {
        this.host?.dispose();
        this.host = null;
        this.panel = null;
      });
      return;
    }
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.panel.title = `Preview: ${target.layer.path}`;
    this.host!.show(target);
  }

  setBackend(backend: BackendSetting): void {
    this.host?.setBackend(backend);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
