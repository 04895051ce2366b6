// The ConvLens language server. `node dist/server.js --stdio` (or --node-ipc, as the VS Code
// client starts it): vscode-languageserver picks the transport from the command line.

import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/languageServer';

startLanguageServer(createConnection(ProposedFeatures.all));
