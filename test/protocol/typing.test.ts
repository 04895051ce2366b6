// Typing into a model file, one character per didChange, with requests in between as an editor
// sends them: every request is answered, the server never dies, and the layers the edit does not
// touch keep their hovers at every keystroke (the report of an older version is mapped onto the
// text on screen until the new one is ready). Also: an exception inside a request handler is an
// error response and a log line, and the server carries on.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LSPErrorCodes } from 'vscode-languageserver/node';
import { LspClient, fixtureUri, positionOf } from './lspClient';
import { expected, expectedLayer, fixtureText, shape, withInputs } from './fixtureText';

const uri = fixtureUri('dcgan.py');
const LINE = 'self.extra = nn.Conv2d(3, 64, kernel_size=3)';
const START = withInputs(fixtureText('dcgan.py'), { Generator: [1, 100, 1, 1], Discriminator: [1, 3, 64, 64] });

async function typeLayer(client: LspClient): Promise<void> {
  let text = START;
  const discriminator = expected('dcgan_Discriminator');
  const generator = expected('dcgan_Generator');
  const first = await client.open(uri, text);
  const paramsBefore = first.models.find((m) => m.name === 'Discriminator()')!.params;
  assert.equal(paramsBefore, discriminator.params);

  // Where Discriminator.__init__ calls super().__init__(): the new line goes after it.
  const anchor = positionOf(text, 'super().__init__()', 'super().__init__()'.length, 2);
  const edits: { range: { start: typeof anchor; end: typeof anchor }; text: string }[] = [];
  edits.push({ range: { start: anchor, end: anchor }, text: '\n        ' });
  let cursor = { line: anchor.line + 1, character: 8 };
  for (const ch of LINE) {
    edits.push({ range: { start: cursor, end: cursor }, text: ch });
    cursor = { line: cursor.line, character: cursor.character + 1 };
  }

  // Layers below the typing (their lines move) and above it (they do not).
  const watched = [
    { needle: 'nn.Conv2d(nc, ndf', layer: expectedLayer(discriminator, 'main.0'), path: 'main.0' },
    { needle: 'nn.Conv2d(ndf * 8, 1', layer: expectedLayer(discriminator, 'main.11'), path: 'main.11' },
    { needle: 'nn.ConvTranspose2d(ngf * 8, ngf * 4', layer: expectedLayer(generator, 'main.3'), path: 'main.3' },
  ];
  let version = 1;
  let answered = 0;
  for (const edit of edits) {
    version++;
    const doc = text.split('\n');
    const line = doc[edit.range.start.line];
    doc[edit.range.start.line] = line.slice(0, edit.range.start.character) + edit.text + line.slice(edit.range.start.character);
    text = doc.join('\n');
    await client.change(uri, version, [edit]);
    // The requests an editor sends after a keystroke, without waiting for the analysis.
    const hovers = watched.map(({ needle }) => {
      const p = positionOf(text, needle, 4);
      return client.hoverText(uri, p.line, p.character);
    });
    const lenses = client.codeLenses(uri);
    const hints = client.inlayHints(uri, { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } });
    const results = await Promise.all(hovers);
    const [lensList] = await Promise.all([lenses, hints]);
    answered += results.length + 2;
    results.forEach((h, i) => {
      const { layer, path } = watched[i];
      assert.ok(h.includes(`\`${path}\``) && h.includes(`\`${shape(layer.in)}\` → \`${shape(layer.out)}\``), `keystroke ${version}, ${path}:\n${h}`);
    });
    // The lens of main.0 sits on main.0's line, wherever the typing has pushed it.
    const main0 = positionOf(text, 'nn.Conv2d(nc, ndf').line;
    assert.ok(lensList.some((l) => l.range.start.line === main0 && l.command?.title.startsWith(`→ ${shape(expectedLayer(discriminator, 'main.0').out.slice(1))}`)), `lens on line ${main0 + 1} at keystroke ${version}`);
  }
  assert.equal(answered, edits.length * 5);

  // Once typing stops, the new layer is in the model: 3·64·3·3 weights + 64 biases more.
  const final = await client.nextStatus(uri, version);
  assert.equal(final.state, 'done');
  assert.equal(final.models.find((m) => m.name === 'Discriminator()')!.params, paramsBefore + 3 * 64 * 3 * 3 + 64);
  assert.ok(client.alive);
}

describe('typing, analysed at every keystroke (no debounce): half-typed code keeps the other layers', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ initializationOptions: { debounceMs: 0 } });
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });
  test('every request answered, untouched layers keep their hovers and lenses', () => typeLayer(client));
});

describe('typing faster than the debounce: requests answered from the last report, mapped onto the new text', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ initializationOptions: { debounceMs: 400 } });
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });
  test('every request answered, untouched layers keep their hovers and lenses', () => typeLayer(client));
});

describe('robustness', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
    await client.open(uri, START);
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  test('an exception inside a request is an error response and a log line; the server lives', async () => {
    const logged = client.logs.length;
    // A hover without a textDocument: the handler throws on it.
    await assert.rejects(
      client.connection.sendRequest('textDocument/hover', { position: { line: 0, character: 0 } }),
      (error: { code?: number; message?: string }) => error.code === LSPErrorCodes.RequestFailed && /hover failed/.test(error.message ?? ''),
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(client.logs.slice(logged).some((l) => l.startsWith('[hover]')), client.logs.join('\n'));
    assert.ok(client.alive);
    const p = positionOf(START, 'nn.Conv2d(nc, ndf', 4);
    assert.match(await client.hoverText(uri, p.line, p.character), /`main\.0`/);
    // A document the client never opened: no answer, no error.
    assert.equal(await client.hover(fixtureUri('nowhere.py'), 0, 0), null);
  });
});
