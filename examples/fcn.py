# FCN-8s (Long, Shelhamer & Darrell, "Fully Convolutional Networks for Semantic Segmentation", 2015)
# on a slim VGG-style backbone, for 21-class (PASCAL VOC) segmentation.
#
# The coarse 1/32 score map is brought back up in three learnable steps:
#   x2 (4x4 transposed conv, stride 2) + skip from pool4,
#   x2 (4x4 transposed conv, stride 2) + skip from pool3,
#   x8 (16x16 transposed conv, stride 8) back to the input resolution.
# Every kernel size is a multiple of its stride, so each output pixel receives the same number of
# kernel taps: the up-sampling overlaps evenly and paints no checkerboard.
import math

import torch
import torch.nn as nn


def conv_stage(in_channels, out_channels, num_convs):
    """`num_convs` 3x3 conv + BN + ReLU, then a 2x2 max pool that halves the resolution."""
    layers = []
    for i in range(num_convs):
        layers += [
            nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        ]
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def bilinear_kernel(channels, kernel_size):
    """Weights that make a transposed convolution start out as bilinear interpolation (as in the FCN paper)."""
    factor = math.ceil(kernel_size / 2)
    center = factor - 1 if kernel_size % 2 == 1 else factor - 0.5
    og = torch.arange(kernel_size, dtype=torch.float32)
    filt = 1 - torch.abs(og - center) / factor
    weight = torch.zeros(channels, channels, kernel_size, kernel_size)
    weight[range(channels), range(channels)] = filt[:, None] * filt[None, :]
    return weight


class VGGBackbone(nn.Module):
    """Five stages; returns the pool3 (1/8), pool4 (1/16) and pool5 (1/32) feature maps."""

    def __init__(self, widths=(32, 64, 128, 256, 256), depths=(1, 1, 2, 2, 2)):
        super().__init__()
        stages = []
        in_channels = 3
        for width, depth in zip(widths, depths):
            stages.append(conv_stage(in_channels, width, depth))
            in_channels = width
        self.stages = nn.ModuleList(stages)

    def forward(self, x):
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        return features[2], features[3], features[4]


# convlens: input=(1, 3, 256, 256)
class FCN8s(nn.Module):
    def __init__(self, num_classes=21, widths=(32, 64, 128, 256, 256), head_width=512):
        super().__init__()
        self.backbone = VGGBackbone(widths)
        # fc6 / fc7 of VGG turned into convolutions, so the net accepts any input size.
        self.head = nn.Sequential(
            nn.Conv2d(widths[4], head_width, kernel_size=7, padding=3),
            nn.ReLU(inplace=True),
            nn.Dropout2d(p=0.5),
            nn.Conv2d(head_width, head_width, kernel_size=1),
            nn.ReLU(inplace=True),
            nn.Dropout2d(p=0.5),
        )
        self.score_fr = nn.Conv2d(head_width, num_classes, kernel_size=1)
        self.score_pool4 = nn.Conv2d(widths[3], num_classes, kernel_size=1)
        self.score_pool3 = nn.Conv2d(widths[2], num_classes, kernel_size=1)

        self.upscore2 = nn.ConvTranspose2d(num_classes, num_classes, kernel_size=4, stride=2, padding=1, bias=False)
        self.upscore_pool4 = nn.ConvTranspose2d(num_classes, num_classes, kernel_size=4, stride=2, padding=1, bias=False)
        self.upscore8 = nn.ConvTranspose2d(num_classes, num_classes, kernel_size=16, stride=8, padding=4, bias=False)
        self._init_weights()

    def _init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.ConvTranspose2d):
                with torch.no_grad():
                    m.weight.copy_(bilinear_kernel(m.in_channels, m.kernel_size[0]))

    def forward(self, x):
        pool3, pool4, pool5 = self.backbone(x)
        score = self.score_fr(self.head(pool5))                 # 1/32
        score = self.upscore2(score) + self.score_pool4(pool4)  # 1/16
        score = self.upscore_pool4(score)                        # 1/8
        score += self.score_pool3(pool3)
        return self.upscore8(score)                              # 1/1


if __name__ == "__main__":
    model = FCN8s()
    out = model(torch.randn(1, 3, 256, 256))
    print(tuple(out.shape), f"{sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params")
