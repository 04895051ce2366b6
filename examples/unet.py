# U-Net (Ronneberger, Fischer & Brox, 2015) with "same" padding, in the style of most PyTorch ports.
#
# The encoder halves the resolution four times with 2x2 max pooling, which floors odd sizes
# (161 -> 80 -> 40 -> 20 -> 10). The decoder doubles it again (10 -> 20 -> 40 -> 80 -> 160), so on the
# way up a feature map can be one pixel smaller than the skip connection it is concatenated with;
# Up.forward pads it with F.pad before torch.cat.
import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Module):
    """(3x3 conv => BN => ReLU) * 2"""

    def __init__(self, in_channels, out_channels, mid_channels=None):
        super().__init__()
        mid_channels = mid_channels or out_channels
        self.block = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(mid_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.block(x)


class Down(nn.Module):
    """Max pool, then DoubleConv."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.pool = nn.MaxPool2d(2)
        self.conv = DoubleConv(in_channels, out_channels)

    def forward(self, x):
        return self.conv(self.pool(x))


class Up(nn.Module):
    """Up-sample x2, pad to the skip's size, concatenate the skip, DoubleConv."""

    def __init__(self, in_channels, out_channels, bilinear=False):
        super().__init__()
        if bilinear:
            # Resize + conv: no learnable up-sampling, channels are reduced by the DoubleConv instead.
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
            self.conv = DoubleConv(in_channels, out_channels, in_channels // 2)
        else:
            # k=2, s=2: every output pixel gets exactly one kernel tap (even overlap).
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_channels, out_channels)

    def forward(self, x, skip):
        x = self.up(x)
        diff_y = skip.size(2) - x.size(2)
        diff_x = skip.size(3) - x.size(3)
        x = F.pad(x, [diff_x // 2, diff_x - diff_x // 2, diff_y // 2, diff_y - diff_y // 2])
        x = torch.cat([skip, x], dim=1)
        return self.conv(x)


# convlens: input=(1, 3, 161, 241)
class UNet(nn.Module):
    def __init__(self, in_channels=3, num_classes=2, base_width=32, depth=4, bilinear=False):
        super().__init__()
        widths = [base_width * 2 ** i for i in range(depth + 1)]
        factor = 2 if bilinear else 1

        self.stem = DoubleConv(in_channels, widths[0])
        self.downs = nn.ModuleList()
        for i in range(depth):
            out_channels = widths[i + 1] // factor if i == depth - 1 else widths[i + 1]
            self.downs.append(Down(widths[i], out_channels))

        self.ups = nn.ModuleList()
        for i in reversed(range(depth)):
            out_channels = widths[i] // factor if i > 0 else widths[0]
            self.ups.append(Up(widths[i + 1], out_channels, bilinear))

        self.head = nn.Conv2d(widths[0], num_classes, kernel_size=1)

    def forward(self, x):
        x = self.stem(x)
        skips = [x]
        for down in self.downs:
            x = down(x)
            skips.append(x)
        skips.pop()  # the bottleneck output is not a skip connection
        for up, skip in zip(self.ups, reversed(skips)):
            x = up(x, skip)
        return self.head(x)


# convlens: input=(1, 1, 97, 130)
class BilinearUNet(UNet):
    """Single-channel variant that up-samples with bilinear resizing instead of transposed convolutions."""

    def __init__(self, num_classes=1):
        super().__init__(in_channels=1, num_classes=num_classes, base_width=16, bilinear=True)
