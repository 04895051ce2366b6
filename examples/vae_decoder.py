# Three ways to go from a latent code back to an image, and a dilated context block.
#
# DeconvDecoder: 3x3 transposed convolutions with stride 2. The kernel size is not a multiple of the
#   stride, so along each axis even output pixels receive 1 kernel tap and odd ones 2 (in 2-D: 1, 2 and
#   4 taps): the uneven overlap that paints a checkerboard (Odena, Dumoulin & Olah, 2016).
# SmoothDecoder: resize-convolution (nearest up-sampling, then a 3x3 conv) and sub-pixel convolution
#   (a conv to 4x the channels, then PixelShuffle(2)); neither overlaps unevenly.
# DilatedContext: three 3x3 convolutions with dilations 2, 4 and 8. All dilations share the factor 2,
#   so the stack only ever reads every other input pixel: the "gridding" problem (Wang et al., 2018).
import torch
from torch import nn
import torch.nn.functional as F


# convlens: input=(2, 64)
class DeconvDecoder(nn.Module):
    def __init__(self, latent_dim=64, base_channels=256, num_ups=4, out_channels=3):
        super().__init__()
        self.base_channels = base_channels
        self.fc = nn.Linear(latent_dim, base_channels * 4 * 4)
        layers = []
        channels = base_channels
        for _ in range(num_ups):  # 4 -> 8 -> 16 -> 32 -> 64
            layers += [
                nn.ConvTranspose2d(channels, channels // 2, kernel_size=3, stride=2, padding=1, output_padding=1),
                nn.BatchNorm2d(channels // 2),
                nn.ReLU(inplace=True),
            ]
            channels //= 2
        self.deconvs = nn.Sequential(*layers)
        self.to_rgb = nn.Conv2d(channels, out_channels, kernel_size=3, padding=1)

    def forward(self, z):
        x = self.fc(z)
        x = x.view(z.size(0), -1, 4, 4)
        x = self.deconvs(x)
        return torch.tanh(self.to_rgb(x))


class UpBlock(nn.Module):
    """x2 up-sampling without uneven overlap: 'resize' (nearest + conv) or 'pixelshuffle' (conv + PixelShuffle)."""

    def __init__(self, in_channels, out_channels, mode="resize"):
        super().__init__()
        self.mode = mode
        if mode == "resize":
            self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)
            self.shuffle = nn.Identity()
        elif mode == "pixelshuffle":
            self.conv = nn.Conv2d(in_channels, out_channels * 4, kernel_size=3, padding=1)
            self.shuffle = nn.PixelShuffle(2)
        else:
            raise ValueError(f"unknown up-sampling mode {mode!r}")
        self.norm = nn.BatchNorm2d(out_channels)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        if self.mode == "resize":
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = self.shuffle(self.conv(x))
        return self.act(self.norm(x))


# convlens: input=(2, 64)
class SmoothDecoder(nn.Module):
    def __init__(self, latent_dim=64, base_channels=256, out_channels=3,
                 modes=("resize", "pixelshuffle", "resize", "pixelshuffle")):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(latent_dim, base_channels * 16), nn.ReLU(inplace=True))
        self.unflatten = nn.Unflatten(1, (base_channels, 4, 4))
        blocks = []
        channels = base_channels
        for mode in modes:
            blocks.append(UpBlock(channels, channels // 2, mode=mode))
            channels //= 2
        self.blocks = nn.Sequential(*blocks)
        self.to_rgb = nn.Conv2d(channels, out_channels, kernel_size=3, padding=1)

    def forward(self, z):
        x = self.unflatten(self.fc(z))
        x = self.blocks(x)
        return torch.tanh(self.to_rgb(x))


# convlens: input=(1, 64, 32, 32)
class DilatedContext(nn.Module):
    """Context module in the style of DeepLab / dilated ResNets; padding = dilation keeps the size."""

    def __init__(self, channels=64, dilations=(2, 4, 8)):
        super().__init__()
        self.convs = nn.ModuleList([
            nn.Sequential(
                nn.Conv2d(channels, channels, kernel_size=3, padding=d, dilation=d, bias=False),
                nn.BatchNorm2d(channels),
                nn.ReLU(inplace=True),
            )
            for d in dilations
        ])
        self.project = nn.Conv2d(channels, channels, kernel_size=1)

    def forward(self, x):
        identity = x
        for conv in self.convs:
            x = conv(x)
        return F.relu(self.project(x) + identity)
