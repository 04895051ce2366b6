// The ConvLens language server proper (dist/server-main.js), started by server.ts, over stdio
// (--stdio) or Node IPC (--node-ipc, as the VS Code client starts it).

import { ProposedFeatures, StreamMessageReader, StreamMessageWriter, createConnection } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/languageServer';

/** Exit status after unreadable input: not 0, so that the client restarts the server. */
const EXIT_UNREADABLE_INPUT = 3;

if (process.argv.includes('--stdio')) {
  // A stream whose framing broke (a header without Content-Length, a length that is no number)
  // cannot be read on: where the next message starts is unknown. Staying alive would leave a
  // server that hears nothing again, so it exits and the client starts a new one.
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((error) => {
    process.stderr.write(`convlens: the language server's input is unreadable (${error.message.split('\n')[0]}); exiting\n`);
    process.exit(EXIT_UNREADABLE_INPUT);
  });
  startLanguageServer(createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout)));
} else {
  startLanguageServer(createConnection(ProposedFeatures.all));
}
