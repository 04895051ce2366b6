// The layer table as a read-only document (`convlens-table:` URIs): the CLI's table of the file,
// asked of the language server. A read-only virtual document never asks to be saved, and it
// follows the analysis: a new status for the source file refreshes it.

import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { SERVER_COMMANDS } from '../../server/src/lsp/protocol';

export const LAYER_TABLE_SCHEME = 'convlens-table';

/** `convlens-table:/fcn.py — layers?<source uri>`: the tab reads as the file's name. */
export function layerTableUri(source: vscode.Uri): vscode.Uri {
  const name = source.path.split('/').pop() || 'model';
  return vscode.Uri.from({ scheme: LAYER_TABLE_SCHEME, path: `/${name} — layers`, query: source.toString() });
}

export class LayerTableProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  private readonly configWatch: vscode.Disposable;

  constructor(private readonly client: LanguageClient) {
    // A new depth shows at once in the open tables.
    this.configWatch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('convlens.layerTable.depth')) return;
      for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === LAYER_TABLE_SCHEME) this.changed.fire(doc.uri);
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = uri.query;
    const depth = vscode.workspace.getConfiguration('convlens').get<number | null>('layerTable.depth');
    const table: unknown = await this.client.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMANDS.layerTable,
      arguments: [{ uri: source, ...(typeof depth === 'number' ? { depth } : {}) }],
    });
    return typeof table === 'string' ? table : `ConvLens has not analysed ${decodeURIComponent(source)} yet: open it in an editor.\n`;
  }

  /** The source file was analysed again: open tables of it show the new numbers. */
  sourceAnalysed(source: string): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === LAYER_TABLE_SCHEME && doc.uri.query === source) this.changed.fire(doc.uri);
    }
  }

  dispose(): void {
    this.configWatch.dispose();
    this.changed.dispose();
  }
}
