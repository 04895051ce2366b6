// The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers: one rule per
// diagnostic code, one result per diagnostic with the region it concerns.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, DiagnosticCode, FileReport, Severity } from '../engine/report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface RuleText {
  name: string;
  short: string;
  full: string;
  level: SarifLevel;
}

type SarifLevel = 'error' | 'warning' | 'note';

/** Typed over DiagnosticCode so that a new code cannot ship without a rule. */
const RULES: Record<DiagnosticCode, RuleText> = {
  'uneven-overlap': {
    name: 'UnevenTransposedConvOverlap',
    short: 'Transposed convolution with uneven overlap (checkerboard artifacts).',
    full: 'The kernel taps of this transposed convolution land on output positions unevenly (with dilation 1: kernel size not divisible by stride), which paints a checkerboard pattern (Odena, Dumoulin, Olah 2016). Use a kernel divisible by the stride, or resize followed by a convolution, or pixel shuffle.',
    level: 'warning',
  },
  gridding: {
    name: 'DilationGridding',
    short: 'Stacked dilated convolutions leave gaps in the receptive field (gridding).',
    full: 'The dilation rates of consecutive convolutions share a common factor, so each output position sees the input on a sparse grid and neighbouring outputs see disjoint pixels.',
    level: 'warning',
  },
  'shape-mismatch': {
    name: 'ShapeMismatch',
    short: 'Tensor shapes do not fit.',
    full: 'An operation receives tensors whose shapes do not fit together (for example torch.cat of unequal spatial sizes, or an addition that does not broadcast).',
    level: 'error',
  },
  'channel-mismatch': {
    name: 'ChannelMismatch',
    short: 'The number of channels does not match what the layer expects.',
    full: "A layer receives a tensor whose channel count differs from the layer's in_channels / in_features / num_features.",
    level: 'error',
  },
  'invalid-argument': {
    name: 'InvalidArgument',
    short: 'A layer argument is invalid.',
    full: 'A layer or function is given an argument PyTorch would reject (for example a non-positive kernel size, or channels not divisible by groups).',
    level: 'error',
  },
  unknown: {
    name: 'NotFollowed',
    short: 'ConvLens could not follow this code.',
    full: 'The analysis met a value or call it does not model; the numbers after this point may be missing.',
    level: 'note',
  },
  raise: {
    name: 'RaisesException',
    short: 'The model code raises an exception here.',
    full: 'Evaluating the model reached a raise statement (or a failing assert) for the given arguments and input.',
    level: 'error',
  },
  syntax: {
    name: 'SyntaxError',
    short: 'Python syntax error.',
    full: 'The file does not parse as Python; the analysis covers the parts around the error.',
    level: 'error',
  },
  'unresolved-import': {
    name: 'UnresolvedImport',
    short: 'An imported module was not found on the search path.',
    full: 'No folder of the module search path (the file\'s folder, the project roots, --python-path / PYTHONPATH / convlens.python.extraPaths, the Python environments found from files) has this module; what the model takes from it is unknown and the model is marked incomplete.',
    level: 'warning',
  },
  'too-large': {
    name: 'FileTooLarge',
    short: 'The file is larger than ConvLens reads of one file.',
    full: 'Files larger than 2 MB are not analysed (the bound on what ConvLens reads of one file, in the editor as on the command line and for imports).',
    level: 'note',
  },
};

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

const RULE_IDS = Object.keys(RULES) as DiagnosticCode[];

/** Relative paths stay relative to the checkout (what code scanning expects); absolute ones
 *  become file: URIs. */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(file.replace(/\\/g, '/')), uriBaseId: '%SRCROOT%' };
}

/** SARIF lines and columns are 1-based; the report's columns are 0-based UTF-16 units. */
function region(d: Diagnostic) {
  const startLine = Math.max(1, d.line);
  const startColumn = Math.max(0, d.column) + 1;
  const endLine = Math.max(startLine, d.endLine);
  const endColumn = endLine === startLine ? Math.max(startColumn, d.endColumn + 1) : Math.max(1, d.endColumn + 1);
  return { startLine, startColumn, endLine, endColumn };
}

function result(d: Diagnostic) {
  const properties: Record<string, unknown> = {};
  if (d.model !== undefined) properties.model = d.model;
  if (d.pattern !== undefined) properties.overlapPattern = d.pattern;
  const ruleIndex = RULE_IDS.indexOf(d.code);
  return {
    ruleId: d.code,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[d.severity],
    message: { text: d.message },
    locations: [
      {
        physicalLocation: { artifactLocation: artifactLocation(d.file), region: region(d) },
        ...(d.path ? { logicalLocations: [{ fullyQualifiedName: d.path, kind: 'member' }] } : {}),
      },
    ],
    ...(Object.keys(properties).length ? { properties } : {}),
  };
}

export interface SarifOptions {
  toolVersion: string;
}

export function toSarif(report: FileReport, options: SarifOptions) {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'ConvLens',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules: RULE_IDS.map((id) => ({
              id,
              name: RULES[id].name,
              shortDescription: { text: RULES[id].short },
              fullDescription: { text: RULES[id].full },
              defaultConfiguration: { level: RULES[id].level },
            })),
          },
        },
        columnKind: 'utf16CodeUnits' as const,
        results: report.diagnostics.map(result),
      },
    ],
  };
}

export function formatSarif(report: FileReport, options: SarifOptions): string {
  return JSON.stringify(toSarif(report, options), null, 2) + '\n';
}
