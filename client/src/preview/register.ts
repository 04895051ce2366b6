// Registers the preview: the side panel, the `convlens.openPreview` command, and the reaction to
// the `convlens.preview.backend` setting.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { backendSetting } from './host';
import { PreviewPanels, type OpenPreviewArgs } from './previewPanel';
import { PREVIEW_VIEW_ID, PreviewViewProvider } from './previewView';

export const OPEN_PREVIEW = 'convlens.openPreview';

export function registerPreview(context: vscode.ExtensionContext, client: LanguageClient): void {
  const log = vscode.window.createOutputChannel('ConvLens Preview');
  const view = new PreviewViewProvider(context.extensionUri, client, log);
  const panels = new PreviewPanels(context.extensionUri, client, log);
  context.subscriptions.push(
    log,
    view,
    panels,
    vscode.window.registerWebviewViewProvider(PREVIEW_VIEW_ID, view),
    vscode.commands.registerCommand(OPEN_PREVIEW, (args?: OpenPreviewArgs) =>
      panels.open(args).catch((error: unknown) => {
        void vscode.window.showErrorMessage(`ConvLens preview: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('convlens.preview.backend')) return;
      const backend = backendSetting();
      view.setBackend(backend);
      panels.setBackend(backend);
    }),
  );
}
