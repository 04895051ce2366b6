// The `convlens` command line, read into a plain object. Every mistake becomes a UsageError whose
// message is the one line the CLI prints.

import { FORMATS, type FormatName, isFormatName } from './format/names';
import type { Severity } from './engine/report';
import { parseShapeText } from './engine/shapeText';

export class UsageError extends Error {}

export type FailOn = Extract<Severity, 'warning' | 'error'>;

export interface AnalyzeCommand {
  kind: 'analyze';
  file: string;
  model?: string;
  /** `--through FILE`: analyse FILE's classes as the model of that other file builds them. */
  through?: string;
  inputs?: number[][];
  format: FormatName;
  failOn?: FailOn;
  imageSize?: number;
  /** `--depth N`: torchinfo's depth, rows nested deeper folded into their ancestor (table,
   *  markdown, json). */
  depth?: number;
  /** `--python-path DIR`, in the order given (folders searched for imports after the project's). */
  pythonPaths: string[];
  /** `--verbose`: the module search path and the libraries read, on stderr. */
  verbose: boolean;
  /** `--valid-sizes`: every spatial size 1–512 is checked (a forward per size); by default the
   *  sizes near the input, within the editor's budget. */
  validSizes?: boolean;
  /** `--no-cache`: library files are parsed afresh and nothing is written to the AST cache. */
  noCache?: boolean;
}

export type Command = { kind: 'help' } | { kind: 'version' } | AnalyzeCommand;

export const USAGE = `Usage: convlens analyze FILE [options]

Reads a PyTorch model file without running it and reports, per layer, the output shape,
kernel, stride, dilation, receptive field, jump (cumulative stride), params and MACs.

Options:
  -m, --model EXPR        model to analyse, a call evaluated in the file's namespace,
                          e.g. "resnet50()" (default: every root model in the file; else
                          a literal call of the project that builds one, else the model of
                          a file of its folder that imports it)
      --through FILE      analyse the classes of the file as FILE's model builds them
                          (a file of parts through the file of the model)
  -i, --input SHAPE       input shape: 1,3,224,224 or (1, 3, 224, 224) or 1x3x224x224;
                          several inputs: "1,3,64,64;1,3,64,64"
  -f, --format FORMAT     table (default), json, markdown or sarif
      --fail-on LEVEL     exit with status 1 when a diagnostic is at least this severe:
                          warning or error
      --image-size N      spatial size wanted when the input is inferred (default 224;
                          the nearest size the model runs on is used)
      --depth N           nest rows at most N modules deep, as torchinfo's depth: deeper
                          layers are folded into their ancestor (its parameters, the
                          sums of their MACs and output memory); default: every layer
      --python-path DIR   also look for imported modules in DIR (repeatable; after the
                          project root and the current directory, before PYTHONPATH and
                          the installed environments: venv, conda, user and system site)
  -v, --verbose           print on stderr where imports are looked for and which
                          installed libraries (name, version, folder) the analysis read
      --valid-sizes       check every input size 1–512 the model runs on (a forward per
                          size: seconds for a large model); by default the sizes nearest
                          the input, as in the editor
      --no-cache          neither read nor write the cache of parsed library files
  -h, --help              show this help
  -V, --version           show the version

Imports are followed without running Python: the file's folder, the project root (nearest
folder with pyproject.toml, setup.py, setup.cfg or .git), the current directory, --python-path,
PYTHONPATH, then $VIRTUAL_ENV, $CONDA_PREFIX, .venv/venv/env in the project, the user site
(~/.local/lib/python3.*/site-packages) and the system's site- and dist-packages.

Installed library files, once parsed, are kept in $XDG_CACHE_HOME/convlens/ast (by default
~/.cache/convlens/ast, at most 256 MB) so that later runs skip parsing them. CONVLENS_CACHE_DIR=DIR
keeps them in DIR/ast instead; CONVLENS_CACHE_DIR= (empty) or --no-cache turns the cache off.

Exit status: 0 analysed, 1 analysed and --fail-on met, 2 could not analyse.
`;

const SHAPE_HINT = 'expected positive integers like 1,3,224,224 (several inputs: 1,3,64,64;1,3,64,64)';

/** `--input` text → shapes, or a UsageError that says what is expected. */
export function parseShapes(text: string): number[][] {
  const shapes = parseShapeText(text);
  if (!shapes) throw new UsageError(`bad --input '${text}': ${SHAPE_HINT}`);
  return shapes;
}

interface OptionSpec {
  names: string[];
  takesValue: boolean;
}

const OPTIONS: Record<string, OptionSpec> = {
  model: { names: ['--model', '-m'], takesValue: true },
  through: { names: ['--through'], takesValue: true },
  input: { names: ['--input', '-i'], takesValue: true },
  format: { names: ['--format', '-f'], takesValue: true },
  failOn: { names: ['--fail-on'], takesValue: true },
  imageSize: { names: ['--image-size'], takesValue: true },
  depth: { names: ['--depth'], takesValue: true },
  pythonPath: { names: ['--python-path'], takesValue: true },
  verbose: { names: ['--verbose', '-v'], takesValue: false },
  noCache: { names: ['--no-cache'], takesValue: false },
  validSizes: { names: ['--valid-sizes'], takesValue: false },
  help: { names: ['--help', '-h'], takesValue: false },
  version: { names: ['--version', '-V'], takesValue: false },
};

function optionNamed(name: string): string | undefined {
  return Object.keys(OPTIONS).find((key) => OPTIONS[key].names.includes(name));
}

export function parseCommandLine(argv: readonly string[]): Command {
  const positionals: string[] = [];
  const values: Record<string, string[]> = {};
  const flags = new Set<string>();
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const key = optionNamed(name);
    if (!key) throw new UsageError(`unknown option '${name}' (see convlens --help)`);
    if (!OPTIONS[key].takesValue) {
      if (eq >= 0) throw new UsageError(`option '${name}' takes no value`);
      flags.add(key);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new UsageError(`option '${name}' needs a value`);
    (values[key] ??= []).push(value);
  }

  if (flags.has('help')) return { kind: 'help' };
  if (flags.has('version')) return { kind: 'version' };

  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('missing command: convlens analyze FILE (see convlens --help)');
  if (command === 'help') return { kind: 'help' };
  if (command !== 'analyze') throw new UsageError(`unknown command '${command}' (the command is: convlens analyze FILE)`);
  if (rest.length === 0) throw new UsageError('missing FILE: convlens analyze FILE');
  if (rest.length > 1) throw new UsageError(`one FILE at a time (got ${rest.length}: ${rest.join(' ')})`);

  const last = (key: string): string | undefined => values[key]?.[values[key].length - 1];
  const result: AnalyzeCommand = { kind: 'analyze', file: rest[0], format: 'table', pythonPaths: [], verbose: flags.has('verbose') };
  if (flags.has('noCache')) result.noCache = true;
  if (flags.has('validSizes')) result.validSizes = true;

  const model = last('model');
  if (model !== undefined) {
    if (model.trim() === '') throw new UsageError('--model needs an expression, e.g. --model "resnet50()"');
    result.model = model.trim();
  }
  const through = last('through');
  if (through !== undefined) {
    if (through.trim() === '') throw new UsageError('--through needs a file, e.g. --through unet/unet_model.py');
    result.through = through;
  }
  if (values.input) result.inputs = values.input.flatMap(parseShapes);

  const format = last('format');
  if (format !== undefined) {
    if (!isFormatName(format)) throw new UsageError(`unknown --format '${format}' (choose ${FORMATS.join(', ')})`);
    result.format = format;
  }
  const failOn = last('failOn');
  if (failOn !== undefined) {
    if (failOn !== 'warning' && failOn !== 'error') throw new UsageError(`bad --fail-on '${failOn}' (choose warning or error)`);
    result.failOn = failOn;
  }
  const imageSize = last('imageSize');
  if (imageSize !== undefined) {
    if (!/^[1-9]\d*$/.test(imageSize) || !Number.isSafeInteger(Number(imageSize))) {
      throw new UsageError(`bad --image-size '${imageSize}' (a positive integer, e.g. 224)`);
    }
    result.imageSize = Number(imageSize);
  }
  const depth = last('depth');
  if (depth !== undefined) {
    if (!/^\d+$/.test(depth) || !Number.isSafeInteger(Number(depth))) throw new UsageError(`bad --depth '${depth}' (a whole number, e.g. 2)`);
    result.depth = Number(depth);
  }
  for (const folder of values.pythonPath ?? []) {
    if (folder.trim() === '') throw new UsageError('--python-path needs a folder, e.g. --python-path src');
    result.pythonPaths.push(folder);
  }
  return result;
}
