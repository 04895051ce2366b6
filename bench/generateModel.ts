// A large, realistic PyTorch model file for the benchmark: families of helper functions, block
// classes in the common styles (residual, inverted residual, squeeze-excite, concatenated
// branches, down-up with F.interpolate), stages that stack them with loops and
// nn.Sequential(*layers), and one root model, BigNet, that uses a good share of the stages.
// Deterministic: the same options give the same text.

import { type Random, pick, prng, randomInt } from '../test/support/prng';

export interface GeneratedModel {
  text: string;
  lines: number;
  /** The root model's expression and input, as --model and --input take them. */
  model: string;
  input: number[][];
  classes: number;
  functions: number;
  stagesUsed: number;
  stagesDefined: number;
}

export interface GenerateOptions {
  /** Stop adding families once the file has this many lines (the root comes on top). */
  targetLines?: number;
  seed?: number;
  /** Share of the stages BigNet uses (the rest are there to be parsed, as in a real file). */
  rootShare?: number;
}

const WIDTHS = [32, 48, 64, 96, 128, 160, 192, 256];

function helpers(f: number, random: Random): string {
  const act = pick(random, ['nn.ReLU(inplace=True)', 'nn.SiLU(inplace=True)', 'nn.Hardswish()', 'nn.LeakyReLU(0.1)']);
  return `

def conv_bn_${f}(cin, cout, kernel_size=3, stride=1, groups=1, dilation=1):
    """Convolution, batch norm and activation (family ${f})."""
    padding = (kernel_size - 1) // 2 * dilation
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel_size, stride=stride, padding=padding,
                  dilation=dilation, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        ${act},
    )


def make_divisible_${f}(v, divisor=8, min_value=None):
    # Keep channel counts divisible by 8, as the hardware likes them.
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
`;
}

function squeezeExcite(f: number, random: Random): string {
  const reduction = pick(random, [4, 8, 16]);
  return `

class SqueezeExcite${f}(nn.Module):
    """Channel attention: pool, bottleneck, gate."""

    def __init__(self, channels, reduction=${reduction}):
        super().__init__()
        hidden = max(8, channels // reduction)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)

    def forward(self, x):
        s = self.pool(x)
        s = F.relu(self.fc1(s))
        s = torch.sigmoid(self.fc2(s))
        return x * s
`;
}

function basicBlock(f: number): string {
  return `

class BasicBlock${f}(nn.Module):
    expansion = 1

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = conv_bn_${f}(cin, cout, 3, stride)
        self.conv2 = nn.Conv2d(cout, cout, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(cout),
            )
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = self.conv1(x)
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return self.act(out)
`;
}

function invertedResidual(f: number, random: Random): string {
  const expand = pick(random, [1, 4, 6]);
  const kernel = pick(random, [3, 5]);
  return `

class InvertedResidual${f}(nn.Module):
    """MobileNetV2-style block: expand, depthwise, project."""

    def __init__(self, cin, cout, stride=1, expand_ratio=${expand}):
        super().__init__()
        hidden = make_divisible_${f}(cin * expand_ratio)
        self.use_residual = stride == 1 and cin == cout
        layers = []
        if expand_ratio != 1:
            layers.append(conv_bn_${f}(cin, hidden, 1))
        layers.extend([
            conv_bn_${f}(hidden, hidden, ${kernel}, stride, groups=hidden),
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        ])
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_residual:
            return x + self.conv(x)
        return self.conv(x)
`;
}

function mixBlock(f: number, random: Random): string {
  const dilation = pick(random, [1, 2]);
  return `

class MixBlock${f}(nn.Module):
    """Two branches, concatenated and projected."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        mid = cout // 2
        self.branch_a = conv_bn_${f}(cin, mid, 1, stride)
        self.branch_b = nn.Sequential(
            conv_bn_${f}(cin, mid, 1),
            conv_bn_${f}(mid, mid, 3, stride, dilation=${dilation}),
        )
        self.project = nn.Conv2d(mid * 2, cout, 1)

    def forward(self, x):
        a = self.branch_a(x)
        b = self.branch_b(x)
        return self.project(torch.cat([a, b], dim=1))
`;
}

function upDownBlock(f: number): string {
  return `

class UpDownBlock${f}(nn.Module):
    """Down-sample, process, and resize back onto the skip path."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.down = conv_bn_${f}(cin, cout, 3, 2)
        self.body = conv_bn_${f}(cout, cout, 3)
        self.skip = conv_bn_${f}(cin, cout, 1, stride)

    def forward(self, x):
        y = self.body(self.down(x))
        s = self.skip(x)
        y = F.interpolate(y, size=s.shape[-2:], mode="bilinear", align_corners=False)
        return F.relu(y + s)
`;
}

const BLOCK_KINDS = ['BasicBlock', 'InvertedResidual', 'MixBlock', 'UpDownBlock'] as const;

function stage(f: number, random: Random): string {
  // The first block changes width and stride; the others keep them. Every block kind of the
  // family is used by its stage, so only stages are left for BigNet to pick from.
  const order = [...BLOCK_KINDS].sort(() => random() - 0.5);
  const depth = 2 + randomInt(random, 3);
  return `

class Stage${f}(nn.Module):
    """Stage ${f}: ${depth} blocks and channel attention."""

    def __init__(self, cin, cout, stride=1, depth=${depth}):
        super().__init__()
        kinds = [${order.map((k) => `${k}${f}`).join(', ')}]
        layers = [kinds[0](cin, cout, stride)]
        for i in range(1, depth):
            layers.append(kinds[i % len(kinds)](cout, cout))
        self.blocks = nn.Sequential(*layers)
        self.attention = SqueezeExcite${f}(cout)

    def forward(self, x):
        x = self.blocks(x)
        return self.attention(x)
`;
}

function family(f: number, random: Random): string {
  return (
    helpers(f, random) +
    squeezeExcite(f, random) +
    basicBlock(f) +
    invertedResidual(f, random) +
    mixBlock(f, random) +
    upDownBlock(f) +
    stage(f, random)
  );
}

/** BigNet: a stem, the chosen stages (four of them stride 2), a classifier head. */
function root(stages: number[], random: Random): string {
  // Four stride-2 stages spread over the depth: 224 → stem 112 → 7 at the end.
  const downAt = new Set([0, 1, 2, 3].map((k) => Math.floor((k * stages.length) / 4)));
  let width = 32;
  const init: string[] = [];
  const calls: string[] = [];
  stages.forEach((s, i) => {
    const next = pick(random, WIDTHS.filter((w) => w >= width && w <= width * 2));
    init.push(`        self.stage${i} = Stage${s}(${width}, ${next}${downAt.has(i) ? ', stride=2' : ''})`);
    calls.push(`        x = self.stage${i}(x)`);
    width = next;
  });
  return `

class BigNet(nn.Module):
    """The root model: a stem, ${stages.length} stages, a classifier."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.stem = conv_bn_0(3, 32, 3, 2)
${init.join('\n')}
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(${width}, num_classes),
        )

    def forward(self, x):
        x = self.stem(x)
${calls.join('\n')}
        return self.head(x)


def bignet(**kwargs):
    return BigNet(**kwargs)
`;
}

export function generateModel(options: GenerateOptions = {}): GeneratedModel {
  const targetLines = options.targetLines ?? 10_000;
  const random = prng(options.seed ?? 20240611);
  const rootShare = options.rootShare ?? 0.6;
  const parts = [
    '# Generated by bench/generateModel.ts: a large model file in the usual PyTorch styles.\n' +
      'import math\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n',
  ];
  let lines = 6;
  let families = 0;
  // The root adds its own lines on top: the file ends up a little over the target.
  while (lines < targetLines) {
    const text = family(families, random);
    parts.push(text);
    lines += text.split('\n').length - 1;
    families++;
  }
  const used = Array.from({ length: families }, (_, f) => f).filter(() => random() < rootShare);
  parts.push(root(used, random));
  const text = parts.join('');
  return {
    text,
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    model: 'BigNet()',
    input: [[1, 3, 224, 224]],
    classes: families * 6 + 1,
    functions: families * 2 + 1,
    stagesUsed: used.length,
    stagesDefined: families,
  };
}
