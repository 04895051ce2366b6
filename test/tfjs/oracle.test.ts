// ConvLens against the real TensorFlow.js: every model file in models/ is analysed from its text,
// and built by @tensorflow/tfjs (CPU backend, in Node). For every model, every layer
// application's class, output shape, parameter count and MACs (worked out from the real layer's
// getConfig() and shapes, test/tfjs/tfjsMacs.ts), the model's inputs, outputs, countParams() and
// total MACs must be equal.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { FileReport, ModelReport } from '../../server/src/engine/report';
import { toJsonReport } from '../../server/src/format/json';
import { describeModel, loadWithTfjs, oracleModel, tfReady } from './tfjsOracle';

const MODELS = join(import.meta.dirname, 'models');

/** The models ConvLens must find in each file, by the name it gives them. */
const EXPECTED: Record<string, string[]> = {
  'cnn_classifier.ts': ['buildClassifier()'],
  'unet.ts': ['buildUNet()'],
  'dcgan_generator.ts': ['makeGenerator()', 'makeEvenGenerator()'],
  'mobilenet_like.ts': ['mobileNetLike()'],
  'separable_variants.ts': ['entryFlow()'],
  // The encoder and decoder are shown inside the autoencoder, not on their own.
  'autoencoder.ts': ['buildAutoencoder()'],
  'conv1d_signal.ts': ['model'],
  'resnet_blocks.ts': ['resnet()'],
  'vgg_channels_first.ts': ['vgg'],
  'two_inputs.ts': ['fusion()', 'siamese()'],
  'volumetric.ts': ['volumeNet()'],
  'assorted_layers.ts': ['assorted()', 'tokens()'],
  'commonjs_model.js': ['model'],
  'language_features.ts': ['featureful()'],
  // Helpers only: functions that need arguments are not models.
  'blocks.ts': [],
  'uses_blocks.ts': ['segmenter()'],
  'factory_aliases.ts': ['aliasNet()', 'signalNet()'],
  // Classes: a model a class holds, a builder, subclasses of tf.Sequential and tf.LayersModel.
  'class_holder.ts': ['recognizer.model'],
  'class_builder.ts': ['new ConvNetBuilder().build()'],
  'sequential_subclass.ts': ['new LeNet5()', 'new WideAndDeep()'],
  // Script globals, other packages and names for TF.js, TF.js handed in.
  'browser_script.js': ['model'],
  'node_gpu_require.js': ['buildForecaster()'],
  'tfjs_layers_import.ts': ['mlp()'],
  'tf_parameter.js': ['createModel(tf)'],
  // Recurrent layers, cells, wrappers, attention by dot products.
  'sentiment_lstm.ts': ['sentimentModel()'],
  'char_rnn.ts': ['charRnn()', 'nextCharModel()'],
  'bidirectional_tagger.ts': ['tagger()', 'sentenceEncoder()'],
  'rnn_cells.ts': ['stackedCells()', 'withStates()'],
  'video_convlstm.ts': ['framePredictor()'],
  'seq2seq_attention.ts': ['translator()'],
  // Custom layers: computeOutputShape, build with addWeight, className, registerClass.
  'vae_sampling.ts': ['vae()'],
  'custom_layers.ts': ['tabular()', 'gatedCnn()'],
  // JavaScript in configs and conditions: defaults, Object.assign, spreads, switch on strings,
  // String and Array methods, optional chaining.
  'config_idioms.ts': ['configurable()', 'large()', 'wideKernels()'],
  'gan_class.js': ['new Gan().generator', 'new Gan().discriminator'],
  'attention_dot.ts': ['selfAttention()'],
};

/** Models with a layer ConvLens cannot follow: the index of that layer. The layers before it must
 *  equal TF.js's, it and those after it are unknown (params null in the JSON), and the model's
 *  params are those of the layers before it. */
const PARTIAL: Record<string, Record<string, number>> = {
  'custom_unfollowed.ts': { 'upsampler()': 2 },
};

/** Diagnostics these files are meant to produce (all others would be analysis failures). */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  // kernel 5, stride 2: taps per output alternate 3 and 2 along each axis.
  'dcgan_generator.ts': ['uneven-overlap', 'uneven-overlap', 'uneven-overlap'],
};

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function analyse(file: string): FileReport {
  const path = join(MODELS, file);
  return analyzeFile({ file: path, text: readFileSync(path, 'utf8'), readFile: readOrNull });
}

/** A ConvLens shape as TF.js writes it: the symbolic batch (analysed as 1) is null. */
function asTfjs(shape: number[], model: ModelReport): (number | null)[] {
  return shape.map((d, i) => (i === 0 && model.symbolicBatch ? null : d));
}

before(tfReady);

for (const [file, names] of Object.entries(EXPECTED)) {
  describe(file, () => {
    const report = analyse(file);
    const text = readFileSync(join(MODELS, file), 'utf8');

    test('the models found, and no unexpected diagnostics', () => {
      assert.deepEqual(report.models.map((m) => m.name), names);
      const serious = report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
      assert.deepEqual(serious.map((d) => d.code), EXPECTED_WARNINGS[file] ?? [], serious.map((d) => `${d.line}: ${d.message}`).join('\n'));
      for (const m of report.models) {
        assert.equal(m.incomplete, false, `${m.name} is incomplete`);
        assert.equal(m.inputSource, 'code');
      }
    });

    for (const name of names) {
      test(`${name}: every layer's output shape and parameter count equal TF.js's`, async () => {
        const model = report.models.find((m) => m.name === name);
        assert.ok(model, `ConvLens found ${name}`);
        const tfModel = await oracleModel(loadWithTfjs(join(MODELS, file), text), name);
        const oracle = describeModel(tfModel);
        try {
          assert.equal(model.layers.length, oracle.layers.length, `layers: ${model.layers.map((l) => l.op).join(', ')} vs ${oracle.layers.map((l) => l.className).join(', ')}`);
          model.layers.forEach((layer, i) => {
            const expected = oracle.layers[i]!;
            const label = `${name} layer ${i} (${layer.path})`;
            assert.equal(layer.op, expected.className, `${label}: class`);
            assert.equal(layer.unknown, undefined, `${label}: ${layer.unknown}`);
            assert.deepEqual(asTfjs(layer.out[0]!, model), expected.outputShape, `${label}: output shape`);
            assert.equal(layer.params, expected.params, `${label}: params`);
            assert.equal(layer.macs, expected.macs, `${label}: MACs`);
          });
          assert.equal(model.params, oracle.params, `${name}: countParams()`);
          assert.equal(model.macs, oracle.macs, `${name}: MACs`);
          assert.deepEqual(model.outputs.map((s) => asTfjs(s, model)), oracle.outputs, `${name}: outputs`);
          assert.deepEqual(model.inputs.map((s) => asTfjs(s, model)), oracle.inputs, `${name}: inputs`);
        } finally {
          tfModel.dispose();
        }
      });
    }
  });
}

for (const [file, models] of Object.entries(PARTIAL)) {
  describe(`${file} (a layer ConvLens cannot follow)`, () => {
    const report = analyse(file);
    const text = readFileSync(join(MODELS, file), 'utf8');
    for (const [name, at] of Object.entries(models)) {
      test(`${name}: exact up to layer ${at}, unknown from it on, a warning on its line, params of the known layers`, async () => {
        const model = report.models.find((m) => m.name === name);
        assert.ok(model, `ConvLens found ${name}`);
        const tfModel = await oracleModel(loadWithTfjs(join(MODELS, file), text), name);
        const oracle = describeModel(tfModel);
        try {
          assert.equal(model.layers.length, oracle.layers.length, 'no layer dropped');
          model.layers.forEach((layer, i) => {
            const expected = oracle.layers[i]!;
            assert.equal(layer.op, expected.className, `layer ${i}: class`);
            if (i < at) {
              assert.equal(layer.unknown, undefined, `layer ${i}: ${layer.unknown}`);
              assert.deepEqual(asTfjs(layer.out[0]!, model), expected.outputShape, `layer ${i}: output shape`);
              assert.equal(layer.params, expected.params, `layer ${i}: params`);
              assert.equal(layer.macs, expected.macs, `layer ${i}: MACs`);
            } else {
              assert.ok(layer.unknown, `layer ${i} is unknown`);
              assert.deepEqual(layer.out, []);
            }
          });
          assert.equal(model.incomplete, true);
          assert.equal(model.params, oracle.layers.slice(0, at).reduce((s, l) => s + l.params, 0));
          const json = toJsonReport(report).models.find((m) => m.name === name)!;
          assert.equal(json.countsPartial, true);
          assert.deepEqual(json.layers.slice(at).map((l) => l.params), json.layers.slice(at).map(() => null));
          const called = model.layers[at]!.called[0]!;
          assert.ok(report.diagnostics.some((d) => d.severity === 'warning' && d.line === called.line && d.path === model.layers[at]!.path), 'a warning on the line of the layer');
        } finally {
          tfModel.dispose();
        }
      });
    }
  });
}
