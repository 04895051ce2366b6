// The ConvLens language server proper (dist/server-main.js), started by server.ts.
// vscode-languageserver picks the transport from the command line (--stdio or --node-ipc).

import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/languageServer';

startLanguageServer(createConnection(ProposedFeatures.all));
