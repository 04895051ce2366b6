// The output formats, on hand-built reports: every expectation is computed from the report handed
// to the formatter, never copied from a formatter's output.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, FileReport, LayerReport, ModelReport, SourceLocation } from '../../server/src/engine/report';
import { gigaMacs, groupThousands, humanCount } from '../../server/src/format/units';
import { formatAxes, layerDepth } from '../../server/src/format/layerCells';
import { formatTable } from '../../server/src/format/table';
import { formatJson } from '../../server/src/format/json';
import { formatMarkdown } from '../../server/src/format/markdown';
import { SARIF_SCHEMA, formatSarif } from '../../server/src/format/sarif';

const FILE = 'models/net.py';

function loc(line: number, column = 4, file = FILE): SourceLocation {
  return { file, line, column, endLine: line, endColumn: column + 10 };
}

function layer(fields: Partial<LayerReport> & Pick<LayerReport, 'path' | 'op'>): LayerReport {
  return {
    kind: 'module',
    args: '',
    in: [[1, 3, 32, 32]],
    out: [[1, 8, 32, 32]],
    params: 0,
    macs: 0,
    rf: [1, 1],
    jump: [1, 1],
    rfExact: ['1', '1'],
    jumpExact: ['1', '1'],
    defined: [loc(10)],
    called: [loc(30)],
    ...fields,
  };
}

const LAYERS: LayerReport[] = [
  layer({
    path: 'stem', op: 'Conv2d', out: [[1, 64, 112, 112]], params: 9408, macs: 118013952,
    kernel: [7, 7], stride: [2, 2], dilation: [1, 1], padding: [3, 3],
    rf: [7, 7], jump: [2, 2], rfExact: ['7', '7'], jumpExact: ['2', '2'],
    defined: [loc(12, 8), loc(40, 8)], called: [loc(50, 12), loc(90, 12)],
    trainableParams: 9408, paramBytes: 9408 * 4, outputBytes: 64 * 112 * 112 * 4,
  }),
  layer({
    path: 'decoder.blocks.0', op: 'ConvTranspose2d', out: [[1, 32, 224, 224]], params: 18464, macs: 462422016,
    kernel: [3, 1], stride: [2, 1], dilation: [1, 1],
    rf: [5.875, 7], jump: [0.125, 2], rfExact: ['47/8', '7'], jumpExact: ['1/8', '2'],
    overlap: [[1, 2], [1]],
    trainableParams: 0, paramBytes: 18464 * 4, outputBytes: 32 * 224 * 224 * 4,
  }),
  layer({
    path: 'decoder.F.interpolate@77', op: 'F.interpolate', kind: 'function', out: [[1, 32, 448, 448]],
    rf: [5.875, 7], jump: [0.0625, 1], rfExact: ['47/8', '7'], jumpExact: ['1/16', '1'], defined: [],
  }),
  layer({ path: 'head', op: 'Linear', in: [[1, 512]], out: [[1, 1000], [1, 5]], params: 513000, macs: 512000, rf: [], jump: [], rfExact: [], jumpExact: [],
    trainableParams: 512000, paramBytes: null, outputBytes: 1005 * 4 }),
];

const MODEL: ModelReport = {
  name: 'net()',
  className: 'Net',
  classLocation: loc(5, 0),
  inputs: [[1, 3, 224, 224]],
  inputSource: 'argument',
  outputs: [[1, 1000], [1, 5]],
  params: 25557032,
  macs: 4089184256,
  layers: LAYERS,
  values: [],
  incomplete: false,
};

const DIAGNOSTICS: Diagnostic[] = [
  {
    severity: 'warning', code: 'uneven-overlap', message: 'kernel 3 with stride 2 overlaps unevenly',
    file: FILE, line: 20, column: 15, endLine: 20, endColumn: 60, path: 'decoder.blocks.0', model: 'net()',
    pattern: [[1, 2], [1]],
  },
  { severity: 'error', code: 'channel-mismatch', message: 'expected 64 channels, got 32', file: 'models/sub dir/blocks.py', line: 3, column: 0, endLine: 4, endColumn: 2 },
  { severity: 'info', code: 'unknown', message: 'cannot follow getattr', file: '/abs/path/lib.py', line: 7, column: 2, endLine: 7, endColumn: 9 },
];

const REPORT: FileReport = { file: FILE, models: [MODEL], diagnostics: DIAGNOSTICS };

describe('human units', () => {
  test('three significant digits with K, M, G', () => {
    assert.equal(humanCount(0), '0');
    assert.equal(humanCount(950), '950');
    assert.equal(humanCount(1200), '1.2K');
    assert.equal(humanCount(9408), '9.41K');
    assert.equal(humanCount(3400000), '3.4M');
    assert.equal(humanCount(118013952), '118M');
    assert.equal(humanCount(25557032), '25.6M');
    assert.equal(humanCount(4089184256), '4.09G');
    assert.equal(humanCount(2e12), '2T');
  });
  test('rounding up to the next unit', () => {
    assert.equal(humanCount(999960), '1M');
    assert.equal(humanCount(999), '999');
    assert.equal(humanCount(999500), '1M');
    assert.equal(humanCount(999400), '999K');
  });
  test('thousands separators and giga-MACs as torchvision prints them', () => {
    assert.equal(groupThousands(25557032), '25,557,032');
    assert.equal(groupThousands(999), '999');
    assert.equal(groupThousands(1000), '1,000');
    assert.equal(gigaMacs(4089184256), '4.09');
    assert.equal(gigaMacs(11514421760), '11.51');
    assert.equal(gigaMacs(55312384), '0.06');
    assert.equal(gigaMacs(1234567), '0.00123');
    assert.equal(gigaMacs(0), '0');
  });
  test('readable at any size: scientific past the units, never a comma inside a mantissa (issue 11)', () => {
    assert.equal(humanCount(1.5341557526921839e24), '1.53e24');
    assert.equal(humanCount(-2e30), '-2e30');
    assert.equal(humanCount(999e18), '999E');
    assert.equal(humanCount(999.6e18), '1e21');
    assert.equal(humanCount(123456789012345678901234567890n), '1.23e29');
    // A bigint is exact: every digit, grouped.
    assert.equal(groupThousands(1534155752692183912345678n), '1,534,155,752,692,183,912,345,678');
    assert.equal(groupThousands(-1000n), '-1,000');
    // A number past 2^53 is no longer an exact count: not shown as one.
    assert.equal(groupThousands(2 ** 53), '9.01e15');
    assert.equal(groupThousands(Number.MAX_SAFE_INTEGER), '9,007,199,254,740,991');
    assert.equal(groupThousands(1.5341557526921839e24), '1.53e24');
    assert.equal(gigaMacs(1.5341557526921839e24), '1.53e15');
    assert.equal(gigaMacs(10000004400000259n), '10000004.40');
  });
  test('per-axis values collapse only when all axes agree', () => {
    assert.equal(formatAxes(['47/8', '47/8']), '47/8');
    assert.equal(formatAxes([3, 1]), '3×1');
    assert.equal(formatAxes([]), '');
    assert.equal(formatAxes(undefined), '');
  });
  test('depth of module paths and of functional calls', () => {
    assert.deepEqual(LAYERS.map(layerDepth), [0, 2, 1, 0]);
  });
});

/** The lines of the layer block: between the column headings' rule and the totals' rule. */
function layerBlock(text: string): { heading: string; rows: string[] } {
  const lines = text.split('\n');
  const headingAt = lines.findIndex((l) => l.startsWith('Layer'));
  assert.ok(headingAt > 0, 'no heading line');
  const end = lines.findIndex((l, i) => i > headingAt + 1 && /^-+$/.test(l));
  return { heading: lines[headingAt], rows: lines.slice(headingAt + 2, end) };
}

describe('table', () => {
  const text = formatTable(REPORT, { color: false });
  const { heading, rows } = layerBlock(text);

  test('one row per layer, in order, indented by depth', () => {
    assert.equal(rows.length, LAYERS.length);
    rows.forEach((row, i) => {
      const indent = '  '.repeat(layerDepth(LAYERS[i]));
      assert.ok(row.startsWith(indent + LAYERS[i].path + ' '), `row ${i}: ${row}`);
    });
  });

  test('cells: output shape, kernel, stride, fractions and human units', () => {
    const cells = rows.map((r) => r.trim().split(/\s{2,}/));
    assert.deepEqual(cells[0], ['stem', 'Conv2d', '[1, 64, 112, 112]', '7', '2', '1', '7', '2', humanCount(9408), humanCount(118013952), '37.6KB', '3.21MB', 'yes']);
    assert.deepEqual(cells[1], ['decoder.blocks.0', 'ConvTranspose2d', '[1, 32, 224, 224]', '3×1', '2×1', '1', '47/8×7', '1/8×2', '18.5K', '462M', '73.9KB', '6.42MB', 'frozen']);
    // A functional call: no kernel, no params, no MACs, no memory columns.
    assert.deepEqual(cells[2], ['decoder.F.interpolate@77', 'F.interpolate', '[1, 32, 448, 448]', '47/8×7', '1/16×1', '-', '-']);
    // Parameter bytes not known (a dtype change): "?"; some parameters frozen: partial.
    assert.deepEqual(cells[3], ['head', 'Linear', '[1, 1000], [1, 5]', '513K', '512K', '?', '4.02KB', 'partial 512K']);
  });

  test('columns are aligned: every heading starts where its cells start or ends where they end', () => {
    // The last column (Trainable) is left-aligned: every cell of it starts under its heading.
    const trainableAt = heading.indexOf('Trainable');
    for (const row of rows) if (row.length > trainableAt) assert.equal(row[trainableAt - 1], ' ', row);
    assert.equal(rows[0].indexOf('yes'), trainableAt);
    // Left-aligned columns start where their heading starts.
    const opAt = heading.indexOf('Op');
    const shapeAt = heading.indexOf('Output shape');
    rows.forEach((row, i) => {
      assert.equal(row.indexOf(LAYERS[i].op, LAYERS[i].path.length + 2 * layerDepth(LAYERS[i])), opAt, row);
      assert.equal(row.indexOf('['), shapeAt, row);
    });
    // Right-aligned columns end where their heading ends.
    const paramsEnd = heading.indexOf('Params') + 'Params'.length;
    assert.equal(rows[0].slice(0, paramsEnd).trimEnd().endsWith(humanCount(9408)), true);
    assert.equal(rows[0][paramsEnd - 1], humanCount(9408).at(-1));
    assert.equal(rows[3][paramsEnd - 1], humanCount(513000).at(-1));
  });

  test('widths fit the content', () => {
    const longest = Math.max(...LAYERS.map((l) => 2 * layerDepth(l) + l.path.length));
    assert.equal(heading.indexOf('Op'), longest + 2);
  });

  test('header line and totals', () => {
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('net()'));
    assert.ok(header, text);
    assert.match(header, /\[1, 3, 224, 224\] → \[1, 1000\], \[1, 5\]/);
    // The class is named when the expression does not already name it.
    assert.ok(header.startsWith('net() (Net)'), header);
    const own = formatTable({ file: FILE, models: [{ ...MODEL, name: 'Net(width=2)' }], diagnostics: [] });
    assert.ok(own.split('\n').some((l) => l.startsWith('Net(width=2)   [1, 3, 224, 224]')), own);
    assert.ok(header.includes('25,557,032'));
    assert.ok(header.includes('4.09 G'));
    const total = lines.find((l) => l.startsWith('Total'));
    assert.ok(total);
    assert.ok(total.includes(groupThousands(MODEL.params)) && total.includes(groupThousands(MODEL.macs)), total);
  });

  test('diagnostics with file:line:column, severity and code', () => {
    assert.ok(text.includes(`${FILE}:20:16: warning: kernel 3 with stride 2 overlaps unevenly [uneven-overlap]`), text);
    assert.ok(text.includes('models/sub dir/blocks.py:3:1: error: expected 64 channels, got 32 [channel-mismatch]'));
  });

  test('colours only when asked', () => {
    assert.ok(!text.includes('\x1b['));
    const colored = formatTable(REPORT, { color: true });
    assert.ok(colored.includes('\x1b[33mwarning\x1b[39m'));
    assert.ok(colored.includes('\x1b[31merror\x1b[39m'));
    // Colour codes do not count towards the widths.
    const plain = colored.replace(/\x1b\[\d+m/g, '');
    assert.equal(plain, text);
  });

  test('notes on how the input was chosen and an incomplete trace; no models', () => {
    const t = formatTable({ file: FILE, models: [{ ...MODEL, inputSource: 'inferred', incomplete: true }], diagnostics: [] });
    assert.match(t, /input inferred from the first layer/);
    assert.match(t, /not followed to the end/);
    assert.match(formatTable({ file: FILE, models: [], diagnostics: [] }), /No models analysed in models\/net\.py/);
  });
});

describe('json', () => {
  const parsed = JSON.parse(formatJson(REPORT));

  test('top level and model fields of the contract', () => {
    assert.deepEqual(Object.keys(parsed), ['file', 'models', 'diagnostics', 'libraries']);
    assert.equal(parsed.file, FILE);
    const m = parsed.models[0];
    assert.equal(m.name, MODEL.name);
    assert.deepEqual(m.inputs, MODEL.inputs);
    assert.deepEqual(m.outputs, MODEL.outputs);
    assert.equal(m.params, MODEL.params);
    assert.equal(m.macs, MODEL.macs);
    assert.equal(m.layers.length, LAYERS.length);
    assert.equal(m.values, undefined, 'editor-only values stay out');
  });

  test('layer fields: numbers for rf and jump, innermost locations', () => {
    parsed.models[0].layers.forEach((l: Record<string, unknown>, i: number) => {
      const want = LAYERS[i];
      for (const key of ['path', 'op', 'in', 'out', 'params', 'macs', 'kernel', 'stride', 'dilation', 'rf', 'jump'] as const) {
        assert.deepEqual(l[key], want[key], `${want.path}.${key}`);
      }
      assert.deepEqual(l.defined, want.defined.length ? { file: want.defined[0].file, line: want.defined[0].line } : null);
      assert.deepEqual(l.called, { file: want.called[0].file, line: want.called[0].line });
      assert.deepEqual(l.jumpExact, want.jumpExact);
    });
    const up = parsed.models[0].layers[1];
    assert.deepEqual(up.jump, [0.125, 2]);
    assert.deepEqual(parsed.models[0].layers[0].defined, { file: FILE, line: 12 });
    assert.deepEqual(parsed.models[0].layers[0].called, { file: FILE, line: 50 });
  });

  test('diagnostic fields', () => {
    assert.equal(parsed.diagnostics.length, DIAGNOSTICS.length);
    const d = parsed.diagnostics[0];
    assert.deepEqual(
      { severity: d.severity, code: d.code, message: d.message, file: d.file, line: d.line, path: d.path, pattern: d.pattern },
      { severity: 'warning', code: 'uneven-overlap', message: DIAGNOSTICS[0].message, file: FILE, line: 20, path: 'decoder.blocks.0', pattern: [[1, 2], [1]] },
    );
    assert.equal('path' in parsed.diagnostics[1], false);
  });
});

describe('markdown', () => {
  const md = formatMarkdown({
    ...REPORT,
    models: [{ ...MODEL, layers: [...LAYERS, layer({ path: 'odd|name', op: 'Identity' })] }],
  });
  const rows = md.split('\n').filter((l) => l.startsWith('|'));
  /** Cells of a GitHub table row: split on pipes that are not escaped. */
  const cells = (row: string) => row.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());

  test('a GitHub table: heading, alignment row, one row per layer, totals', () => {
    assert.equal(rows.length, 2 + LAYERS.length + 1 + 1);
    for (const row of rows) assert.equal(cells(row).length, 13, row);
    assert.deepEqual(cells(rows[1]), ['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']);
    assert.deepEqual(cells(rows[3]), ['`decoder.blocks.0`', 'ConvTranspose2d', '[1, 32, 224, 224]', '3×1', '2×1', '1', '47/8×7', '1/8×2', '18.5K', '462M', '73.9KB', '6.42MB', 'frozen']);
    assert.equal(cells(rows[6])[0], '`odd\\|name`');
    const total = cells(rows.at(-1) as string);
    assert.equal(total[0], '**Total**');
    assert.ok(total[8].includes('25,557,032') && total[9].includes('4,089,184,256'), rows.at(-1));
  });

  test('diagnostics as a list with locations', () => {
    assert.ok(md.includes('- **warning** `uneven-overlap` `models/net.py:20:16`: kernel 3 with stride 2 overlaps unevenly'), md);
  });
});

describe('sarif', () => {
  const sarif = JSON.parse(formatSarif(REPORT, { toolVersion: '9.8.7' }));

  test('log and run structure of SARIF 2.1.0', () => {
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.$schema, SARIF_SCHEMA);
    assert.equal(sarif.runs.length, 1);
    const driver = sarif.runs[0].tool.driver;
    assert.equal(driver.name, 'ConvLens');
    assert.equal(driver.version, '9.8.7');
    const ids = driver.rules.map((r: { id: string }) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    for (const code of ['uneven-overlap', 'gridding', 'shape-mismatch', 'channel-mismatch', 'invalid-argument', 'unknown', 'raise', 'syntax']) {
      assert.ok(ids.includes(code), code);
    }
    for (const rule of driver.rules) {
      assert.equal(typeof rule.shortDescription.text, 'string');
      assert.ok(['error', 'warning', 'note', 'none'].includes(rule.defaultConfiguration.level));
    }
  });

  test('one result per diagnostic, pointing at its rule and region', () => {
    const { results, tool } = sarif.runs[0];
    assert.equal(results.length, DIAGNOSTICS.length);
    results.forEach((r: any /* SARIF JSON, checked field by field */, i: number) => {
      const d = DIAGNOSTICS[i];
      assert.equal(r.ruleId, d.code);
      assert.equal(tool.driver.rules[r.ruleIndex].id, d.code);
      assert.equal(r.message.text, d.message);
      assert.equal(r.level, { error: 'error', warning: 'warning', info: 'note', hint: 'note' }[d.severity]);
      assert.equal(r.locations.length, 1);
      const region = r.locations[0].physicalLocation.region;
      // SARIF columns are 1-based; the report's are 0-based.
      assert.deepEqual(region, { startLine: d.line, startColumn: d.column + 1, endLine: d.endLine, endColumn: d.endColumn + 1 });
    });
    assert.deepEqual(results[0].locations[0].physicalLocation.artifactLocation, { uri: 'models/net.py', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(results[0].locations[0].logicalLocations, [{ fullyQualifiedName: 'decoder.blocks.0', kind: 'member' }]);
    assert.deepEqual(results[0].properties.overlapPattern, [[1, 2], [1]]);
    assert.equal(results[1].locations[0].physicalLocation.artifactLocation.uri, 'models/sub%20dir/blocks.py');
    assert.equal(results[2].locations[0].physicalLocation.artifactLocation.uri, 'file:///abs/path/lib.py');
  });

  test('a region never ends before it starts', () => {
    const odd: Diagnostic = { severity: 'error', code: 'syntax', message: 'x', file: FILE, line: 0, column: 5, endLine: 0, endColumn: 2 };
    const r = JSON.parse(formatSarif({ file: FILE, models: [], diagnostics: [odd] }, { toolVersion: '1' })).runs[0].results[0];
    assert.deepEqual(r.locations[0].physicalLocation.region, { startLine: 1, startColumn: 6, endLine: 1, endColumn: 6 });
  });
});
