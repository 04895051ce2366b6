// The ModelReport: the one JSON-able result of an analysis. The CLI, the language server and the
// preview are thin layers over it (DESIGN.md, "The command line").

import type { PyModule } from './python/ast';

/** A place in a source file. `line` is 1-based; `column`/`endColumn` are 0-based UTF-16 units. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface LayerReport {
  /** Dotted module path as `named_modules()` gives it; for functional calls a path of their own
   *  (`up1.F.pad@48`: the module whose forward made the call, the function, the line). */
  path: string;
  /** `Conv2d`, or for functional calls the function, e.g. `F.interpolate`, `torch.cat`. */
  op: string;
  kind: 'module' | 'function';
  /** Constructor arguments in short form, e.g. `3→64, k=7, s=2, p=3`. */
  args: string;
  in: number[][];
  out: number[][];
  /** Parameters of this module (0 for functional calls and for a module called again). */
  params: number;
  macs: number;
  kernel?: number[];
  stride?: number[];
  padding?: number[];
  dilation?: number[];
  /** Receptive field and jump of the (first) output, per spatial axis, as numbers. */
  rf: number[];
  jump: number[];
  /** The same as exact fractions, "47/8". */
  rfExact: string[];
  jumpExact: string[];
  /** Transposed convolutions: taps per output position over one period, per axis. */
  overlap?: number[][];
  /** Resizes (Upsample, F.interpolate): mode, align_corners and the scale factor torch maps
   *  coordinates with (null when the sizes decide). */
  resize?: { mode: string; alignCorners: boolean; scaleFactor: number[] | null };
  /** Where the module object was made: innermost first (`nn.Conv2d(...)` inside `conv3x3`,
   *  then `self.conv1 = conv3x3(...)`, ...). Empty for functional calls. */
  defined: SourceLocation[];
  /** Where it was called: innermost first (`x = self.conv1(x)` in Bottleneck.forward, then
   *  `self.layer1(x)` in ResNet.forward, ...). */
  called: SourceLocation[];
  /** Why the output is not known, when it is not (the layer still appears, with empty shapes). */
  unknown?: string;
  /** PyTorch modules (absent for functional calls): of `params`, those that train
   *  (`requires_grad`); null when a flag was set from a value the analysis does not know. */
  trainableParams?: number | null;
  /** Bytes of `params` at float32 (4 each); null after a dtype change (`.half()`, `.to(dtype)`). */
  paramBytes?: number | null;
  /** Bytes of every tensor the call returned, at float32; null when an output is unknown or not
   *  float32 (int64 indices, masks). */
  outputBytes?: number | null;
  /** A module registered in the model (built in `__init__`) that forward never called: an
   *  auxiliary head in eval mode, a layer left unused. Its row comes after the called ones, with
   *  its parameters and no shapes; it does not make the model incomplete. */
  notCalled?: true;
}

/** A module with submodules: `path` as `named_modules()` gives it. */
export interface ContainerReport {
  path: string;
  className: string;
  params: number;
  trainableParams: number | null;
  paramBytes: number | null;
}

/** The shape of a tensor-valued expression in forward at a place, for inlay hints and hovers. */
export interface ValueReport {
  name: string;
  location: SourceLocation;
  /** Shapes as they were each time the line ran (a block used 3 times has 3 entries). */
  shapes: number[][];
}

export interface ModelReport {
  /** The model expression, e.g. `resnet50()` or `UNet()`. */
  name: string;
  /** The class of the root module and where it is defined. */
  className: string;
  classLocation: SourceLocation | null;
  inputs: number[][];
  /** How the input shape was chosen: `--input`, a `# convlens: input=` directive, the
   *  `__main__` block, or inferred from the first layer; `code`: declared by the model code itself
   *  (TensorFlow.js `inputShape` / `tf.input({shape})`). */
  inputSource: 'argument' | 'directive' | 'main' | 'inferred' | 'code';
  outputs: number[][];
  params: number;
  /** PyTorch models: parameters with `requires_grad` after construction and forward (each
   *  once); null when the analysis cannot tell, `trainableUnknown` says why. */
  trainableParams?: number | null;
  trainableUnknown?: string;
  /** Bytes of the parameters at float32 (buffers not counted, as torchinfo's "Params size"). */
  paramBytes?: number | null;
  /** The forward pass's activation memory: `outputBytes` summed over every module call. */
  forwardBytes?: number | null;
  /** torchinfo's "Forward/backward pass size": twice the first output's bytes of every call of a
   *  module with parameters. */
  torchinfoForwardBackwardBytes?: number | null;
  /** Why the byte counts are null, when they are. */
  memoryUnknown?: string;
  /** PyTorch models: every module that has submodules (the root excepted), for summaries folded
   *  to a depth: its class and all the parameters under it, each once. */
  containers?: ContainerReport[];
  macs: number;
  layers: LayerReport[];
  values: ValueReport[];
  /** True when forward could not be followed to the end (see the diagnostics). */
  incomplete: boolean;
  /** Where the model expression came from when the file did not say: a call found in the project
   *  (`call`), or the model of another file that uses this file's classes (`through`: the layers
   *  are that model's, and those made by this file's classes are this file's). */
  modelSource?: ModelSource;
  /** The first output's footprint per spatial axis (null: not followed there); absent when the
   *  output has no spatial axes. */
  outputFootprint?: (FootprintAxis | null)[];
  /**
   * TensorFlow.js models whose batch dimension is TF.js's `null` (the code gives `inputShape` or
   * `tf.input({shape})` without a batch size): the leading dimension of every shape in this model
   * (inputs, outputs, layers' in/out, values) is that symbolic batch. It is analysed as 1 — so
   * MACs are per example — and text shows it as `N`. Absent for PyTorch models and for TF.js
   * models given a concrete batch (`batchInputShape`, `--input`, a directive).
   */
  symbolicBatch?: boolean;
  /** The input sizes forward runs on (PyTorch models with a spatial input). */
  validInputSizes?: ValidInputSizes;
  /** The input runs and its valid sizes were not looked for (`validSizes: 'whenInputFails'`). */
  validSizesDeferred?: true;
  /** Why a guessed input is what it is: where its channels came from, why its size. */
  inputReason?: string;
  /** A guessed input only: the input an argument-free function of the file (a `test()`) calls the
   *  model's class with, when it differs from the guess (1-based `line` of that function's `def`). */
  callerInput?: { shapes: number[][]; functionName: string; line: number };
}

/** Input sizes for which forward runs without an error, found by running forward at each size. */
export interface SizeSet {
  /** The valid sizes within `checked`, ascending; null when some size could not be decided. */
  valid: number[] | null;
  /** The sizes checked, inclusive (1–512, or a range around the input's size when time ran out). */
  checked: [number, number];
  /** The set in words: "multiples of 32 from 32", "exactly 28", "25–56". */
  text: string;
  /** Why the set is unknown (the size and what was not followed there). */
  unknown?: string;
}

export interface ValidInputSizes {
  /** Every spatial axis of every input (of the first input's rank) set to n. */
  square: SizeSet;
  /** With two or more spatial axes: one axis (`axis`: its index in the shape, 2 = H) set to n,
   *  the others as in the analysed input. */
  axes: (SizeSet & { axis: number; name: string })[];
  /** One line for headers: "H, W: multiples of 32 from 32 (sizes 1–512 checked)". */
  summary: string;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export type DiagnosticCode =
  | 'uneven-overlap'
  | 'gridding'
  | 'shape-mismatch'
  | 'channel-mismatch'
  | 'invalid-argument'
  | 'unknown'
  | 'raise'
  | 'syntax'
  /** An import of the user's code that no folder of the search path has. */
  | 'unresolved-import'
  /** A document larger than ConvLens reads of one file (the language server does not analyse it). */
  | 'too-large';

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The layer it concerns, when there is one. */
  path?: string;
  /** The model it was found in. */
  model?: string;
  /** Per-axis overlap pattern for uneven-overlap. */
  pattern?: number[][];
  /** gridding: per spatial axis with holes, the distinct hole patterns of its output positions
   *  (several when an up-sampling makes neighbouring outputs read differently: `period` outputs).
   *  `missing` are the offsets never read, 0 being the first offset read, inside 0 … extent − 1
   *  (at most 256 listed; `missingCount` counts them all). */
  holes?: FootprintAxis[];
}

/** What the output positions of a tensor read along one spatial axis (DESIGN.md, "Gridding"):
 *  the distinct patterns over `period` neighbouring outputs, each an extent and the offsets inside
 *  it never read (0 = the first offset read; at most 256 listed, `missingCount` counts them all). */
export interface FootprintAxis {
  axis: string;
  period: number;
  patterns: { extent: number; missing: number[]; missingCount: number }[];
}

/** An installed library the analysis read (`import torchvision` resolved to its folder). */
export interface LibraryInfo {
  /** The top-level package name, `torchvision`. */
  name: string;
  /** From the package's `version.py` / `__version__`, or its `*.dist-info` / `*.egg-info`; null when neither says. */
  version: string | null;
  /** The package's folder (or the module file for a single-file module). */
  path: string;
}

export interface FileReport {
  file: string;
  models: ModelReport[];
  diagnostics: Diagnostic[];
  /** Installed libraries (modules found on `environment` or `extra` search-path entries) the analysis read. */
  libraries?: LibraryInfo[];
  /** Model classes of the file that need constructor arguments and were not analysed on their own
   *  (nor as part of an analysed model), with the calls that build them in the project. */
  modelCandidates?: ModelCandidate[];
}

/** `call`: the model is the call at file:line. `through`: the model is built by the class of
 *  another file (file:line, its definition), with `expression`, found at `call` when a call of the
 *  project gave it. */
export interface ModelSource {
  kind: 'call' | 'through';
  file: string;
  line: number;
  expression: string;
  call?: { file: string; line: number };
}

/** A call that builds a class somewhere in the project (a training script, a `__main__` block). */
export interface ProjectCall {
  /** The call as written, with the class's bare name: `ResnetGenerator(3, 3, 64, n_blocks=9)`. */
  expression: string;
  file: string;
  line: number;
  /** Every argument is a constant or a dotted name: the call can be analysed as it is. */
  literal: boolean;
  /** The class whose body makes the call: the class is a part of that class's model. */
  insideClass?: string;
}

export interface ModelCandidate {
  className: string;
  /** `__init__`'s parameters as written: `ResnetGenerator(input_nc, output_nc, ngf=64, n_blocks=6)`. */
  signature: string;
  location: SourceLocation | null;
  /** A ready `# convlens: model=...` comment: the first literal call found, else a template
   *  with `...` for each required parameter. */
  directive: string;
  calls: ProjectCall[];
}

/** What the engine needs from its caller to follow imports: the text of a file, or null. */
export type ReadFile = (path: string) => string | null;

/** One folder of the module search path (Python's `sys.path`), in search order. */
export interface SearchPathEntry {
  path: string;
  /** `project`: the user's own code (workspace folders, project root, current directory);
   *  `extra`: named by the user (`--python-path`, `PYTHONPATH`, `convlens.python.extraPaths`,
   *  `python.analysis.extraPaths`); `environment`: an installed environment's site-packages. */
  kind: 'project' | 'extra' | 'environment';
  /** Why it is on the path, for messages: `--python-path`, `PYTHONPATH`, `.venv/pyvenv.cfg`, `Debian dist-packages`, … */
  source: string;
}

export interface AnalyzeOptions {
  /** Path of the file (used for messages, locations and resolving imports). */
  file: string;
  text: string;
  readFile: ReadFile;
  /** Why `readFile` gave null for a path that exists (the caller's rules on what may be read: a
   *  FIFO, a link out of the project, a file too large); the import says so. Never the file's text. */
  whyNotRead?: (path: string) => string | null;
  /** A call expression evaluated in the file's namespace, e.g. `resnet50()`. */
  model?: string;
  /** Analyse this file (a file of parts) through the model of another file, read through
   *  `readFile`: that file is imported as Python would import it from this one, its model built
   *  (its `model=` directive, an argument-free class, or a literal call found in the project), and
   *  the layers are that model's. Without it, a file with no model of its own looks for such a
   *  file among those of its folder that import it. Ignored with `model`. */
  through?: string;
  /** Input shapes; overrides directives and inference. */
  inputs?: number[][];
  /** Image size used when the input is inferred from the first layer (default 224); the size
   *  chosen is the valid size nearest to it. */
  defaultImageSize?: number;
  /** Interpreter steps for finding the valid input sizes of one model (default 10,000: a few sizes
   *  of a U-Net, for the editor; the CLI allows every size): sizes are checked outward from the
   *  input's, up to 512. 0: none. */
  validSizesSteps?: number;
  /** A time bound on the same, in milliseconds (default: five analysis time limits, at most 20 s), a safety net for runs whose steps are slow. */
  validSizesTimeMs?: number;
  /** `whenInputFails` (the editor's keystrokes): the sizes are found only where the input does not
   *  run (its diagnostic names the nearest valid ones, and a guessed input needs a size that runs);
   *  elsewhere the model says `validSizesDeferred` and an analysis with `always` (the default)
   *  finds them for the hover. The shapes and diagnostics are the same either way. */
  validSizes?: 'always' | 'whenInputFails';
  /** Interpreter step budget (default 1,000,000; a 1,500-layer model needs about 250,000). */
  stepBudget?: number;
  /** Wall-clock bound on the interpretation in milliseconds (default 200: the editor's bound). */
  timeLimitMs?: number;
  /** Polled during the analysis; returning true stops it (a newer version of the file arrived). */
  isCancelled?: () => boolean;
  /** Input shapes for models whose file says nothing (no directive, no `__main__` call); used
   *  instead of inferring from the first layer (the editor's `convlens.defaultInputShape`). */
  defaultInputs?: number[][];
  /** Where absolute imports are looked for after the importing file's own folder (Python's
   *  `sys.path`, found by the caller from files and settings: see server/src/pythonEnvironment). */
  searchPaths?: SearchPathEntry[];
  /** Whether a path is a folder (namespace packages, PEP 420, have no `__init__.py` to read). */
  isDirectory?: (path: string) => boolean;
  /** Names in a folder, or null (a library's version from its `*.dist-info` folder). */
  listDirectory?: (path: string) => string[] | null;
  /** Typed ASTs of installed library files kept between processes (the CLI's and the server's
   *  disk cache, server/src/pythonEnvironment/astDiskCache.ts); never asked about the user's files. */
  astCache?: AstCache;
}

/** A store of parsed library files. `get` returns null when it has no AST for exactly this path
 *  and text; `set` is given a freshly parsed module (nothing added to its nodes yet). Neither
 *  may throw; the modules `get` returns are the caller's to keep. */
export interface AstCache {
  get(path: string, text: string): PyModule | null;
  set(path: string, text: string, module: PyModule): void;
}
