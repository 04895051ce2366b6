// The up-sampling preview for TensorFlow.js files over the real protocol (`node dist/server.js
// --stdio`, files opened as typescript): `convlens/upsamplingPath` returns a TF.js model's path in
// the form the preview reads (channels-first shapes, an UpSampling2D with its resize), the preview's
// steps follow from it with TF.js's 'same' cropping, and the hover link and the lens's "preview"
// appear only on layers the preview can rebuild (not on a conv3dTranspose). A hover over a line
// that made several layers (a helper called twice) shows a table without links, as for PyTorch.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver/node';
import { UPSAMPLING_PATH_REQUEST, type UpsamplingPathParams, type UpsamplingPathResult } from '../../server/src/lsp/protocol';
import { stepsForLayers } from '../../webview/src/preview/fromLayer';
import { chainSizes } from '../../webview/src/preview/steps';
import { LspClient, positionOf } from '../protocol/lspClient';

const MODELS = join(import.meta.dirname, 'models');
const PREVIEW = 'convlens.openPreview';
const LINK = /\[Preview the up-sampling\]\(command:convlens\.openPreview\?/;

let client: LspClient;
before(async () => {
  client = await LspClient.start({ initializationOptions: { previewCommand: PREVIEW, debounceMs: 0 } });
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

async function open(uri: string, text: string): Promise<void> {
  const done = client.nextStatus(uri, 1);
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
  await done;
}

async function openFixture(name: string): Promise<{ uri: string; text: string }> {
  const path = join(MODELS, name);
  const fixture = { uri: pathToFileURL(path).toString(), text: readFileSync(path, 'utf8') };
  await open(fixture.uri, fixture.text);
  return fixture;
}

const request = (params: UpsamplingPathParams) => client.connection.sendRequest<UpsamplingPathResult>(UPSAMPLING_PATH_REQUEST, params);

describe('TF.js up-sampling preview over the protocol', () => {
  test("DCGAN generator: the path of the three conv2dTranspose, channels-first, 'same' cropping one more at the end", async () => {
    const { uri, text } = await openFixture('dcgan_generator.ts');
    const result = await request({ uri, path: 'conv2d_transpose_2', model: 'makeGenerator()' });
    assert.ok(result);
    assert.deepEqual(result.path.map((l) => l.path), ['conv2d_transpose_1', 'conv2d_transpose_2', 'conv2d_transpose_3']);
    assert.equal(result.index, 1);
    // [N, 7, 7, 128] → [N, 14, 14, 64] channels-last, handed over channels-first.
    assert.deepEqual(result.layer.in, [[1, 128, 7, 7]]);
    assert.deepEqual(result.layer.out, [[1, 64, 14, 14]]);
    const { steps, inChannels } = stepsForLayers(result.path);
    assert.equal(inChannels, 1);
    // k5 s2 'same': total crop k − s = 3, 1 at the start, 2 at the end; k5 s1: 2 and 2.
    assert.deepEqual(
      steps.map((s) => (s.op === 'convTranspose' ? { padding: s.padding, outputPadding: s.outputPadding, bias: s.bias } : s.op)),
      [
        { padding: [2, 2], outputPadding: [0, 0], bias: false },
        { padding: [1, 1], outputPadding: [-1, -1], bias: false },
        { padding: [1, 1], outputPadding: [-1, -1], bias: false },
      ],
    );
    assert.deepEqual(chainSizes({ steps, inChannels, inSize: [7, 7] }), [[7, 7], [14, 14], [28, 28]]);
    // The same path from the cursor on the last conv2dTranspose; its hover links to the preview.
    const at = positionOf(text, 'tf.layers.conv2dTranspose', 0, 3);
    const byPosition = await request({ uri, position: at });
    assert.equal(byPosition?.layer.path, 'conv2d_transpose_3');
    assert.equal(byPosition?.index, 2);
    assert.match(await client.hoverText(uri, at.line, at.character), LINK);
    // The uneven-overlap lens offers the preview too.
    const lenses = await client.codeLenses(uri);
    const warning = lenses.find((l) => l.range.start.line === at.line && /uneven overlap/.test(l.command?.title ?? ''));
    assert.ok(warning, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.match(warning.command!.title, /· preview$/);
    assert.equal(warning.command!.command, PREVIEW);
  });

  test('upSampling2d: bilinear without half-pixel centres and nearest, with the same-size conv2d between them', async () => {
    const { uri, text } = await openFixture('assorted_layers.ts');
    const result = await request({ uri, path: 'up_sampling2d_2', model: 'assorted()' });
    assert.ok(result);
    assert.deepEqual(result.path.map((l) => l.path), ['up_sampling2d_1', 'conv2d_3', 'up_sampling2d_2', 'conv2d_4']);
    assert.equal(result.index, 2);
    assert.deepEqual(result.path[0]!.resize, { mode: 'bilinear-asymmetric', alignCorners: false, scaleFactor: [2, 2] });
    assert.deepEqual(result.path[2]!.resize, { mode: 'nearest', alignCorners: false, scaleFactor: [2, 2] });
    assert.deepEqual(result.path[0]!.in, [[1, 24, 11, 10]]);
    const { steps } = stepsForLayers(result.path);
    assert.deepEqual(steps.map((s) => (s.op === 'resize' ? `${s.op} ${s.mode}` : s.op)), ['resize bilinear-asymmetric', 'conv', 'resize nearest', 'conv']);
    assert.deepEqual(chainSizes({ steps, inChannels: 1, inSize: [11, 10] }).at(-1), [44, 40]);
    // A layer outside the path (the strided conv2d) stands alone and has no link.
    const stem = await request({ uri, path: 'conv2d_1', model: 'assorted()' });
    assert.deepEqual(stem?.path.map((l) => l.path), ['conv2d_1']);
    const conv = positionOf(text, 'tf.layers.conv2d({ ...same, filters: 16');
    assert.doesNotMatch(await client.hoverText(uri, conv.line, conv.character), LINK);
  });

  test('conv3dTranspose cannot be previewed: no hover link, no preview on its uneven-overlap lens, no path', async () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'export function volume(): tf.Sequential {',
      '  const model = tf.sequential();',
      "  model.add(tf.layers.conv3dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [8, 8, 8, 2] }));",
      '  return model;',
      '}',
      'export function flat(): tf.Sequential {',
      '  const model = tf.sequential();',
      "  model.add(tf.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear', inputShape: [8, 8, 2] }));",
      "  model.add(tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }));",
      '  return model;',
      '}',
      '',
    ].join('\n');
    const uri = 'file:///virtual/tfjs/volume.ts';
    await open(uri, text);
    const at3d = positionOf(text, 'tf.layers.conv3dTranspose');
    const hover = await client.hoverText(uri, at3d.line, at3d.character);
    assert.match(hover, /Conv3DTranspose/);
    assert.match(hover, /uneven/);
    assert.doesNotMatch(hover, LINK);
    const lenses = await client.codeLenses(uri);
    const warning3d = lenses.find((l) => l.range.start.line === at3d.line && /uneven overlap/.test(l.command?.title ?? ''));
    assert.ok(warning3d, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.doesNotMatch(warning3d.command!.title, /preview/);
    assert.notEqual(warning3d.command!.command, PREVIEW);
    const path = await request({ uri, position: at3d });
    assert.ok(path);
    assert.deepEqual(path.path.map((l) => l.op), ['Conv3DTranspose']);
    // The 2-D layers in the other model, same file, are offered, the up-sampling's path runs on.
    for (const needle of ['tf.layers.upSampling2d', 'tf.layers.conv2dTranspose']) {
      const at = positionOf(text, needle);
      assert.match(await client.hoverText(uri, at.line, at.character), LINK, needle);
    }
    const flat = await request({ uri, position: positionOf(text, 'tf.layers.upSampling2d') });
    assert.deepEqual(flat?.path.map((l) => l.out[0]), [[1, 2, 16, 24], [1, 4, 32, 48]]);
    assert.deepEqual(flat?.layer.resize, { mode: 'bilinear-asymmetric', alignCorners: false, scaleFactor: [2, 3] });
  });
});
