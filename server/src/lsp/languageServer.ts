// Wires the features to a connection: document sync, the analysis scheduler, and one handler per
// request, each wrapped so that an exception is answered with an error and logged.

import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { AnalysisScheduler, type CompletedAnalysis } from './analysisScheduler';
import { AnalysisView } from './analysisView';
import { computeCodeActions } from './codeActions';
import { computeCodeLenses } from './codeLens';
import { COMMAND_IDS, executeCommand } from './commands';
import { computeDiagnostics } from './diagnostics';
import { DocumentStore } from './documentStore';
import { computeHover } from './hover';
import { computeInlayHints } from './inlayHints';
import { layerAt } from './layerAt';
import {
  LAYER_AT_REQUEST,
  PYTHON_ENVIRONMENT_NOTIFICATION,
  STATUS_NOTIFICATION,
  UPSAMPLING_PATH_REQUEST,
  type ConvLensSettings,
  type InitializationOptions,
  type LayerAtParams,
  type LayerAtResult,
  type UpsamplingPathParams,
  type UpsamplingPathResult,
} from './protocol';
import { DEFERRED_DOCUMENT_CHARS, runAnalysis } from './runAnalysis';
import type { ModelReport } from '../engine/report';
import { SearchPathProvider } from './searchPathProvider';
import { keepAlive, safeNotification, safeRequest } from './safeHandler';
import { DEFAULT_SETTINGS, readPythonEnvironment, readSettings } from './settings';
import { failedStatus, statusOf } from './status';
import { upsamplingPath } from './upsamplingPath';
import { uriToPath } from './uris';

const DEFAULT_DEBOUNCE_MS = 150;

export function startLanguageServer(connection: Connection): void {
  keepAlive(connection);
  const log = (message: string) => connection.console.error(message);
  const store = new DocumentStore();
  let settings: ConvLensSettings = DEFAULT_SETTINGS;
  let options: InitializationOptions = {};
  let canPullConfiguration = false;
  let canRefreshLenses = false;
  let canRefreshHints = false;

  // Python's module search path per file folder, from the settings and the editor's environment.
  const searchPaths = new SearchPathProvider();

  const analyse = (path: string, text: string, complete = true, validSizes?: { steps: number; timeLimits: number }) =>
    runAnalysis({ file: path, text, settings, openText: (p) => store.byPath(p)?.document.getText(), searchPaths: searchPaths.searchPathFor(path), complete, validSizes });

  const scheduler = new AnalysisScheduler(
    store,
    {
      analyze: (doc, text, complete) => analyse(doc.path, text, complete),
      settingsKey: () => JSON.stringify([settings.defaultInputShape, settings.defaultImageSize, settings.analysis.timeLimitMs, searchPaths.generation]),
      completed: (result) => {
        const published = publishDiagnostics(result);
        void connection.sendNotification(STATUS_NOTIFICATION, statusOf(result, published, searchPaths.searchPathFor(result.path)));
        refreshViews();
      },
      failed: (doc, error) => {
        log(`[analysis] ${doc.uri}: ${error instanceof Error ? `${error.message}\n${error.stack}` : String(error)}`);
        void connection.sendNotification(STATUS_NOTIFICATION, failedStatus(doc.uri, doc.document.version, error, scheduler.latest(doc.uri)));
      },
    },
    DEFAULT_DEBOUNCE_MS,
  );

  function viewOf(uri: string): AnalysisView | null {
    const result = scheduler.latest(uri);
    if (!result || !store.get(uri)) return null;
    return new AnalysisView(result, store.editsSince(uri, result.version));
  }

  function publishDiagnostics(result: CompletedAnalysis): LspDiagnostic[] {
    const doc = store.get(result.uri);
    if (!doc) return [];
    const view = new AnalysisView(result, store.editsSince(result.uri, result.version));
    const diagnostics = computeDiagnostics(view, settings);
    void connection.sendDiagnostics({ uri: result.uri, version: doc.document.version, diagnostics });
    return diagnostics;
  }

  // Several analyses finishing in a row ask the client to refresh once.
  let refreshQueued = false;
  function refreshViews(): void {
    if (refreshQueued) return;
    refreshQueued = true;
    setImmediate(() => {
      refreshQueued = false;
      if (canRefreshLenses) connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      if (canRefreshHints) connection.languages.inlayHint.refresh().catch(() => undefined);
    });
  }

  function reanalyseDependents(path: string): void {
    for (const uri of scheduler.dependentsOf(path)) {
      scheduler.invalidate(uri);
      scheduler.schedule(uri);
    }
  }

  async function pullSettings(): Promise<void> {
    if (!canPullConfiguration) return;
    const raw: unknown = await connection.workspace.getConfiguration('convlens');
    settings = readSettings(raw, readSettings(options.settings));
  }

  function settingsChanged(): void {
    searchPaths.setExtraPaths(settings.python.extraPaths);
    scheduler.invalidateAll();
    for (const doc of store.all()) scheduler.schedule(doc.uri, 0);
    refreshViews();
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const raw = params.initializationOptions as InitializationOptions | undefined;
    options = raw && typeof raw === 'object' ? raw : {};
    settings = readSettings(options.settings);
    searchPaths.setExtraPaths(settings.python.extraPaths);
    // The workspace folders: from the client's own message when it sends one, else from LSP's.
    const lspFolders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (lspFolders.length === 0 && params.rootUri) lspFolders.push(uriToPath(params.rootUri));
    const environment = readPythonEnvironment(options.pythonEnvironment);
    searchPaths.setEnvironment(environment ?? { workspaceFolders: lspFolders.filter((f) => !f.includes('://')), scopes: [] });
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) scheduler.debounceMs = options.debounceMs;
    const caps = params.capabilities;
    canPullConfiguration = !!caps.workspace?.configuration;
    canRefreshLenses = !!caps.workspace?.codeLens?.refreshSupport;
    canRefreshHints = !!caps.workspace?.inlayHint?.refreshSupport;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: COMMAND_IDS },
      },
      serverInfo: { name: 'convlens' },
    };
  });

  connection.onInitialized(
    safeNotification(log, 'initialized', () => {
      // A line in the output channel per server start: restarts after a crash show there.
      connection.console.info(`server ${process.pid} started (Node ${process.version})`);
      if (!canPullConfiguration) return;
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'convlens' }).catch(() => undefined);
      pullSettings().then(settingsChanged, (e) => log(`[configuration] ${String(e)}`));
    }),
  );

  connection.onDidChangeConfiguration(
    safeNotification(log, 'didChangeConfiguration', (params) => {
      if (canPullConfiguration) {
        pullSettings().then(settingsChanged, (e) => log(`[configuration] ${String(e)}`));
        return;
      }
      const section = (params.settings as { convlens?: unknown } | null)?.convlens;
      if (section !== undefined) {
        settings = readSettings(section, settings);
        settingsChanged();
      }
    }),
  );

  connection.onNotification(
    PYTHON_ENVIRONMENT_NOTIFICATION,
    safeNotification(log, PYTHON_ENVIRONMENT_NOTIFICATION, (params: unknown) => {
      const environment = readPythonEnvironment(params);
      if (environment && searchPaths.setEnvironment(environment)) settingsChanged();
    }),
  );

  connection.onDidOpenTextDocument(
    safeNotification(log, 'didOpen', ({ textDocument: d }) => {
      store.open(d.uri, d.languageId, d.version, d.text);
      scheduler.invalidate(d.uri);
      scheduler.schedule(d.uri, 0);
      reanalyseDependents(uriToPath(d.uri));
    }),
  );

  connection.onDidChangeTextDocument(
    safeNotification(log, 'didChange', ({ textDocument, contentChanges }) => {
      const doc = store.change(textDocument.uri, textDocument.version, contentChanges);
      if (!doc) return;
      // A very large document waits for its save (didSave below); its last report stays shown.
      if (doc.document.getText().length > DEFERRED_DOCUMENT_CHARS) return;
      scheduler.schedule(doc.uri);
      reanalyseDependents(doc.path);
    }),
  );

  connection.onDidSaveTextDocument(
    safeNotification(log, 'didSave', ({ textDocument }) => {
      const doc = store.get(textDocument.uri);
      if (!doc || doc.document.getText().length <= DEFERRED_DOCUMENT_CHARS) return;
      scheduler.schedule(doc.uri, 0);
      reanalyseDependents(doc.path);
    }),
  );

  connection.onDidCloseTextDocument(
    safeNotification(log, 'didClose', ({ textDocument }) => {
      const doc = store.get(textDocument.uri);
      store.close(textDocument.uri);
      scheduler.forget(textDocument.uri);
      void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
      // Its importers now read it from disk.
      if (doc) reanalyseDependents(doc.path);
    }),
  );

  connection.onDidChangeWatchedFiles(
    safeNotification(log, 'didChangeWatchedFiles', ({ changes }) => {
      // A virtual environment created or removed in the workspace: the search path is found again.
      if (changes.some((c) => /[\\/]pyvenv\.cfg$/.test(uriToPath(c.uri)))) {
        searchPaths.clear();
        settingsChanged();
        return;
      }
      for (const change of changes) {
        const path = uriToPath(change.uri);
        // An open document's buffer wins over the disk; its own edits already re-ran its importers.
        if (!store.byPath(path)) reanalyseDependents(path);
      }
    }),
  );

  connection.onHover(
    safeRequest(log, 'hover', (params) => {
      const uri = params.textDocument.uri;
      const view = viewOf(uri);
      // The completed report describes the same text and version: the hover's positions hold.
      const completeModel = (model: ModelReport): ModelReport | null => {
        const done = scheduler.complete(uri);
        const index = view?.result.report.models.indexOf(model) ?? -1;
        const same = index >= 0 ? done?.report.models[index] : undefined;
        return same && same.name === model.name ? same : null;
      };
      return view ? computeHover(view, params.position, { uri, previewCommand: options.previewCommand, completeModel }) : null;
    }),
  );

  connection.onCodeLens(
    safeRequest(log, 'codeLens', (params) => {
      if (!settings.codeLens.enable) return [];
      const view = viewOf(params.textDocument.uri);
      return view ? computeCodeLenses(view, { setInputShape: options.setInputShapeCommand, preview: options.previewCommand, chooseModel: options.chooseModelCommand }) : [];
    }),
  );

  connection.languages.inlayHint.on(
    safeRequest(log, 'inlayHint', (params) => {
      if (!settings.inlayHints.enable) return [];
      const view = viewOf(params.textDocument.uri);
      return view ? computeInlayHints(view, params.range) : [];
    }),
  );

  connection.onCodeAction(
    safeRequest(log, 'codeAction', (params) => {
      const view = viewOf(params.textDocument.uri);
      if (!view) return [];
      return computeCodeActions(view, params, (text, options) => {
        try {
          // Only the diagnostics are compared: the size scan may wait (they are the same), unless
          // the sizes are what is asked for (a guessed input solved from every size).
          return analyse(view.result.path, text, !!options?.validSizes, options?.validSizes).report;
        } catch (error) {
          log(`[codeAction] re-analysis failed: ${String(error)}`);
          return null;
        }
      });
    }),
  );

  connection.onRequest(
    LAYER_AT_REQUEST,
    safeRequest(log, LAYER_AT_REQUEST, (params: LayerAtParams): LayerAtResult => {
      const view = viewOf(params.uri);
      return view ? layerAt(view, params.position) : null;
    }),
  );

  connection.onRequest(
    UPSAMPLING_PATH_REQUEST,
    safeRequest(log, UPSAMPLING_PATH_REQUEST, (params: UpsamplingPathParams): UpsamplingPathResult => {
      const view = params && typeof params.uri === 'string' ? viewOf(params.uri) : null;
      return view ? upsamplingPath(view, params) : null;
    }),
  );

  connection.onExecuteCommand(async (params) => {
    try {
      return await executeCommand(params.command, params.arguments, { connection, store, scheduler });
    } catch (error) {
      log(`[executeCommand ${params.command}] ${error instanceof Error ? error.stack : String(error)}`);
      throw error;
    }
  });

  connection.listen();
}
