// The configurations the browser tests run: small PyTorch models (one up-sampling layer, or a short
// path) analysed by the real engine; the layer report the engine produces is what the preview
// rebuilds, exactly as in the editor. Small tensors: SwiftShader's WebGPU is slow.

import { analyzeFile } from '../../server/src/engine/analyze';
import { isUneven, overlapPattern, stackOverlapPattern, type OverlapStackLayer } from '../../server/src/engine/geometry';
import type { FileReport, LayerReport } from '../../server/src/engine/report';
import { upsamplingRun } from '../../server/src/lsp/upsamplingPath';
import { toPreviewLayer } from '../../client/src/preview/previewLayer';
import type { PreviewTarget } from '../../webview/src/protocol/messages';

export interface Config {
  name: string;
  /** C, H, W of the model input. */
  input: [number, number, number];
  /** `self.<name> = <expr>` lines of __init__. */
  modules: Record<string, string>;
  /** forward's body after `x` is the input, ending in a `return`. */
  forward: string;
  /** Which layer the cursor is on (its path). */
  focus: string;
  /** Which plan variant to check: the layer itself or the whole path. */
  variant: 'layer' | 'path';
}

const ct = (args: string) => `nn.ConvTranspose2d(1, 2, ${args})`;

/** ≥ 30 configurations: kernels 1–7, strides 1–4, padding, dilation, output_padding, every resize
 *  mode with and without align_corners (scale and size forms), pixel shuffle 2 and 3, and paths. */
export const CONFIGS: Config[] = [
  ...(
    [
      ['ct k1 s1', 'kernel_size=1', [5, 6]],
      ['ct k2 s2', 'kernel_size=2, stride=2', [5, 6]],
      ['ct k3 s2', 'kernel_size=3, stride=2', [5, 6]],
      ['ct k3 s2 p1 op1', 'kernel_size=3, stride=2, padding=1, output_padding=1', [5, 6]],
      ['ct k4 s2 p1', 'kernel_size=4, stride=2, padding=1', [5, 6]],
      ['ct k5 s2 p2 op1', 'kernel_size=5, stride=2, padding=2, output_padding=1', [5, 6]],
      ['ct k7 s3 p1', 'kernel_size=7, stride=3, padding=1', [5, 6]],
      ['ct k3 s3', 'kernel_size=3, stride=3', [5, 6]],
      ['ct k4 s3 p1 op2', 'kernel_size=4, stride=3, padding=1, output_padding=2', [5, 6]],
      ['ct k5 s4 p1 op3', 'kernel_size=5, stride=4, padding=1, output_padding=3', [5, 5]],
      ['ct k6 s4 p1', 'kernel_size=6, stride=4, padding=1', [5, 5]],
      ['ct k7 s4 p3 op1', 'kernel_size=7, stride=4, padding=3, output_padding=1', [5, 5]],
      ['ct k3 s2 d2', 'kernel_size=3, stride=2, dilation=2', [6, 6]],
      ['ct k3 s2 d2 op1', 'kernel_size=3, stride=2, dilation=2, output_padding=1', [6, 6]],
      ['ct k2 s3 d2', 'kernel_size=2, stride=3, dilation=2', [6, 6]],
      ['ct k5 s3 d3 p2', 'kernel_size=5, stride=3, dilation=3, padding=2', [6, 6]],
      ['ct k7 s1 p3', 'kernel_size=7, padding=3', [8, 8]],
      // torch allows output_padding below the dilation too (ONNX Runtime only below the stride).
      ['ct k3 s1 d2 p1 op1', 'kernel_size=3, dilation=2, padding=1, output_padding=1', [6, 6]],
      ['ct k3 s2 d3 op2', 'kernel_size=3, stride=2, dilation=3, output_padding=2', [6, 6]],
      ['ct k4 s2 p1 no bias', 'kernel_size=4, stride=2, padding=1, bias=False', [5, 6]],
      ['ct k(3,4) s(2,1) p(1,0)', 'kernel_size=(3, 4), stride=(2, 1), padding=(1, 0)', [6, 7]],
      ['ct k(6,5) s(4,3) p(1,2) op(1,2)', 'kernel_size=(6, 5), stride=(4, 3), padding=(1, 2), output_padding=(1, 2)', [5, 5]],
    ] as [string, string, [number, number]][]
  ).map(([name, args, [h, w]]): Config => ({
    name,
    input: [1, h + 2, w + 2],
    modules: { up: ct(args) },
    forward: 'return self.up(x)',
    focus: 'up',
    variant: 'layer',
  })),
  ...(
    [
      ['nearest ×2', "scale_factor=2, mode='nearest'"],
      ['nearest ×3', "scale_factor=3, mode='nearest'"],
      ['nearest ×1.5', "scale_factor=1.5, mode='nearest'"],
      ['nearest size (18, 21)', "size=(18, 21), mode='nearest'"],
      ['nearest-exact ×2.5', "scale_factor=2.5, mode='nearest-exact'"],
      ['bilinear ×2', "scale_factor=2, mode='bilinear'"],
      ['bilinear ×2 align_corners', "scale_factor=2, mode='bilinear', align_corners=True"],
      ['bilinear size (30, 35)', "size=(30, 35), mode='bilinear', align_corners=False"],
      ['bilinear size (34, 40) align_corners', "size=(34, 40), mode='bilinear', align_corners=True"],
      ['bicubic ×2', "scale_factor=2, mode='bicubic'"],
      ['bicubic ×3 align_corners', "scale_factor=3, mode='bicubic', align_corners=True"],
      ['bicubic ×1.5', "scale_factor=1.5, mode='bicubic', align_corners=False"],
      ['bicubic size (34, 27) align_corners', "size=(34, 27), mode='bicubic', align_corners=True"],
    ] as [string, string][]
  ).map(([name, args]): Config => ({
    name: `F.interpolate ${name}`,
    input: [1, 12, 14],
    // A root module without children is reported as one layer; an Identity keeps the call visible.
    modules: { keep: 'nn.Identity()' },
    forward: `return F.interpolate(self.keep(x), ${args})`,
    focus: 'F.interpolate@',
    variant: 'layer',
  })),
  { name: 'nn.Upsample ×2 bilinear', input: [1, 10, 12], modules: { up: "nn.Upsample(scale_factor=2, mode='bilinear')" }, forward: 'return self.up(x)', focus: 'up', variant: 'layer' },
  { name: 'nn.UpsamplingBilinear2d ×2', input: [1, 10, 12], modules: { up: 'nn.UpsamplingBilinear2d(scale_factor=2)' }, forward: 'return self.up(x)', focus: 'up', variant: 'layer' },
  { name: 'nn.UpsamplingNearest2d size 20', input: [1, 10, 9], modules: { up: 'nn.UpsamplingNearest2d(size=20)' }, forward: 'return self.up(x)', focus: 'up', variant: 'layer' },
  { name: 'PixelShuffle(2)', input: [4, 8, 9], modules: { up: 'nn.PixelShuffle(2)' }, forward: 'return self.up(x)', focus: 'up', variant: 'layer' },
  { name: 'PixelShuffle(3)', input: [9, 7, 8], modules: { up: 'nn.PixelShuffle(3)' }, forward: 'return self.up(x)', focus: 'up', variant: 'layer' },
  {
    name: 'path: ConvT k3 s2 p1 op1 → BN → ReLU → ConvT k3 s2 p1 op1',
    input: [3, 8, 9],
    modules: { a: 'nn.ConvTranspose2d(3, 8, 3, stride=2, padding=1, output_padding=1)', n: 'nn.BatchNorm2d(8)', b: 'nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)' },
    forward: 'x = torch.relu(self.n(self.a(x)))\n        return self.b(x)',
    focus: 'a',
    variant: 'path',
  },
  {
    name: 'path: nearest ×2 → conv 3×3 → ConvT k4 s2 p1',
    input: [2, 12, 12],
    modules: { c: 'nn.Conv2d(2, 6, 3, padding=1)', t: 'nn.ConvTranspose2d(6, 3, 4, stride=2, padding=1)' },
    forward: "x = F.interpolate(x, scale_factor=2, mode='nearest')\n        return self.t(self.c(x))",
    focus: 't',
    variant: 'path',
  },
  {
    name: 'path: conv 3×3 to 4·C → PixelShuffle(2) → ConvT k3 s3',
    input: [2, 8, 8],
    modules: { c: 'nn.Conv2d(2, 16, 3, padding=1)', s: 'nn.PixelShuffle(2)', t: 'nn.ConvTranspose2d(4, 2, 3, stride=3)' },
    forward: 'return self.t(self.s(self.c(x)))',
    focus: 's',
    variant: 'path',
  },
];

export function configSource(c: Config): string {
  const init = Object.entries(c.modules).map(([k, v]) => `        self.${k} = ${v}`);
  return [
    'import torch',
    'from torch import nn',
    'import torch.nn.functional as F',
    '',
    `# convlens: input=1,${c.input.join(',')}`,
    'class M(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...(init.length ? init : ['        pass']),
    '',
    '    def forward(self, x):',
    `        ${c.forward}`,
    '',
  ].join('\n');
}

export interface PreparedConfig {
  config: Config;
  report: FileReport;
  layer: LayerReport;
  path: LayerReport[];
  target: PreviewTarget;
  /** The engine's verdict: an uneven-overlap diagnostic in the model. */
  engineUneven: boolean;
  /** The engine's overlap pattern per axis (rows, columns) of the checked variant's output with
   *  all-ones weights and a constant input. */
  pattern: [number[], number[]];
}

function stackLayer(l: LayerReport, axis: number): OverlapStackLayer {
  if (l.overlap) {
    const outPadding = l.out[0]![2 + axis]! - ((l.in[0]![2 + axis]! - 1) * l.stride![axis]! - 2 * l.padding![axis]! + l.dilation![axis]! * (l.kernel![axis]! - 1) + 1);
    return { kind: 'convTranspose', kernel: l.kernel![axis]!, stride: l.stride![axis]!, dilation: l.dilation![axis]!, padding: l.padding![axis]!, outputPadding: outPadding };
  }
  if (/Conv2d/.test(l.op)) return { kind: 'conv', kernel: l.kernel![axis]!, dilation: l.dilation![axis]!, padding: l.padding![axis]! };
  const scale = l.out[0]![2 + axis]! / l.in[0]![2 + axis]!;
  // A resize or shuffle of a constant is constant: a scale-1 "nearest" when not an integer factor.
  return { kind: 'nearest', scale: Number.isInteger(scale) ? scale : 1 };
}

export function prepare(config: Config): PreparedConfig {
  const file = `/virtual/${config.name.replace(/[^a-z0-9]+/gi, '_')}.py`;
  const report = analyzeFile({ file, text: configSource(config), readFile: () => null });
  const model = report.models[0];
  if (!model) throw new Error(`${config.name}: no model`);
  const index = model.layers.findIndex((l) => (config.focus.endsWith('@') ? l.path.startsWith(config.focus) : l.path === config.focus));
  if (index < 0) throw new Error(`${config.name}: layer ${config.focus} not found in ${model.layers.map((l) => l.path).join(', ')}`);
  const layer = model.layers[index]!;
  const run = upsamplingRun(model.layers, index);
  const path = run?.path ?? [layer];
  const target: PreviewTarget = { model: model.name, layer: toPreviewLayer(layer), path: path.map(toPreviewLayer), index: run?.index ?? 0 };
  const checked = config.variant === 'layer' ? [layer] : path;
  const pattern = [0, 1].map((axis) =>
    checked.length === 1 && layer.overlap
      ? overlapPattern(layer.kernel![axis]!, layer.stride![axis]!, layer.dilation![axis]!, layer.padding![axis]!)
      : stackOverlapPattern(checked.map((l) => stackLayer(l, axis))),
  ) as [number[], number[]];
  const engineUneven = report.diagnostics.some((d) => d.code === 'uneven-overlap');
  if (config.variant === 'layer' && layer.overlap && engineUneven !== layer.overlap.some(isUneven)) {
    throw new Error(`${config.name}: the engine's diagnostic and its overlap pattern disagree`);
  }
  return { config, report, layer, path, target, engineUneven, pattern };
}
