# PSPNet (Zhao et al., "Pyramid Scene Parsing Network", 2017) on torchvision's ResNet-50, the way
# segmentation code is usually written: an installed backbone with ImageNet weights, its last two
# strides replaced by dilation (output stride 8), cut before its pooling and classifier.
#
# ConvLens reads torchvision from the Python environment it finds (here Debian's
# /usr/lib/python3/dist-packages; see "Imports and installed libraries" in the README). The weights
# are never loaded: they change no shape.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import models


class PyramidPooling(nn.Module):
    """Average-pool the feature map to 1x1, 2x2, 3x3 and 6x6, reduce, up-sample and concatenate."""

    def __init__(self, in_channels, bins=(1, 2, 3, 6)):
        super().__init__()
        reduced = in_channels // len(bins)
        self.stages = nn.ModuleList(
            nn.Sequential(
                nn.AdaptiveAvgPool2d(b),
                nn.Conv2d(in_channels, reduced, 1, bias=False),
                nn.BatchNorm2d(reduced),
                nn.ReLU(inplace=True),
            )
            for b in bins
        )

    def forward(self, x):
        size = x.shape[2:]
        pooled = [F.interpolate(stage(x), size, mode='bilinear', align_corners=False) for stage in self.stages]
        return torch.cat([x] + pooled, dim=1)


# convlens: input=(1, 3, 473, 473)
class PSPNet(nn.Module):
    def __init__(self, num_classes=21):
        super().__init__()
        resnet = models.resnet50(weights=models.ResNet50_Weights.DEFAULT,
                                 replace_stride_with_dilation=[False, True, True])
        self.backbone = nn.Sequential(*list(resnet.children())[:-2])
        self.ppm = PyramidPooling(2048)
        self.head = nn.Sequential(
            nn.Conv2d(4096, 512, 3, padding=1, bias=False),
            nn.BatchNorm2d(512),
            nn.ReLU(inplace=True),
            nn.Dropout2d(0.1),
            nn.Conv2d(512, num_classes, 1),
        )

    def forward(self, x):
        size = x.shape[2:]
        features = self.backbone(x)
        logits = self.head(self.ppm(features))
        return F.interpolate(logits, size, mode='bilinear', align_corners=False)
