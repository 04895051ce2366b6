// torchvision as users call it, analysed from its installed source (Debian's python3-torchvision
// in /usr/lib/python3/dist-packages): pretrained weights in every form (enum members, DEFAULT,
// strings, None, the legacy pretrained=True, num_classes from the weights' categories), loading
// weights as doing nothing, and model surgery through the nn.Module API. Expected values come from
// real PyTorch: the goldens test/golden/torch/library_*.json (scripts/golden/trace_models.py,
// files in test/fixtures/library_users/) and the numbers below, printed by torch 1.13 /
// torchvision 0.14.1 for the same expressions (RegNet: sum(p.numel() for p in builder().parameters())).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';
import { assertMatchesGolden, readGolden } from '../support/torchGolden';
import type { SearchPathEntry } from '../../server/src/engine/report';

const root = resolve(__dirname, '../..');
const goldenDir = join(root, 'test/golden/torch');
const distPackages = '/usr/lib/python3/dist-packages';
const torchvision = join(distPackages, 'torchvision');
const installed = existsSync(join(torchvision, 'models/resnet.py'));
const searchPaths: SearchPathEntry[] = [{ path: distPackages, kind: 'environment', source: 'Debian dist-packages' }];

const files = nodeFileAccess();

const analyse = (file: string, model: string, inputs: number[][]) =>
  analyzeFile({ file, text: readFileSync(file, 'utf8'), ...files, model, inputs, searchPaths, timeLimitMs: 60_000 });

// ---------- expressions evaluated in the namespace of torchvision's own files ----------

const IN_PLACE: { file: string; expr: string; input: number[]; params: number; outputs: number[][] }[] = [
  { file: 'models/resnet.py', expr: 'resnet50(weights=ResNet50_Weights.DEFAULT, replace_stride_with_dilation=[False, True, True])', input: [1, 3, 224, 224], params: 25557032, outputs: [[1, 1000]] },
  { file: 'models/resnet.py', expr: 'resnet34(weights="IMAGENET1K_V1")', input: [1, 3, 224, 224], params: 21797672, outputs: [[1, 1000]] },
  { file: 'models/resnet.py', expr: 'resnet18(pretrained=True)', input: [1, 3, 224, 224], params: 11689512, outputs: [[1, 1000]] },
  { file: 'models/vgg.py', expr: 'vgg16(weights=VGG16_Weights.DEFAULT)', input: [1, 3, 224, 224], params: 138357544, outputs: [[1, 1000]] },
  { file: 'models/segmentation/deeplabv3.py', expr: 'deeplabv3_resnet50(weights=DeepLabV3_ResNet50_Weights.DEFAULT)', input: [1, 3, 520, 520], params: 42004074, outputs: [[1, 21, 520, 520], [1, 21, 520, 520]] },
  { file: 'models/segmentation/deeplabv3.py', expr: 'deeplabv3_resnet50(weights=None, weights_backbone=None, num_classes=5, aux_loss=True)', input: [1, 3, 520, 520], params: 41995850, outputs: [[1, 5, 520, 520], [1, 5, 520, 520]] },
  { file: 'models/segmentation/fcn.py', expr: 'fcn_resnet50(weights_backbone=ResNet50_Weights.IMAGENET1K_V1)', input: [1, 3, 520, 520], params: 32957013, outputs: [[1, 21, 520, 520]] },
  { file: 'models/mobilenetv3.py', expr: 'mobilenet_v3_large(weights=MobileNet_V3_Large_Weights.IMAGENET1K_V2)', input: [1, 3, 224, 224], params: 5483032, outputs: [[1, 1000]] },
  { file: 'models/efficientnet.py', expr: 'efficientnet_b0(weights=EfficientNet_B0_Weights.DEFAULT)', input: [1, 3, 224, 224], params: 5288548, outputs: [[1, 1000]] },
  { file: 'models/efficientnet.py', expr: 'efficientnet_v2_s(weights="DEFAULT")', input: [1, 3, 384, 384], params: 21458488, outputs: [[1, 1000]] },
  // RegNet sizes its stages from small tensor values (torch.arange / log / round / pow / diff → tolist).
  { file: 'models/regnet.py', expr: 'regnet_y_400mf(weights=RegNet_Y_400MF_Weights.DEFAULT)', input: [1, 3, 224, 224], params: 4344144, outputs: [[1, 1000]] },
  { file: 'models/regnet.py', expr: 'regnet_x_800mf()', input: [1, 3, 224, 224], params: 7259656, outputs: [[1, 1000]] },
  { file: 'models/regnet.py', expr: 'regnet_y_1_6gf(weights="IMAGENET1K_V2")', input: [1, 3, 224, 224], params: 11202430, outputs: [[1, 1000]] },
  { file: 'models/regnet.py', expr: 'regnet_y_16gf(num_classes=10)', input: [1, 3, 224, 224], params: 80595390, outputs: [[1, 10]] },
  { file: 'models/regnet.py', expr: 'regnet_x_32gf()', input: [1, 3, 224, 224], params: 107811560, outputs: [[1, 1000]] },
];

for (const c of IN_PLACE) {
  test(`torchvision/${c.file}: ${c.expr}`, () => {
    assert.ok(installed, 'torchvision is not installed: apt-get install python3-torchvision');
    const report = analyse(join(torchvision, c.file), c.expr, [c.input]);
    assert.equal(report.models.length, 1, JSON.stringify(report.diagnostics.filter((d) => d.severity !== 'hint')));
    const model = report.models[0]!;
    assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').filter((d) => d.code !== 'gridding'), []);
    assert.equal(model.incomplete, false);
    assert.equal(model.params, c.params, 'params');
    assert.deepEqual(model.outputs, c.outputs, 'outputs');
  });
}

test('a weights name that does not exist is the ValueError torchvision raises', () => {
    assert.ok(installed, 'torchvision is not installed: apt-get install python3-torchvision');
  const report = analyse(join(torchvision, 'models/resnet.py'), 'resnet34(weights="IMAGENET1K_V9")', [[1, 3, 224, 224]]);
  assert.equal(report.models.length, 0);
  assert.ok(report.diagnostics.some((d) => /ValueError: Unknown value 'IMAGENET1K_V9' for ResNet34_Weights/.test(d.message)), JSON.stringify(report.diagnostics));
});

test('num_classes that contradicts the weights is the ValueError torchvision raises', () => {
    assert.ok(installed, 'torchvision is not installed: apt-get install python3-torchvision');
  const report = analyse(join(torchvision, 'models/resnet.py'), 'resnet18(weights=ResNet18_Weights.DEFAULT, num_classes=10)', [[1, 3, 224, 224]]);
  assert.equal(report.models.length, 0);
  assert.ok(report.diagnostics.some((d) => /ValueError: The parameter 'num_classes' expected value 1000 but got 10 instead/.test(d.message)), JSON.stringify(report.diagnostics));
});

// ---------- user files: goldens from real PyTorch ----------

type Source = { kind: 'library_user'; file: string; expr: string };

for (const name of readdirSync(goldenDir).filter((f) => /^library_.*\.json$/.test(f))) {
  const golden = readGolden<Source>(join(goldenDir, name));
  test(`${name}: ${golden.source.expr}`, () => {
    assert.ok(installed, 'torchvision is not installed: apt-get install python3-torchvision');
    assertMatchesGolden(analyse(join(root, golden.source.file), golden.source.expr, golden.input), golden);
  });
}
