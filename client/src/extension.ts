// The VS Code side of ConvLens: starts the language server (dist/server.js over IPC) for Python
// files, and owns what only the editor can do: commands that ask the user, the layer-table
// document, and the status bar item. No analysis happens here.

import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  PYTHON_ENVIRONMENT_NOTIFICATION,
  SERVER_COMMANDS,
  STATUS_NOTIFICATION,
  type ApplyInputShapeArgs,
  type ChooseModelArgs,
  type ConvLensSettings,
  type InitializationOptions,
  type ModelSummary,
  type StatusParams,
} from '../../server/src/lsp/protocol';
import { parseShapeList } from '../../server/src/lsp/settings';
import { humanCount } from '../../server/src/format/units';
import { shapesText } from '../../server/src/lsp/format';
import { freshCodeLenses } from './freshCodeLenses';
import { LAYER_TABLE_SCHEME, LayerTableProvider, layerTableUri } from './layerTable';
import { LibraryWatchers } from './libraryWatchers';
import { PythonEnvironmentTracker } from './pythonEnvironment';
import { OPEN_PREVIEW, registerPreview } from './preview/register';
import { CHOOSE_MODEL, chooseModel } from './chooseModel';

const SET_INPUT_SHAPE = 'convlens.setInputShape';
const SHOW_LAYER_TABLE = 'convlens.showLayerTable';
/** How long the start waits for the Python extension's selected interpreter (it follows later otherwise). */
const PYTHON_EXTENSION_WAIT_MS = 1500;

let client: LanguageClient | undefined;

/** How long ConvLens took to start, in ms from the start of `activate` (the extension's API, for
 *  the test suites, which report them): activate's own work, the language server answering
 *  `initialize`, and the first analysis the server reported. Undefined until it happened. */
export interface StartupTimes {
  activateMs?: number;
  serverReadyMs?: number;
  firstAnalysisMs?: number;
}

export interface ConvLensApi {
  startupTimes(): StartupTimes;
}

export async function activate(context: vscode.ExtensionContext): Promise<ConvLensApi> {
  const activationStarted = performance.now();
  const times: StartupTimes = {};
  const since = () => Math.round(performance.now() - activationStarted);
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const output = vscode.window.createOutputChannel('ConvLens Python environment', { log: true });
  context.subscriptions.push(output);
  // Where Python would look for modules: workspace folders, python.analysis.extraPaths and the
  // Python extension's interpreter (convlens.python.extraPaths travels with the settings).
  const pythonEnvironment = new PythonEnvironmentTracker((message) => output.warn(message));
  context.subscriptions.push(pythonEnvironment);
  const initializationOptions: InitializationOptions = {
    settings: currentSettings(),
    setInputShapeCommand: SET_INPUT_SHAPE,
    chooseModelCommand: CHOOSE_MODEL,
    previewCommand: OPEN_PREVIEW,
    pythonEnvironment: await pythonEnvironment.initial(PYTHON_EXTENSION_WAIT_MS),
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      // TensorFlow.js models (the server analyses files that use @tensorflow/tfjs).
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'javascript' },
    ],
    initializationOptions,
    // The hover's "Preview the up-sampling" link runs this command and no other.
    markdown: { isTrusted: { enabledCommands: [OPEN_PREVIEW] } },
    // Importers of a changed file are analysed again, also when it changes on disk.
    // A virtual environment created or removed (pyvenv.cfg) changes the module search path.
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.{py,ts,mts,cts,js,mjs,cjs}'),
        vscode.workspace.createFileSystemWatcher('**/pyvenv.cfg'),
      ],
    },
    middleware: { provideCodeLenses: freshCodeLenses },
  };
  client = new LanguageClient('convlens', 'ConvLens', serverOptions, clientOptions);
  const languageClient = client;

  const status = new StatusBar();
  context.subscriptions.push(status);
  const layerTables = new LayerTableProvider(languageClient);
  context.subscriptions.push(layerTables, vscode.workspace.registerTextDocumentContentProvider(LAYER_TABLE_SCHEME, layerTables));

  context.subscriptions.push(
    vscode.commands.registerCommand(SET_INPUT_SHAPE, (args?: Partial<ApplyInputShapeArgs> & { model?: string }) =>
      setInputShape(languageClient, status, args),
    ),
    vscode.commands.registerCommand(CHOOSE_MODEL, (args?: ChooseModelArgs) => chooseModel(languageClient, args, (uri, version) => status.nextAnalysis(uri, version))),
    vscode.commands.registerCommand(SHOW_LAYER_TABLE, () => showLayerTable()),
    vscode.window.onDidChangeActiveTextEditor(() => status.render()),
    // With several models, the item names the one whose class holds the cursor.
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor === vscode.window.activeTextEditor) status.render();
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => status.forget(doc.uri.toString())),
  );

  registerPreview(context, languageClient);

  // Installed libraries live outside the workspace: watched one by one as analyses read them.
  const libraryWatchers = new LibraryWatchers(languageClient);
  context.subscriptions.push(libraryWatchers);

  const started = languageClient.start();
  context.subscriptions.push(
    pythonEnvironment.onDidChange((params) => {
      started
        .then(() => languageClient.sendNotification(PYTHON_ENVIRONMENT_NOTIFICATION, params))
        .catch((error: unknown) => output.warn(`[python] could not send the environment: ${String(error)}`));
    }),
  );
  await started;
  times.serverReadyMs = since();
  context.subscriptions.push(
    languageClient.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
      times.firstAnalysisMs ??= since();
      status.update(params);
      layerTables.sourceAnalysed(params.uri);
      libraryWatchers.watch(params.libraries);
    }),
  );
  times.activateMs = since();
  output.info(`started: language server ready ${times.serverReadyMs} ms after activation began`);
  return { startupTimes: () => ({ ...times }) };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** The settings as plain data (the server also pulls them with workspace/configuration). */
function currentSettings(): ConvLensSettings {
  const c = vscode.workspace.getConfiguration('convlens');
  return {
    defaultInputShape: c.get<string>('defaultInputShape', ''),
    defaultImageSize: c.get<number>('defaultImageSize', 224),
    codeLens: { enable: c.get<boolean>('codeLens.enable', true) },
    inlayHints: { enable: c.get<boolean>('inlayHints.enable', true) },
    diagnostics: { unknown: c.get<boolean>('diagnostics.unknown', false) },
    python: { extraPaths: c.get<unknown[]>('python.extraPaths', []).filter((p): p is string => typeof p === 'string') },
    analysis: { timeLimitMs: c.get<number>('analysis.timeLimitMs', 200) },
  };
}

const MODEL_LANGUAGES = new Set(['python', 'typescript', 'javascript']);

function activePythonUri(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && MODEL_LANGUAGES.has(doc.languageId) ? doc.uri.toString() : undefined;
}

/**
 * Set Model Input Shape. From a model lens the model is given; from the palette it is the model
 * whose class holds the cursor, else the user picks one when the file has several. The directive
 * goes above that class, and the new numbers are shown once the file is analysed again.
 */
async function setInputShape(
  languageClient: LanguageClient,
  status: StatusBar,
  args: (Partial<ApplyInputShapeArgs> & { model?: string }) | undefined,
): Promise<void> {
  const uri = args?.uri ?? activePythonUri();
  if (!uri) {
    void vscode.window.showInformationMessage('ConvLens: open a Python model file first.');
    return;
  }
  const known = status.get(uri);
  let model = args?.model !== undefined ? known?.models.find((m) => m.name === args.model) : undefined;
  let line = typeof args?.line === 'number' ? args.line : undefined;
  if (line === undefined) {
    const candidates = (known?.models ?? []).filter((m) => m.classLines);
    const cursor = vscode.window.activeTextEditor?.document.uri.toString() === uri ? vscode.window.activeTextEditor.selection.active.line : -1;
    model = candidates.find((m) => m.classLines!.start <= cursor && cursor <= m.classLines!.end);
    if (!model && candidates.length > 1) {
      const picked = await vscode.window.showQuickPick(
        candidates.map((m) => ({ label: m.name, description: `${shapesText(m.inputs)} → ${shapesText(m.outputs)}`, detail: `line ${m.classLines!.start + 1} · input ${INPUT_SOURCE[m.inputSource]}`, model: m })),
        { title: 'Set the input shape of which model?', placeHolder: 'Models of this file' },
      );
      if (!picked) return;
      model = picked.model;
    }
    model ??= candidates[0];
    line = model?.classLines?.start;
  }
  const current = args?.shape ?? (model ?? known?.models[0])?.inputs.map((s) => s.join(',')).join(';') ?? '';
  const shape = await vscode.window.showInputBox({
    title: model || args?.model ? `Input shape of ${model?.name ?? args?.model}` : 'Model input shape',
    prompt: 'Shape of the input tensor, e.g. 1,3,224,224 (several inputs: 1,3,64,64;1,3,64,64)',
    value: current.split(';').join('; '),
    validateInput: (text) => (parseShapeList(text) ? null : 'Write positive integers separated by commas, e.g. 1,3,224,224'),
  });
  if (!shape) return;
  const command: ApplyInputShapeArgs = { uri, shape, ...(line !== undefined ? { line } : {}) };
  try {
    // The edit makes the document's next version (LSP versions are VS Code's).
    const version = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.version ?? known?.version ?? 0;
    const analysed = status.nextAnalysis(uri, version + 1);
    const applied = await languageClient.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.applyInputShape, arguments: [command] });
    if (applied !== true) return;
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.uri.toString() === uri && line !== undefined) {
      editor.revealRange(new vscode.Range(line, 0, line + 1, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    // The result: the model's new numbers, once the edited file is analysed.
    const next = await analysed;
    const now = next?.models.find((m) => m.name === (model?.name ?? args?.model)) ?? next?.models[0];
    if (now) vscode.window.setStatusBarMessage(`$(layers) ${now.name}: ${shapesText(now.inputs)} → ${shapesText(now.outputs)} · ${humanCount(now.params)} params · ${humanCount(now.macs)} MACs${now.incomplete ? ' · incomplete' : ''}`, 8000);
  } catch (error) {
    void vscode.window.showErrorMessage(`ConvLens: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const INPUT_SOURCE: Record<ModelSummary['inputSource'], string> = {
  argument: 'given',
  directive: 'from its # convlens: input= comment',
  main: 'from the __main__ block',
  inferred: 'guessed from the first layer',
  code: 'declared by the model code',
};

/** The CLI's table of the active file, beside it, as a read-only document that follows the analysis. */
async function showLayerTable(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !activePythonUri()) {
    void vscode.window.showInformationMessage('ConvLens: open a model file first.');
    return;
  }
  const doc = await vscode.workspace.openTextDocument(layerTableUri(editor.document.uri));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** The libraries the file's analysis read, and where the module search path came from. */
function librariesMarkdown(params: StatusParams): string {
  const lines: string[] = [];
  const libraries = params.libraries ?? [];
  if (libraries.length) {
    lines.push('**Libraries read**', '');
    for (const l of libraries) lines.push(`- ${l.name} ${l.version ?? '(version unknown)'} · ${code(l.path)}`);
    lines.push('');
  }
  const searchPath = params.searchPath ?? [];
  if (searchPath.length) {
    lines.push('**Module search path** (after the file\'s folder)', '');
    for (const e of searchPath) lines.push(`- ${code(e.path)} — ${e.source}`);
    lines.push('');
  } else if (params.searchPath) {
    lines.push("Modules are looked for in the file's folder only (no workspace folder, environment or `convlens.python.extraPaths` found).", '');
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The active file's model summary: `resnet50(): 25.6M params · 4.09G MACs`. */
class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('convlens.summary', vscode.StatusBarAlignment.Right, 100);
  private readonly byUri = new Map<string, StatusParams>();

  constructor() {
    this.item.name = 'ConvLens model summary';
    this.item.command = SHOW_LAYER_TABLE;
  }

  get(uri: string): StatusParams | undefined {
    return this.byUri.get(uri);
  }

  private readonly waiting: { uri: string; version: number; resolve: (p: StatusParams | undefined) => void }[] = [];

  update(params: StatusParams): void {
    this.byUri.set(params.uri, params);
    for (const w of [...this.waiting]) {
      if (w.uri === params.uri && params.version >= w.version) {
        this.waiting.splice(this.waiting.indexOf(w), 1);
        w.resolve(params);
      }
    }
    this.render();
  }

  /** The first analysis of `uri` at `version` or later; undefined after 30 s without one. */
  nextAnalysis(uri: string, version: number): Promise<StatusParams | undefined> {
    return new Promise((resolve) => {
      const entry = { uri, version, resolve };
      this.waiting.push(entry);
      setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) {
          this.waiting.splice(i, 1);
          resolve(undefined);
        }
      }, 30_000);
    });
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
    this.render();
  }

  render(): void {
    const uri = activePythonUri();
    const params = uri ? this.byUri.get(uri) : undefined;
    if (!params || (params.models.length === 0 && params.state === 'done')) {
      this.item.hide();
      return;
    }
    const models = params.models;
    const editor = vscode.window.activeTextEditor;
    const cursor = editor && editor.document.uri.toString() === uri ? editor.selection.active.line : -1;
    // The model whose class holds the cursor; the lines are those the analysis read (close enough
    // while typing: the next analysis follows within a quarter of a second).
    const here = models.length > 1 ? models.filter((m) => m.classLines && m.classLines.start <= cursor && cursor <= m.classLines.end) : [];
    const one = models.length === 1 ? models[0] : here.length === 1 ? here[0] : undefined;
    const main = one
      ? `${one.name}: ${humanCount(one.params)} params · ${humanCount(one.macs)} MACs${models.length > 1 ? ` (1 of ${models.length})` : ''}`
      : models.length > 1
        ? `${models.length} models`
        : 'no model';
    const problems = params.errors + params.warnings ? ` $(warning) ${params.errors + params.warnings}` : '';
    this.item.text = `$(layers) ${main}${problems}${params.state === 'failed' ? ' $(error)' : ''}`;
    const tooltip = new vscode.MarkdownString();
    for (const m of models) {
      tooltip.appendMarkdown(
        `**${m.name}** — ${humanCount(m.params)} params · ${humanCount(m.macs)} MACs · ${shapesText(m.inputs)} → ${shapesText(m.outputs)}` +
          `${m.incomplete ? ' (incomplete)' : ''}\n\n`,
      );
    }
    if (params.state === 'failed') tooltip.appendMarkdown(`Analysis failed: ${params.message ?? ''}\n\n`);
    tooltip.appendMarkdown(librariesMarkdown(params));
    tooltip.appendMarkdown('Click for the layer table.');
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
