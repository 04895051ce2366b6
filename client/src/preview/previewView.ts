// The side panel (Explorer view `convlens.preview`): follows the cursor through Python files and
// previews the up-sampling layer under it; keeps the last preview while the cursor is elsewhere.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PreviewHost } from './host';
import { isUpsamplingTarget, targetAtPosition } from './targets';

export const PREVIEW_VIEW_ID = 'convlens.preview';
const FOLLOW_DELAY_MS = 120;
const IDLE_MESSAGE = 'Move the cursor to an up-sampling layer: ConvTranspose2d, Upsample / F.interpolate, PixelShuffle.';

export class PreviewViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private host: PreviewHost | null = null;
  private timer: NodeJS.Timeout | undefined;
  private shown = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.schedule(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.schedule(editor)),
      // Edits change the analysis: look again once the server had time to re-analyse.
      vscode.workspace.onDidChangeTextDocument((e) => {
        const editor = vscode.window.activeTextEditor;
        if (editor && e.document === editor.document) this.schedule(editor, 600);
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.host?.dispose();
    this.host = new PreviewHost(view.webview, this.extensionUri, this.log);
    this.shown = '';
    this.host.clear(IDLE_MESSAGE);
    view.onDidDispose(() => {
      this.host?.dispose();
      this.host = null;
    });
    view.onDidChangeVisibility(() => view.visible && vscode.window.activeTextEditor && this.schedule(vscode.window.activeTextEditor, 0));
    if (vscode.window.activeTextEditor) this.schedule(vscode.window.activeTextEditor, 0);
  }

  setBackend(backend: Parameters<PreviewHost['setBackend']>[0]): void {
    this.host?.setBackend(backend);
  }

  private schedule(editor: vscode.TextEditor, delay = FOLLOW_DELAY_MS): void {
    if (!this.host || editor.document.languageId !== 'python') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.follow(editor), delay);
  }

  private async follow(editor: vscode.TextEditor): Promise<void> {
    const host = this.host;
    if (!host) return;
    const position = editor.selection.active;
    try {
      const target = await targetAtPosition(this.client, editor.document.uri.toString(), { line: position.line, character: position.character });
      if (!target || !isUpsamplingTarget(target)) return;
      const key = JSON.stringify(target);
      if (key === this.shown) return;
      this.shown = key;
      host.show(target);
    } catch (error) {
      this.log.appendLine(`[preview] ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.host?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
