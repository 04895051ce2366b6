// A real LSP client for the protocol tests and the benchmark: spawns `node dist/server.js
// --stdio` and speaks JSON-RPC over its pipes with vscode-jsonrpc's node reader and writer.

import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  InlayHintRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type CodeAction,
  type CodeLens,
  type Command,
  type Diagnostic,
  type Hover,
  type InlayHint,
  type MessageConnection,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import type { LayerReport } from '../../server/src/engine/report';
import { LAYER_AT_REQUEST, STATUS_NOTIFICATION, type InitializationOptions, type StatusParams } from '../../server/src/lsp/protocol';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SERVER = resolve(ROOT, 'dist/server.js');
export const FIXTURES = resolve(import.meta.dirname, 'fixtures');

export function fixturePath(name: string): string {
  return resolve(FIXTURES, 'models', name);
}

export function fixtureUri(name: string): string {
  return pathToFileURL(fixturePath(name)).toString();
}

interface Waiter<T> {
  test: (value: T) => boolean;
  resolve: (value: T) => void;
}

export class LspClient {
  readonly statuses: StatusParams[] = [];
  readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[]; at: number }>();
  readonly logs: string[] = [];
  private statusWaiters: Waiter<StatusParams>[] = [];
  private diagnosticWaiters: Waiter<{ uri: string; version?: number; diagnostics: Diagnostic[] }>[] = [];
  private exited: Promise<number | null>;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((done) => process.on('exit', (code) => done(code)));
    connection.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
      this.statuses.push(params);
      this.statusWaiters = this.statusWaiters.filter((w) => (w.test(params) ? (w.resolve(params), false) : true));
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const entry = { version: params.version, diagnostics: params.diagnostics, at: performance.now() };
      this.diagnostics.set(params.uri, entry);
      const event = { uri: params.uri, version: params.version, diagnostics: params.diagnostics };
      this.diagnosticWaiters = this.diagnosticWaiters.filter((w) => (w.test(event) ? (w.resolve(event), false) : true));
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    // The server may ask for refreshes; a client that supports them answers null.
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
  }

  static async start(
    options: {
      initializationOptions?: InitializationOptions;
      refreshSupport?: boolean;
      /** Answer workspace/configuration with this (the client then declares the capability). */
      configuration?: () => unknown;
      /** `convlens.analysis.timeLimitMs` sent at start. Tests send a bound the machine's load cannot
       *  reach (a cold ResNet-50 on a loaded 2-core machine passed 200 ms, and the model came back
       *  incomplete); benches send null to measure the product's default. */
      analysisTimeLimitMs?: number | null;
    } = {},
  ): Promise<LspClient> {
    // The syntax-tree cache of library files in a folder of the test run, not the user's home.
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CONVLENS_CACHE_DIR: join(tmpdir(), 'convlens-protocol-tests-cache') } });
    child.stderr?.on('data', () => undefined);
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    const configuration = options.configuration;
    if (configuration) {
      connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => configuration()));
      connection.onRequest('client/registerCapability', () => null);
    }
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(FIXTURES).toString(),
      capabilities: {
        workspace: {
          configuration: !!options.configuration,
          didChangeConfiguration: { dynamicRegistration: !!options.configuration },
          codeLens: { refreshSupport: options.refreshSupport ?? false },
          inlayHint: { refreshSupport: options.refreshSupport ?? false },
        },
        textDocument: { hover: { contentFormat: ['markdown'] } },
      },
      initializationOptions: {
        debounceMs: 0,
        ...options.initializationOptions,
        settings: {
          ...(options.analysisTimeLimitMs === null ? {} : { analysis: { timeLimitMs: options.analysisTimeLimitMs ?? 10_000 } }),
          ...options.initializationOptions?.settings,
        },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Resolves with the first status (analysis done) for `uri` at `version` or later. */
  nextStatus(uri: string, version: number): Promise<StatusParams> {
    const done = this.statuses.find((s) => s.uri === uri && s.version >= version);
    if (done) return Promise.resolve(done);
    return new Promise((resolveStatus) => this.statusWaiters.push({ test: (s) => s.uri === uri && s.version >= version, resolve: resolveStatus }));
  }

  /** The next status for `uri` (not one already received) that passes `test`. */
  futureStatus(uri: string, test: (s: StatusParams) => boolean = () => true): Promise<StatusParams> {
    return new Promise((resolveStatus) => this.statusWaiters.push({ test: (s) => s.uri === uri && test(s), resolve: resolveStatus }));
  }

  nextDiagnostics(uri: string, version: number): Promise<{ uri: string; version?: number; diagnostics: Diagnostic[] }> {
    return new Promise((resolveDiagnostics) =>
      this.diagnosticWaiters.push({ test: (d) => d.uri === uri && (d.version ?? 0) >= version, resolve: resolveDiagnostics }),
    );
  }

  async open(uri: string, text: string, version = 1): Promise<StatusParams> {
    const done = this.nextStatus(uri, version);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version, text },
    });
    return done;
  }

  async change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  }

  async hoverText(uri: string, line: number, character: number): Promise<string> {
    const h = await this.hover(uri, line, character);
    if (!h) return '';
    const c = h.contents;
    return typeof c === 'string' ? c : 'value' in c ? c.value : c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  async inlayHints(uri: string, range: Range): Promise<InlayHint[]> {
    return (await this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range })) ?? [];
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<(CodeAction | Command)[]> {
    return (await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } })) ?? [];
  }

  layerAt(uri: string, line: number, character: number): Promise<LayerReport | null> {
    return this.connection.sendRequest(LAYER_AT_REQUEST, { uri, position: { line, character } });
  }

  executeCommand(command: string, args: unknown[]): Promise<unknown> {
    return this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  /** Resident memory of the server process, in bytes (Linux). */
  async serverRss(): Promise<number> {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${this.process.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb * 1024;
  }

  /** CPU time the server process has used so far (user + system, every thread, GC helpers
   *  included), in milliseconds: a measure of its work that other load on the machine does not
   *  inflate the way it inflates wall-clock latency. */
  async serverCpuMs(): Promise<number> {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${this.process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) are space-separated; utime and stime
    // are the 14th and 15th fields of the line, in clock ticks (100 per second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** shutdown + exit; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.alive) {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    }
    const code = await Promise.race([this.exited, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    if (this.alive) this.process.kill();
    this.connection.dispose();
    return code;
  }
}

/** Position of the `occurrence`-th match of `needle` in `text` (0-based line, UTF-16 column) plus `offset` characters. */
export function positionOf(text: string, needle: string, offset = 0, occurrence = 1): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`not found: ${needle}`);
  }
  at += offset;
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}
