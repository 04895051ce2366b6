// The module search path in the editor, over the real protocol: a workspace whose model builds
// torchvision's resnet18 (read from Debian's python3-torchvision in /usr/lib/python3/dist-packages,
// found by discovery) and a head from the user's own package in a folder outside the workspace,
// named by `convlens.python.extraPaths` (later by Pylance's `python.analysis.extraPaths`). Only a
// resolved import can give these numbers: resnet18 has 11,689,512 parameters (torchvision's
// published figure), the head Linear(1000, 10) 10,010.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { LspClient, positionOf } from './lspClient';
import { PYTHON_ENVIRONMENT_NOTIFICATION, type PythonEnvironmentParams, type StatusParams } from '../../server/src/lsp/protocol';
import { SearchPathProvider } from '../../server/src/lsp/searchPathProvider';
import { readPythonEnvironment } from '../../server/src/lsp/settings';
import type { DiscoveryInput } from '../../server/src/pythonEnvironment/searchPath';

const DIST_PACKAGES = '/usr/lib/python3/dist-packages';
const RESNET18_PARAMS = 11_689_512;
const head = (cin: number, cout: number) => cin * cout + cout;

const modelSource = `from torch import nn
from torchvision import models
from mylayers.heads import Head


# convlens: input=1,3,224,224
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = models.resnet18()
        self.head = Head(1000, 10)

    def forward(self, x):
        return self.head(self.backbone(x))
`;

const headSource = (factor: number) => `from torch import nn


class Head(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.fc = nn.Linear(cin, cout * ${factor})

    def forward(self, x):
        return self.fc(x)
`;

let client: LspClient;
let root: string;
let workspace: string;
let extra: string;
let settings: { python: { extraPaths: string[] } } = { python: { extraPaths: [] } };
let uri: string;

const net = (s: StatusParams) => s.models.find((m) => m.className === 'Net');
const withParams = (params: number) => (s: StatusParams) => net(s)?.params === params;

/** A status that passes `test`, or a failure naming the last one seen (never a hung test). */
async function statusWhere(test: (s: StatusParams) => boolean, trigger: () => Promise<void>, what: string): Promise<StatusParams> {
  const next = client.futureStatus(uri, test);
  await trigger();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const last = client.statuses.filter((s) => s.uri === uri).pop();
      reject(new Error(`${what}: no such status in 120 s; last: ${JSON.stringify(last && { models: last.models, libraries: last.libraries })}`));
    }, 120_000);
  });
  try {
    return await Promise.race([next, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function hoverAt(needle: string, offset = 0): Promise<string> {
  const p = positionOf(modelSource, needle, offset);
  return client.hoverText(uri, p.line, p.character);
}

before(async () => {
  // realpath: macOS's tmpdir is a symbolic link, and the server resolves paths.
  root = realpathSync(mkdtempSync(join(tmpdir(), 'convlens-searchpath-')));
  workspace = join(root, 'workspace');
  extra = join(root, 'vendor');
  mkdirSync(workspace);
  mkdirSync(join(extra, 'mylayers'), { recursive: true });
  writeFileSync(join(workspace, 'model.py'), modelSource);
  writeFileSync(join(extra, 'mylayers', '__init__.py'), '');
  writeFileSync(join(extra, 'mylayers', 'heads.py'), headSource(1));
  uri = pathToFileURL(join(workspace, 'model.py')).toString();
  const pythonEnvironment: PythonEnvironmentParams = { workspaceFolders: [workspace], scopes: [{ analysisExtraPaths: [] }] };
  client = await LspClient.start({
    configuration: () => settings,
    initializationOptions: { settings: { python: { extraPaths: [] } }, pythonEnvironment },
  });
});

after(async () => {
  assert.equal(await client.stop(), 0);
  rmSync(root, { recursive: true, force: true });
});

describe('imports found on the module search path', { concurrency: false }, () => {
  test('a module found nowhere: one warning on its import line naming the setting; the model is incomplete', { timeout: 180_000 }, async () => {
    const status = await client.open(uri, modelSource);
    const importLine = positionOf(modelSource, 'from mylayers').line;
    const diagnostics = client.diagnostics.get(uri)?.diagnostics ?? [];
    const onImport = diagnostics.filter((d) => d.range.start.line === importLine);
    assert.equal(onImport.length, 1, `one diagnostic on the import line: ${JSON.stringify(diagnostics, null, 1)}`);
    assert.equal(onImport[0].severity, 2, 'a warning');
    const message = typeof onImport[0].message === 'string' ? onImport[0].message : onImport[0].message.value;
    assert.match(message, /mylayers/);
    assert.match(message, /convlens\.python\.extraPaths/);
    assert.equal(net(status)?.incomplete, true, 'the model is marked incomplete');
    // torchvision itself is found without any setting: Debian's dist-packages, by discovery.
    assert.ok(
      status.searchPath?.some((e) => e.path === DIST_PACKAGES && e.source === 'Debian dist-packages'),
      `Debian's dist-packages on the search path: ${JSON.stringify(status.searchPath)}`,
    );
    assert.ok(status.searchPath?.some((e) => e.path === workspace && e.kind === 'project'), 'the workspace folder is a project root');
    const torchvisionLine = positionOf(modelSource, 'from torchvision').line;
    assert.deepEqual(
      diagnostics.filter((d) => d.range.start.line === torchvisionLine && d.severity !== undefined && d.severity <= 2),
      [],
      'torchvision resolves',
    );
  });

  test('setting convlens.python.extraPaths re-analyses: the own package and torchvision give the exact parameter count', { timeout: 180_000 }, async () => {
    settings = { python: { extraPaths: [extra] } };
    const status = await statusWhere(
      withParams(RESNET18_PARAMS + head(1000, 10)),
      () => client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null }),
      'after setting convlens.python.extraPaths',
    );
    const model = net(status)!;
    assert.deepEqual(model.outputs, [[1, 10]]);
    assert.equal(model.incomplete, false);
    const importLine = positionOf(modelSource, 'from mylayers').line;
    assert.deepEqual(
      (client.diagnostics.get(uri)?.diagnostics ?? []).filter((d) => d.range.start.line === importLine),
      [],
      'no warning on the import any more',
    );
    const torchvision = status.libraries?.find((l) => l.name === 'torchvision');
    assert.deepEqual(torchvision, { name: 'torchvision', version: '0.14.1a0', path: join(DIST_PACKAGES, 'torchvision') });
    assert.equal(status.libraries?.find((l) => l.name === 'mylayers')?.path, join(extra, 'mylayers'));
    assert.ok(
      status.searchPath?.some((e) => e.path === extra && e.kind === 'extra' && e.source === 'convlens.python.extraPaths'),
      JSON.stringify(status.searchPath),
    );
  });

  test('hovers and lenses carry the resolved numbers and say which library made a layer', { timeout: 180_000 }, async () => {
    const classHover = await hoverAt('class Net', 6);
    assert.match(classHover, /11,699,522 \(11\.7M\) params/, classHover);

    const lenses = await client.codeLenses(uri);
    const classLine = positionOf(modelSource, 'class Net').line;
    const modelLens = lenses.find((l) => l.range.start.line === classLine);
    assert.match(modelLens?.command?.title ?? '', /^11\.7M params/, JSON.stringify(lenses.map((l) => l.command?.title)));

    const backbone = await hoverAt('models.resnet18', 2);
    assert.match(backbone, /11\.7M params/, backbone);
    assert.ok(backbone.includes('torchvision 0.14.1a0'), backbone);
    assert.ok(backbone.includes(join(DIST_PACKAGES, 'torchvision')), backbone);

    const headHover = await hoverAt('Head(1000', 1);
    assert.match(headHover, /`1×1000` → `1×10`/, headHover);
    assert.match(headHover, /\| `head\.fc` \| Linear \| 1×10 \|/, headHover);
    assert.ok(headHover.includes('mylayers'), headHover);
    assert.ok(headHover.includes(join(extra, 'mylayers')), headHover);
    assert.ok(!headHover.includes('torchvision'), `only the library that made the head: ${headHover}`);
  });

  test('a library file outside the workspace changed on disk re-analyses the importer', { timeout: 180_000 }, async () => {
    writeFileSync(join(extra, 'mylayers', 'heads.py'), headSource(2));
    const changed = pathToFileURL(join(extra, 'mylayers', 'heads.py')).toString();
    const status = await statusWhere(
      withParams(RESNET18_PARAMS + head(1000, 20)),
      () => client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: changed, type: 2 }] }),
      'after heads.py changed on disk',
    );
    assert.deepEqual(net(status)?.outputs, [[1, 20]]);
  });

  test("the editor's python.analysis.extraPaths (convlens/pythonEnvironment) is a search path too", { timeout: 180_000 }, async () => {
    settings = { python: { extraPaths: [] } };
    await statusWhere(
      (s) => net(s)?.incomplete === true,
      () => client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null }),
      'after clearing convlens.python.extraPaths',
    );
    const environment: PythonEnvironmentParams = { workspaceFolders: [workspace], scopes: [{ analysisExtraPaths: [extra] }] };
    const status = await statusWhere(
      withParams(RESNET18_PARAMS + head(1000, 20)),
      () => client.connection.sendNotification(PYTHON_ENVIRONMENT_NOTIFICATION, environment),
      'after python.analysis.extraPaths',
    );
    assert.ok(status.searchPath?.some((e) => e.path === extra && e.source === 'python.analysis.extraPaths'), JSON.stringify(status.searchPath));
  });
});

describe('the server side of the search path: found once per folder and setting, per workspace folder scope', () => {
  test('cached per file folder until a setting or the environment changes; scopes and ${workspaceFolder}', () => {
    const calls: DiscoveryInput[] = [];
    const provider = new SearchPathProvider({ HOME: '/home/u' }, (input) => {
      calls.push(input);
      return [{ path: `/found/for/${calls.length}`, kind: 'extra', source: 'test' }];
    });
    provider.setEnvironment({
      workspaceFolders: ['/ws/a', '/ws/b'],
      scopes: [
        { analysisExtraPaths: ['/window/extra'] },
        { folder: '/ws/a', interpreterPath: '/ws/a/.venv/bin/python3.11', analysisExtraPaths: ['/ws/a/src'] },
        { folder: '/ws/b', analysisExtraPaths: [] },
      ],
    });
    provider.setExtraPaths(['${workspaceFolder}/vendor', '${userHome}/libs', 'rel']);
    const generation = provider.generation;

    const first = provider.searchPathFor('/ws/a/models/net.py');
    assert.deepEqual(provider.searchPathFor('/ws/a/models/other.py'), first, 'same folder: the same answer');
    assert.equal(calls.length, 1, 'one discovery per folder, not per analysis');
    assert.deepEqual(calls[0].workspaceFolders, ['/ws/a', '/ws/b']);
    assert.equal(calls[0].interpreterPath, '/ws/a/.venv/bin/python3.11');
    assert.deepEqual(calls[0].extraPaths, [
      { path: '/ws/a/vendor', source: 'convlens.python.extraPaths' },
      { path: '/home/u/libs', source: 'convlens.python.extraPaths' },
      { path: 'rel', source: 'convlens.python.extraPaths' },
      { path: '/ws/a/src', source: 'python.analysis.extraPaths' },
    ]);

    provider.searchPathFor('/ws/b/net.py');
    assert.equal(calls[1].interpreterPath, undefined, "folder b's own scope (no interpreter)");
    assert.deepEqual(calls[1].extraPaths?.filter((e) => e.source === 'python.analysis.extraPaths'), []);
    provider.searchPathFor('/elsewhere/net.py');
    assert.deepEqual(calls[2].extraPaths?.filter((e) => e.source === 'python.analysis.extraPaths'), [{ path: '/window/extra', source: 'python.analysis.extraPaths' }]);
    assert.deepEqual(provider.searchPathFor('untitled:Untitled-1'), [], 'an untitled document has no search path');
    assert.equal(calls.length, 3);

    assert.equal(provider.setExtraPaths(['${workspaceFolder}/vendor', '${userHome}/libs', 'rel']), false, 'the same setting again changes nothing');
    assert.equal(provider.generation, generation);
    assert.equal(provider.setExtraPaths([]), true);
    assert.ok(provider.generation > generation, 'a new generation: cached reports are not reused');
    provider.searchPathFor('/ws/a/models/net.py');
    assert.equal(calls.length, 4, 'found again after the change');
  });

  test('readPythonEnvironment keeps what is well-formed and drops the rest', () => {
    assert.equal(readPythonEnvironment(null), null);
    assert.deepEqual(readPythonEnvironment({ workspaceFolders: ['/a', 3, ''], scopes: [{ folder: '/a', interpreterPath: 7, analysisExtraPaths: ['/x', null] }, 'junk'] }), {
      workspaceFolders: ['/a'],
      scopes: [{ folder: '/a', analysisExtraPaths: ['/x'] }],
    });
  });
});
