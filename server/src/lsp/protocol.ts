// Messages between the ConvLens client and server beyond standard LSP. Shared by both sides, so
// this module must stay free of `vscode` and of server-only imports.

import type { LayerReport, LibraryInfo, SearchPathEntry } from '../engine/report';

/** `convlens/layerAt`: the layer at a position (the preview panel asks for the layer under the cursor). */
export const LAYER_AT_REQUEST = 'convlens/layerAt';
export interface LayerAtParams {
  uri: string;
  position: { line: number; character: number };
}
export type LayerAtResult = LayerReport | null;

/** `convlens/upsamplingPath`: the layer to preview (at a position, or by its path in a model) and
 *  the model's up-sampling path through it (consecutive up-sampling layers and the same-size
 *  convolutions between them, execution order). */
export const UPSAMPLING_PATH_REQUEST = 'convlens/upsamplingPath';
export interface UpsamplingPathParams {
  uri: string;
  position?: { line: number; character: number };
  path?: string;
  model?: string;
}
export type UpsamplingPathResult = {
  model: string;
  layer: LayerReport;
  path: LayerReport[];
  /** Where `layer` is in `path`. */
  index: number;
} | null;

/** `convlens/status`: sent after every analysis, for the status bar. */
export const STATUS_NOTIFICATION = 'convlens/status';
export interface ModelSummary {
  name: string;
  className: string;
  params: number;
  macs: number;
  inputs: number[][];
  outputs: number[][];
  inputSource: 'argument' | 'directive' | 'main' | 'inferred' | 'code';
  incomplete: boolean;
  /** 0-based lines of the model's class statement in the analysed version, when it is in this file. */
  classLines?: { start: number; end: number };
}
export interface StatusParams {
  uri: string;
  /** The document version the analysis read. */
  version: number;
  /** `failed`: the engine threw; the previous report (if any) stays in use. */
  state: 'done' | 'failed';
  models: ModelSummary[];
  errors: number;
  warnings: number;
  /** How long the analysis took, in milliseconds. */
  durationMs: number;
  message?: string;
  /** Installed libraries (and the user's own packages on extra paths) the analysis read. */
  libraries?: LibraryInfo[];
  /** The module search path the file was analysed with (after its own folder), with where each entry came from. */
  searchPath?: SearchPathEntry[];
}

/**
 * Commands the server executes (`workspace/executeCommand`). They differ from the client's
 * user-facing command ids because vscode-languageclient registers every server command itself.
 */
export const SERVER_COMMANDS = {
  /** args: [{ uri, line?, shape }] → inserts or replaces the `# convlens: input=` directive. */
  applyInputShape: 'convlens.server.applyInputShape',
  /** args: [{ uri, line, expression }] → writes `# convlens: model=EXPR` above the class at `line`
   *  (and keeps the file's other shown models with directives of their own). */
  applyModel: 'convlens.server.applyModel',
  /** args: [{ uri }] → the CLI table of the document's report, as text (null when not analysed). */
  layerTable: 'convlens.server.layerTable',
} as const;

export interface ApplyInputShapeArgs {
  uri: string;
  /** 0-based line of the model's `class` statement; without it, the file's first model. */
  line?: number;
  /** `1,3,224,224` or `(1, 3, 224, 224)`; several inputs separated by `;`. */
  shape: string;
}

export interface ApplyModelArgs {
  uri: string;
  /** 0-based line of the class statement on screen. */
  line: number;
  /** The call that builds the model, with the class's bare name: `ResnetGenerator(3, 3, ngf=64)`. */
  expression: string;
}

/** What the `▶ Analyse Class(…)` lens hands the client's choose-model command. */
export interface ChooseModelArgs {
  uri: string;
  /** 0-based line of the class statement on screen. */
  line: number;
  className: string;
  signature: string;
  /** The expression of the engine's ready directive (a literal call of the project, else a template). */
  directive: string;
  calls: { expression: string; file: string; line: number; literal: boolean; insideClass?: string }[];
}

export interface LayerTableArgs {
  uri: string;
  /** torchinfo's depth (`convlens.layerTable.depth`): deeper rows folded into their ancestor. */
  depth?: number;
}

/** Settings the server reads from `initializationOptions.settings` and from `workspace/configuration` ("convlens"). */
export interface ConvLensSettings {
  defaultInputShape: string;
  defaultImageSize: number;
  codeLens: { enable: boolean };
  inlayHints: { enable: boolean };
  diagnostics: { unknown: boolean };
  /** `convlens.python.extraPaths`: folders searched for imported modules after the workspace folders. */
  python: { extraPaths: string[] };
  /** `convlens.analysis.timeLimitMs`: wall-clock bound on one analysis in the editor (library loading excluded). */
  analysis: { timeLimitMs: number };
}

/**
 * `convlens/pythonEnvironment` (client → server, also `initializationOptions.pythonEnvironment`):
 * what the editor knows about where Python would look for modules. Each message replaces the
 * previous one. Found from the editor's state and the Python extension's API — never by running
 * an interpreter.
 */
export const PYTHON_ENVIRONMENT_NOTIFICATION = 'convlens/pythonEnvironment';
export interface PythonEnvironmentParams {
  /** Absolute paths of the workspace folders (each is a project root on the search path). */
  workspaceFolders: string[];
  /** Per workspace folder (and one without `folder` for files outside every folder). */
  scopes: PythonScope[];
}
export interface PythonScope {
  /** The workspace folder this applies to; absent: the window (files outside every folder). */
  folder?: string;
  /** The interpreter (or environment folder) the Python extension selected. */
  interpreterPath?: string;
  /** Pylance's `python.analysis.extraPaths`, absolute (`${workspaceFolder}` already substituted). */
  analysisExtraPaths: string[];
}

/** initializationOptions the server understands. */
export interface InitializationOptions {
  settings?: Partial<ConvLensSettings>;
  /** Delay between the last edit and the analysis, ms (default 150; tests and benches use 0). */
  debounceMs?: number;
  /** The client's command that sets the input shape (what the model code lens runs). */
  setInputShapeCommand?: string;
  /** The client's command that asks which arguments to build a class with (args: [ChooseModelArgs]);
   *  the `▶ Analyse` lens is a plain label without one. */
  chooseModelCommand?: string;
  /** The client's command that opens the preview of a layer (args: [{ uri, path, model? }]); hovers
   *  and the uneven-overlap lens link to it only when the client names one. */
  previewCommand?: string;
  /** The editor's Python environment as known at start (later changes: PYTHON_ENVIRONMENT_NOTIFICATION). */
  pythonEnvironment?: PythonEnvironmentParams;
}
