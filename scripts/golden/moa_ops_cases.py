"""More calls of the layer operators at the edges of their checks (transposed convolution,
pooling, padding, resize, pixel shuffle, unpool, fold/unfold, grid_sample, linear, norms), and
what real PyTorch 1.13 answers: output shapes, parameter counts, or the exception. Written to kill
mutants that StrykerJS found surviving in server/src/engine/ops; read by
test/unit/moa-ops-golden.test.ts through test/support/opsGolden.ts.

Same case format and runner as mo_ops_cases.py (imported from it). A case may also carry
`code`: the OpError code ConvLens must give for the refusal. That is ConvLens's contract, not
torch's (the meaning of each code: server/src/format/sarif.ts), and is passed through unchanged.

    /usr/bin/python3 scripts/golden/moa_ops_cases.py   # writes test/golden/torch/moa_ops.json
"""
import json
import os
import re

import torch

import mo_ops_cases as mo
from mo_ops_cases import ints

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'moa_ops.json')

CASES = []


def case(expr, *inputs, match=(), code=None):
    CASES.append({'expr': expr, 'inputs': list(inputs), 'match': list(match), **({'code': code} if code else {})})


# ---- activation.ts --------------------------------------------------------------------------------
# Every activation, softmax and dropout function form ConvLens registers, on one input each.
for f in ['F.relu', 'F.relu_', 'F.relu6', 'F.elu', 'F.elu_', 'F.selu', 'F.celu', 'F.leaky_relu', 'F.leaky_relu_',
          'F.rrelu', 'F.gelu', 'F.logsigmoid', 'F.hardshrink', 'F.tanhshrink', 'F.softsign', 'F.softplus',
          'F.softshrink', 'F.tanh', 'F.sigmoid', 'F.hardsigmoid', 'F.silu', 'F.mish', 'F.hardswish', 'F.hardtanh',
          'F.hardtanh_', 'F.dropout', 'F.dropout2d', 'F.alpha_dropout', 'F.feature_alpha_dropout',
          'torch.relu', 'torch.relu_', 'torch.sigmoid', 'torch.tanh', 'torch.selu', 'torch.celu', 'torch.sigmoid_',
          'torch.tanh_']:
    case(f"{f}(T)", [2, 3, 4])
case("F.dropout3d(T)", [1, 2, 3, 4, 5])
case("F.dropout1d(T)", [3, 4])
case("F.dropout1d(T)", [2, 3, 4, 5])
case("F.threshold(T, 0.1, 20.0)", [2, 3])
case("F.threshold_(T, 0.1, 20.0)", [2, 3])
case("torch.dropout(T, 0.2, False)", [2, 3])
case("torch.softmax(T, 1)", [2, 3])
case("torch.log_softmax(T, -1)", [2, 3])
case("F.gumbel_softmax(T)", [2, 3])
# Softmax without dim: torch picks one (a warning), every rank runs.
case("F.softmax(T)", [2, 3, 4, 5])
case("F.log_softmax(T, dim=None)", [3])
case("F.softmin(T)", [2, 3, 4])
case("nn.Softmax()(T)", [2, 3])
case("nn.LogSoftmax()(T)", [2, 3, 4])
case("nn.Softmin(dim=None)(T)", [4])
case("nn.Softmax(2)(T)", [2, 3])
case("F.softmax(T, 1.5)", [2, 3])
# GLU halves dim -1 by default: an odd last dim fails, dim 1 would not.
case("nn.GLU()(T)", [2, 4, 3], code='shape-mismatch')
# Broadcasting: a conflict on dim 1 of two operands of rank 3 or more is a channel count (README's codes).
case("torch.add(T, T)", [2, 3, 4], [2, 5, 4], code='channel-mismatch')
case("torch.add(T, T)", [2, 3, 4], [5, 4], code='shape-mismatch')
case("torch.add(T, T)", [5, 4], [2, 3, 4], code='shape-mismatch')
case("torch.mul(T, T)", [2, 3], [2, 4], code='shape-mismatch')
case("F.glu(T)", [2, 4, 3], code='shape-mismatch')
case("F.glu(T)", [2, 3, 4])
case("nn.GLU()(T)", [], code='shape-mismatch')
case("F.glu(T, 0)", [])
# PReLU with more than one parameter needs a channel dim.
case("nn.PReLU(3)(T)", [], code='shape-mismatch')
case("nn.PReLU(1)(T)", [])
case("nn.PReLU(3)(T)", [3], code='channel-mismatch')
case("nn.PReLU(3)(T)", [2, 3])
case("F.prelu(T, T)", [], [3], code='shape-mismatch')
case("torch.prelu(T, T)", [2, 3, 4], [3])
# Dropout1d takes (C, L) or (N, C, L).
case("nn.Dropout1d()(T)", [3, 4])
case("nn.Dropout1d()(T)", [2, 3, 4])
case("nn.Dropout1d()(T)", [2, 3, 4, 5], code='shape-mismatch')
case("nn.Softmax2d()(T)", [2, 3], code='shape-mismatch')
case("nn.Softmax2d()(T)", [2, 3, 4])


# ---- layerFunctions.ts: torch.conv*d / torch.conv_transpose*d (the same ops as F.*) ----------------
case("torch.conv1d(T, T)", [1, 2, 7], [3, 2, 3])
case("torch.conv2d(T, T, None, 2, 1)", [1, 2, 7, 7], [3, 2, 3, 3])
case("torch.conv3d(T, T)", [1, 2, 4, 4, 4], [3, 2, 3, 3, 3])
case("torch.conv2d(T, T)", [1, 2, 7, 7], [3, 4, 3, 3])
case("torch.conv_transpose1d(T, T)", [1, 2, 5], [2, 3, 3])
case("torch.conv_transpose2d(T, T, None, 2)", [1, 2, 5, 5], [2, 3, 4, 4])
case("torch.conv_transpose3d(T, T)", [1, 2, 3, 3, 3], [2, 3, 2, 2, 2])


# ---- bools where torch wants ints, and ints where it wants bools (torch's argument parser) -------
case("nn.Conv2d(3, 8, 3, stride=True)(T)", [1, 3, 8, 8])
case("nn.Conv2d(3, 8, True)(T)", [1, 3, 8, 8])
case("nn.MaxPool2d(2, ceil_mode=1)(T)", [1, 3, 8, 8], match=['must be bool, not int'])
case("nn.MaxPool2d(2, ceil_mode=None)(T)", [1, 3, 8, 8], match=['must be bool, not NoneType'])
case("nn.MaxPool2d(2, ceil_mode='x')(T)", [1, 3, 8, 8], match=['must be bool, not str'])
case("nn.AvgPool2d(2, count_include_pad=1.5)(T)", [1, 3, 8, 8], match=['must be bool, not float'])
case("F.avg_pool2d(T, 2, ceil_mode=(1,))", [1, 3, 8, 8], match=["argument 'ceil_mode' must be bool, not tuple"])
case("F.max_pool2d(T, 2, ceil_mode=T)", [1, 3, 8, 8], [], match=['must be bool, not Tensor'])
# Ints torch's parser reads at forward (groups), a string only Python compares.
case("nn.Conv2d(3, 4, 3, padding_mode=1)", match=['padding_mode must be one of'])
case("nn.Conv2d(3, 4, 3, groups=True)(T)", [1, 3, 8, 8], match=[])
case("nn.ConvTranspose2d(4, 4, 3, groups=True)(T)", [1, 4, 5, 5], match=['must be int, not bool'])
case("F.conv2d(T, T, groups=True)", [1, 4, 5, 5], [4, 4, 3, 3], match=[])
case("F.conv_transpose2d(T, T, groups=True)", [1, 4, 5, 5], [4, 4, 3, 3], match=["argument 'groups' must be int, not bool"])
case("nn.Conv2d(True, 4, 3)(T)", [1, 1, 5, 5])
case("nn.Linear(True, 4)(T)", [2, 1])
case("nn.MaxPool2d(True)(T)", [1, 3, 8, 8], match=['must be tuple of ints, not bool'])
case("F.max_pool2d(T, 2, True)", [1, 3, 8, 8], match=['must be tuple of ints, not bool'])
case("nn.MaxPool2d((True, 2))(T)", [1, 3, 8, 8])
case("nn.MaxPool2d((2, True))(T)", [1, 3, 8, 8])
case("nn.MaxPool2d(2, stride=(True,))(T)", [1, 3, 8, 8])
case("nn.MaxPool2d(2, padding=(1, False))(T)", [1, 3, 8, 8])
case("nn.MaxPool2d(2, ceil_mode=True)(T)", [1, 3, 7, 7])
case("F.max_pool2d(T, 2, ceil_mode=1)", [1, 3, 8, 8])
case("nn.AvgPool2d(2, count_include_pad=0)(T)", [1, 3, 8, 8])
case("F.bilinear(T, T, T, T)", [2, 3], [2, 4], [5, 3, 4], [4])
case("F.bilinear(T, T, T, T)", [2, 3], [2, 4], [5, 3, 4], [1, 5])
case("F.bilinear(T, T, T, T)", [2, 3], [2, 4], [5, 3, 4], [5, 1])
case("F.bilinear(T, T, T, T)", [2, 3], [2, 4], [5, 3, 4], [5, 2])
case("F.bilinear(T, T, T, T)", [2, 6, 3], [2, 6, 4], [5, 3, 4], [5, 1, 5])


# ---- layerArgs.ts: argument types as Python and torch read them ------------------------------------
# (A float with an integral value where torch wants an int, nn.Linear(3, 4.0), is refused by torch but
# not told apart by ConvLens, whose argument values are JavaScript numbers: a known gap, not cased.)
case("nn.Linear(3.5, 4)")
case("nn.Conv2d(3, 8, 3, groups=1.5)")
case("nn.Conv2d(3, 8, 3.5)")
case("nn.Conv2d(3, 8, (3, 2.5))")
case("nn.Conv2d(3, 8, 3, stride=1.5)(T)", [1, 3, 8, 8])
case("nn.Conv2d(3, 8, 3, stride='2')(T)", [1, 3, 8, 8])
case("nn.Upsample(scale_factor=2, mode=3)(T)", [1, 2, 4, 4])
case("nn.Conv2d(3, 8, 3, padding_mode=0)")
case("nn.Conv2d(3, 8, 3, bias='')")
case("nn.Conv2d(3, 8, 3, bias='yes')")
case("nn.Conv2d(3, 8, 3, bias=[])")
case("nn.Conv2d(3, 8, 3, bias=[0])")
case("nn.Conv2d(3, 8, 3, bias=None)")
case("nn.Conv2d(3, 8, 3, bias=0.0)")
case("nn.Linear(3, 4, bias=())")
case("nn.Linear(3, 4, bias=(0,))")
case("nn.MaxPool2d(2, return_indices='')(T)", [1, 2, 4, 4])
case("nn.MaxPool2d(2, return_indices='yes')(T)", [1, 2, 4, 4])
case("nn.MaxPool2d(2, return_indices=[1])(T)", [1, 2, 4, 4])
case("nn.MaxPool2d(2, return_indices=None)(T)", [1, 2, 4, 4])
case("nn.BatchNorm2d(4, affine='')")
case("nn.BatchNorm2d(4, affine=[1])")
case("nn.LayerNorm(4, elementwise_affine=0)")
case("nn.ReLU(inplace='')(T)", [2, 3])
case("nn.LayerNorm((3, 'a'))")
case("nn.LayerNorm(2.5)")
case("nn.LayerNorm([3, [4]])")
case("nn.LayerNorm('ab')")
case("nn.LayerNorm(4)(T)", [2, 3, 4])
case("nn.LayerNorm([3, 4])(T)", [2, 3, 4])
case("F.layer_norm(T, (3, 'a'))", [2, 3, 4])
case("F.layer_norm(T, 4)", [2, 3, 4], match=["argument 'normalized_shape' (position 2) must be tuple of ints, not int"])


# ---- convTranspose.ts ---------------------------------------------------------------------------
# Zero channels: torch builds the layer (an empty weight), refuses to run it.
case("nn.ConvTranspose2d(0, 4, 3)")
case("nn.ConvTranspose2d(4, 0, 3)")
case("nn.ConvTranspose2d(0, 4, 3)(T)", [1, 0, 5, 5], code='shape-mismatch')
# A one-element kernel tuple is not expanded: the weight is 3-D and the 2-D call fails (torch
# builds the layer; ConvLens refuses it already there).
case("nn.ConvTranspose2d(2, 2, (3,))(T)", [1, 2, 5, 5])
# output_size that is not a list of integers.
case("nn.ConvTranspose2d(2, 2, 3, stride=2)(T, output_size=11)", [1, 2, 5, 5])
case("nn.ConvTranspose2d(2, 2, 3, stride=2)(T, output_size=(12, 11.5))", [1, 2, 5, 5])
# One axis too small, the other fine.
case("nn.ConvTranspose2d(1, 1, 1, padding=(1, 0))(T)", [1, 1, 1, 1], code='shape-mismatch')
case("nn.ConvTranspose2d(1, 1, 1, padding=(0, 1))(T)", [1, 1, 1, 1], code='shape-mismatch')
# output_size outside the valid range: the shapes do not fit.
case("nn.ConvTranspose2d(2, 2, 3, stride=2)(T, output_size=(13, 11))", [1, 2, 5, 5], code='shape-mismatch')
case("nn.ConvTranspose2d(2, 2, 3, stride=2)(T, output_size=(12, 11))", [1, 2, 5, 5])
# F.conv_transpose2d: a weight of the wrong rank, groups not dividing the weight's first dim, a bias of the wrong size.
case("F.conv_transpose2d(T, T)", [1, 4, 5, 5], [4, 2, 3], code='shape-mismatch')
case("F.conv_transpose2d(T, T, groups=3)", [1, 4, 5, 5], [4, 2, 3, 3], code='channel-mismatch')
case("F.conv_transpose2d(T, T, T)", [1, 4, 5, 5], [4, 2, 3, 3], [3], code='shape-mismatch')
case("F.conv_transpose2d(T, T, T)", [1, 4, 5, 5], [4, 2, 3, 3], [2, 1], code='shape-mismatch')
case("F.conv_transpose2d(T, T, T, groups=2)", [1, 4, 5, 5], [4, 2, 3, 3], [4])
case("F.conv_transpose2d(T, T, T)", [1, 4, 5, 5], [4, 2, 3, 3], [2])
case("F.conv_transpose2d(T, T)", [1, 3, 5, 5], [4, 2, 3, 3], code='channel-mismatch')

# ---- pool.ts --------------------------------------------------------------------------------------
# An empty non-batch dimension: the input's shape does not fit.
case("nn.MaxPool2d(2)(T)", [1, 0, 4, 4], code='shape-mismatch')
case("nn.AvgPool2d(2)(T)", [2, 3, 0, 4], code='shape-mismatch')
case("nn.MaxPool2d(2)(T)", [0, 3, 4, 4])
# torch.avg_pool1d, the ATen op (stride=() means the kernel).
case("torch.avg_pool1d(T, 3)", [1, 2, 10])
case("torch.avg_pool1d(T, 3, 2, 1, True, False)", [1, 2, 10])
case("torch.avg_pool1d(T, 3, stride=(), padding=1, ceil_mode=True)", [1, 2, 10])
case("torch.avg_pool1d(T, 3, padding=2)", [1, 2, 10])
# LP pools take no padding, dilation or indices; max pools no divisor.
case("nn.LPPool2d(2, 3, stride=2, ceil_mode=True)(T)", [1, 2, 8, 8])
case("nn.LPPool1d(2, 3)(T)", [1, 2, 8])

# ---- adaptivePool.ts ------------------------------------------------------------------------------
case("nn.AdaptiveAvgPool2d(3)(T)", [2, 0, 4, 4])
case("nn.AdaptiveMaxPool2d((None, 2))(T)", [2, 3, 0, 4], code='shape-mismatch')
case("nn.AdaptiveAvgPool2d(3)(T)", [0, 3, 4, 4])
case("nn.AdaptiveMaxPool2d((None, 2), return_indices=True)(T)", [2, 3, 5, 4])
case("F.adaptive_max_pool2d_with_indices(T, (3, None))", [2, 3, 5, 4])
case("F.adaptive_max_pool1d(T, 3, True)", [2, 3, 5])
case("F.adaptive_avg_pool3d(T, (2, None, 1))", [1, 2, 5, 4, 3])
case("nn.AdaptiveAvgPool1d(2.5)(T)", [2, 3, 5])
case("nn.AdaptiveAvgPool2d((2, 2.5))(T)", [2, 3, 5, 5])
case("nn.AdaptiveAvgPool2d((2, 2, 2))(T)", [2, 3, 5, 5])
case("nn.AdaptiveAvgPool2d(-1)(T)", [2, 3, 5, 5])
case("nn.AdaptiveAvgPool2d((2, -1))(T)", [2, 3, 5, 5])

# ---- padding.ts -----------------------------------------------------------------------------------
case("nn.ConstantPad1d((-3, -2), 0.0)(T)", [1, 2, 4], code='shape-mismatch')
case("nn.ConstantPad1d((-4, 1), 0.0)(T)", [1, 2, 3], code='shape-mismatch')
case("nn.ConstantPad1d((-4, 0), 0.0)(T)", [1, 2, 4])
case("nn.ConstantPad1d((-2, -1), 0.0)(T)", [1, 2, 3])
case("nn.ConstantPad3d(1, 0.0)(T)", [4, 4], code='shape-mismatch')
case("nn.ConstantPad2d(1, 0.0)(T)", [4, 4])
case("nn.ReflectionPad2d(1)(T)", [4], code='shape-mismatch')
case("nn.ReplicationPad2d(1)(T)", [2, 1, 3, 4, 4], code='shape-mismatch')
case("nn.ReflectionPad1d(3)(T)", [1, 2, 3], code='shape-mismatch')
case("nn.ReflectionPad1d((0, 3))(T)", [1, 2, 3], code='shape-mismatch')
case("nn.ReflectionPad1d((2, 2))(T)", [1, 2, 3])
case("nn.ReflectionPad2d((1, 1, 2, 4))(T)", [1, 2, 3, 4], code='shape-mismatch')
case("nn.ReplicationPad1d((-2, -2))(T)", [1, 2, 3], code='shape-mismatch')
case("nn.ReplicationPad1d((-1, -1))(T)", [1, 2, 3])
case("nn.ReplicationPad2d((0, 0, -2, -1))(T)", [1, 2, 3, 3])
case("nn.ReflectionPad1d((-1, 1))(T)", [1, 2, 5])
case("nn.ZeroPad2d((1, 2, 0, 3))(T)", [1, 2, 5, 5])
case("nn.ReplicationPad1d(3)(T)", [1, 2, 3])
case("nn.ReplicationPad2d((0, 0, -5, 1))(T)", [1, 2, 3, 3], code='shape-mismatch')
case("nn.ReflectionPad2d(1)(T)", [2, 3, 3])
case("nn.ReplicationPad3d(1)(T)", [2, 3, 3, 3])
# A one-element tuple is not expanded (torch: the pad length must be divisible by 2).
case("nn.ConstantPad2d((1,), 0.0)(T)", [1, 2, 3, 3])
case("nn.ReflectionPad2d((1,))(T)", [1, 2, 3, 3])
case("nn.ReflectionPad2d((1, 2, 2, 1))(T)", [1, 2, 2, 4], code='shape-mismatch')
case("nn.ReflectionPad2d((3, 1, 1, 1))(T)", [1, 2, 4, 3], code='shape-mismatch')

case("nn.AdaptiveAvgPool2d(2)(T)", [2, 3, 0, 4], code='shape-mismatch')
case("nn.AdaptiveAvgPool2d(2)(T)", [3, 4, 0], code='shape-mismatch')
case("nn.AdaptiveAvgPool1d(2)(T)", [2, 0, 4])
case("nn.AdaptiveAvgPool1d(2)(T)", [2, 3, 0], code='shape-mismatch')
case("nn.AdaptiveAvgPool3d(2)(T)", [2, 0, 4, 4, 4], code='shape-mismatch')
case("nn.AdaptiveMaxPool2d(2)(T)", [2, 0, 4, 4], code='shape-mismatch')
case("nn.AdaptiveMaxPool1d(2)(T)", [2, 0, 4], code='shape-mismatch')
case("nn.AdaptiveAvgPool2d((0, 2))(T)", [1, 2, 5, 4])

# ---- pixelShuffle.ts ------------------------------------------------------------------------------
# Channels not divisible: the channel count does not fit; too few dims: the shape does not fit.
case("F.pixel_shuffle(T, 2)", [4, 4], code='shape-mismatch')
case("F.pixel_shuffle(T, 2)", [1, 6, 3, 3], code='channel-mismatch')
case("F.pixel_shuffle(T, 2)", [8, 3, 3])
case("F.pixel_shuffle(T, 2)", [2, 1, 8, 3, 3])
case("torch.pixel_shuffle(T, 3)", [1, 18, 2, 3])
case("nn.PixelShuffle(2)(T)", [1, 8, 2, 3])
case("F.pixel_unshuffle(T, 2)", [4, 4], code='shape-mismatch', match=['at least 3 dimensions'])
case("F.pixel_unshuffle(T, 2)", [1, 2, 3, 4], code='shape-mismatch')
case("F.pixel_unshuffle(T, 2)", [1, 2, 4, 3], code='shape-mismatch')
case("torch.pixel_unshuffle(T, 2)", [1, 2, 4, 6])
case("nn.PixelUnshuffle(3)(T)", [2, 6, 9])
case("F.channel_shuffle(T, 2)", [4, 4], code='shape-mismatch')
case("F.channel_shuffle(T, 2)", [1, 3, 4, 4], code='channel-mismatch')
case("torch.channel_shuffle(T, 3)", [2, 6, 4, 4])
case("nn.ChannelShuffle(2)(T)", [2, 4, 5])
case("F.pixel_shuffle(T, 0)", [1, 4, 3, 3], match=['positive upscale_factor'])
case("F.pixel_shuffle(T, -1)", [1, 4, 3, 3])
case("F.pixel_unshuffle(T, 0)", [1, 4, 4, 4], match=['positive downscale_factor'])
case("F.pixel_unshuffle(T, -2)", [1, 4, 4, 4])
case("F.channel_shuffle(T, 0)", [1, 4, 3, 3], match=['groups to divide channels in must be positive'])
case("F.channel_shuffle(T, -2)", [1, 4, 3, 3])
case("F.pixel_shuffle(T, 1)", [1, 5, 3, 3])
case("F.pixel_unshuffle(T, 1)", [1, 5, 3, 3])
case("F.channel_shuffle(T, 1)", [1, 5, 3, 3])

# ---- unpool.ts ------------------------------------------------------------------------------------
case("nn.MaxUnpool2d(2)(T, T)", [1, 2, 3, 3], ints([1, 2, 3, 4]), code='shape-mismatch')
case("nn.MaxUnpool2d(2)(T, T)", [1, 2, 3, 3], ints([2, 3, 3]), code='shape-mismatch')
case("nn.MaxUnpool2d(2)(T, T)", [1, 2, 3, 3], ints([1, 2, 3, 3]))
case("nn.MaxUnpool2d(2)(T, T, output_size=(8, 6))", [1, 2, 3, 3], ints([1, 2, 3, 3]), code='shape-mismatch')
case("nn.MaxUnpool2d(2)(T, T, output_size=(6, 4))", [1, 2, 3, 3], ints([1, 2, 3, 3]), code='shape-mismatch')
case("nn.MaxUnpool2d(2)(T, T, output_size=(7, 5))", [1, 2, 3, 3], ints([1, 2, 3, 3]))
case("nn.MaxUnpool2d(2)(T, T, output_size=(1, 2, 5, 7))", [1, 2, 3, 3], ints([1, 2, 3, 3]))
case("nn.MaxUnpool2d(2)(T, T, output_size=(2, 5, 7))", [1, 2, 3, 3], ints([1, 2, 3, 3]), match=['output_size should be a sequence containing 2 or 4 elements'])
case("nn.MaxUnpool2d(2)(T, T, output_size=(6, 6.5))", [1, 2, 3, 3], ints([1, 2, 3, 3]))
case("nn.MaxUnpool2d(2)(T, T, output_size=6)", [1, 2, 3, 3], ints([1, 2, 3, 3]))
case("nn.MaxUnpool2d(2, padding=1)(T, T)", [1, 2, 1, 1], ints([1, 2, 1, 1]))
case("nn.MaxUnpool2d(1, padding=1)(T, T)", [1, 2, 1, 1], ints([1, 2, 1, 1]), code='shape-mismatch')
case("nn.MaxUnpool1d(3, stride=2, padding=1)(T, T)", [1, 2, 4], ints([1, 2, 4]))
case("nn.MaxUnpool2d(2)(T, T)", [1, 2, 3, 3], ints([1, 2, 3]), code='shape-mismatch')
case("nn.MaxUnpool2d((1, 2), padding=(1, 0))(T, T)", [1, 2, 1, 1], ints([1, 2, 1, 1]), code='shape-mismatch')
# (torch 1.13 also runs kernel_size=0 and stride<=0 by the same formula; ConvLens refuses those
# degenerate layers, so they are not cases here.)
case("nn.MaxUnpool2d(-1)(T, T)", [1, 2, 3, 3], ints([1, 2, 3, 3]))
case("F.max_unpool3d(T, T, 2, stride=(1, 2, 2))", [1, 2, 3, 3, 3], ints([1, 2, 3, 3, 3]))

# ---- im2col.ts ------------------------------------------------------------------------------------
case("F.unfold(T, 2)", [2, 3], code='shape-mismatch')
case("F.unfold(T, 2)", [1, 0, 4, 4], code='shape-mismatch')
case("F.unfold(T, 2)", [1, 2, 4, 0], code='shape-mismatch')
case("F.unfold(T, 2)", [0, 2, 4, 4])
case("F.unfold(T, 2)", [2, 4, 4])
case("F.unfold(T, 5)", [1, 2, 4, 4], code='shape-mismatch')
case("F.unfold(T, (5, 1))", [1, 2, 4, 4], code='shape-mismatch')
case("F.unfold(T, (1, 5))", [1, 2, 4, 4], code='shape-mismatch')
case("F.unfold(T, (1, 4), dilation=(1, 1), padding=(0, 0), stride=(1, 2))", [1, 2, 4, 4])
for bad in ["(0, 2)", "(2, 0)"]:
    case(f"F.unfold(T, {bad})", [1, 2, 4, 4], code='invalid-argument')
    case(f"F.fold(T, (4, 4), {bad})", [1, 4, 9], code='invalid-argument')
for arg in ['dilation', 'stride']:
    for bad in ["(0, 1)", "(1, 0)"]:
        case(f"F.unfold(T, 2, {arg}={bad})", [1, 2, 4, 4], code='invalid-argument')
for bad in ["(-1, 0)", "(0, -1)"]:
    case(f"F.unfold(T, 2, padding={bad})", [1, 2, 4, 4], code='invalid-argument')
case("F.fold(T, (4, 4), 2)", [4, 9])
case("F.fold(T, (4, 4), 2)", [1, 4, 0], code='shape-mismatch')
case("F.fold(T, (4, 4), 2)", [1, 0, 9], code='shape-mismatch')
case("F.fold(T, (4, 4), 2)", [4], code='shape-mismatch')
case("F.fold(T, (4, 4), 2)", [1, 5, 9], code='shape-mismatch')
case("F.fold(T, (4, 4), 2)", [1, 4, 8], code='shape-mismatch')
case("F.fold(T, (1, 4), 2)", [1, 4, 0], code='shape-mismatch')
case("F.fold(T, (1, 4), 2)", [1, 4, 3], code='shape-mismatch')
case("F.fold(T, (4, 1), 2)", [1, 4, 3], code='shape-mismatch')
case("F.fold(T, (4, 5), (2, 3), stride=(2, 1))", [2, 12, 6])
case("F.fold(T, (2, 4), 2)", [1, 4, 3])
case("F.fold(T, (4, 2), 2)", [1, 4, 3])
case("F.fold(T, (1, 1), 4)", [1, 16, 4], code='shape-mismatch')
case("F.unfold(T, (4, 1))", [1, 2, 4, 4])
case("F.unfold(T, (1, 4))", [1, 2, 4, 4])
case("nn.Fold((4, 5), 2, padding=(1, 0))(T)", [1, 8, 20])
case("nn.Unfold(2, padding=(1, 0))(T)", [1, 2, 4, 4])
# Refusals that come from reading the arguments: the message names the op.
case("nn.Unfold((1, 2, 3))(T)", [1, 2, 4, 4])
case("nn.Unfold(2)(2)")
case("nn.Unfold(2)(T)", [2, 3], code='shape-mismatch')
case("nn.Fold((4, 4), 2)(T)", [1, 5, 9], code='shape-mismatch')
case("nn.Fold((4,), 2)(T)", [1, 4, 9])
case("nn.Fold((4, 4), 2)(2)")
case("F.unfold(T, (1, 2, 3))", [1, 2, 4, 4])
case("F.fold(T, (4,), 2)", [1, 4, 9])
# A one-element list is not expanded (ConvLens expanded them: a shape where torch refuses).
for arg in ['dilation', 'padding', 'stride']:
    case(f"F.unfold(T, 2, {arg}=(1,))", [1, 2, 4, 4])
    case(f"F.fold(T, (4, 4), 2, {arg}=(1,))", [1, 4, 9])
case("F.unfold(T, (2,))", [1, 2, 4, 4])
case("F.fold(T, (4, 4), (2,))", [1, 4, 9])

# ---- resize.ts ------------------------------------------------------------------------------------
case("F.interpolate(T, scale_factor=float('nan'))", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=1e10)", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=(2, float('nan')))", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=2, mode='bilinear')", [1, 2, 3], match=['bilinear mode needs 4D input'], code='shape-mismatch')
case("F.interpolate(T, scale_factor=2, mode='linear')", [1, 2, 3, 3], match=['linear mode needs 3D input'], code='shape-mismatch')
case("F.interpolate(T, scale_factor=2, mode='trilinear')", [1, 2, 3, 3], match=['trilinear mode needs 5D input'], code='shape-mismatch')
case("F.interpolate(T, scale_factor=2)", [1, 2, 3, 3, 3, 3], match=['3D, 4D and 5D input'])
case("F.interpolate(T, scale_factor=(1, 1e10))", [1, 2, 3, 4])
case("F.interpolate(T, size=(4, 5, 6))", [1, 2, 9, 7], match=['and output size of'])
case("F.interpolate(T, scale_factor=(2, 3, 4))", [1, 2, 9, 7], match=['and scale_factor of shape'])
case("F.interpolate(T, size=(0, 4))", [1, 2, 3, 4], match=['sizes should be greater than 0, but got input'], code='shape-mismatch')
case("F.interpolate(T, size=(4, None))", [1, 2, 3, 4])
case("F.upsample_bilinear(T, scale_factor=2)", [1, 2, 3, 4])
case("F.upsample_nearest(T, size=(5, 6))", [1, 2, 3, 4])
case("nn.UpsamplingBilinear2d(size=(5, 7))(T)", [1, 2, 3, 4])

# ---- gridSample.ts --------------------------------------------------------------------------------
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5, 5], [1, 4, 4, 2], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5, 5], [2, 4, 4, 4, 2], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5, 5], [2, 4, 4, 2, 2], code='shape-mismatch')
case("F.affine_grid(T, (2, 3, 0, 6), align_corners=False)", [2, 2, 3], code='invalid-argument')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5], [2, 4, 2], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5, 5], [2, 4, 4, 3], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5, 5, 5], [2, 4, 4, 4, 2], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 0, 5], [2, 4, 4, 2], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 5, 0], [2, 4, 4, 2], code='shape-mismatch')
case("F.grid_sample(T, T, align_corners=False)", [2, 0, 5, 5], [2, 4, 4, 2])
case("F.grid_sample(T, T, mode='bicubic', align_corners=False)", [2, 3, 5, 5, 5], [2, 4, 4, 4, 3], code='invalid-argument')
case("F.grid_sample(T, T, mode='bicubic', align_corners=False)", [2, 3, 5, 5], [2, 4, 6, 2])
case("F.grid_sample(T, T, mode='nearest', padding_mode='border', align_corners=True)", [2, 3, 5, 5, 5], [2, 4, 6, 7, 3])
case("F.grid_sample(T, T, mode='area', align_corners=False)", [2, 3, 5, 5], [2, 4, 6, 2], code='invalid-argument')
case("F.grid_sample(T, T, padding_mode='wrap', align_corners=False)", [2, 3, 5, 5], [2, 4, 6, 2], code='invalid-argument')
case("F.grid_sample(T, T, padding_mode='reflection', align_corners=False)", [2, 3, 5, 5], [2, 4, 6, 2])
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 2, 3])
case("F.affine_grid(T, (2, 3, 4, 5, 6), align_corners=False)", [2, 3, 4])
case("F.affine_grid(T, (2, 3, 5), align_corners=False)", [2, 2, 3], code='unsupported')
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 2, 3, 1], code='shape-mismatch')
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 3, 3], code='shape-mismatch')
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 2, 4], code='shape-mismatch')
case("F.affine_grid(T, (2, 3, 5, -6), align_corners=False)", [2, 2, 3], code='invalid-argument')
case("F.affine_grid(T, (3, 3, 5, 6), align_corners=False)", [2, 2, 3], code='shape-mismatch')

# ---- linear.ts ------------------------------------------------------------------------------------
case("nn.Linear(4, 3)(T)", [], code='shape-mismatch')
case("nn.Linear(4, 3)(T)", [2, 5], code='channel-mismatch')
case("nn.Linear(4, 3)(T)", [4])
case("F.linear(T, T)", [2, 4], [3, 4, 1], code='shape-mismatch')
case("F.linear(T, T)", [2, 4], [4])
case("F.linear(T, T)", [2, 5], [3, 4], code='channel-mismatch')
case("nn.Bilinear(3, 4, 5)(T, T)", [], [4], code='shape-mismatch')
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 2], [2, 4], code='channel-mismatch')
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 3], [2, 3], code='channel-mismatch')
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 3], [3, 4], code='shape-mismatch')
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 1, 3], [2, 4], code='shape-mismatch')
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 3], [2, 1, 4], code='shape-mismatch')
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 3], [], code='shape-mismatch')
case("nn.Bilinear(3, 4, 5, bias=False)(T, T)", [2, 6, 3], [2, 6, 4])
case("F.bilinear(T, T, T)", [2, 3], [2, 4], [5, 3], code='shape-mismatch')
case("F.bilinear(T, T, T, T)", [2, 3], [2, 4], [5, 3, 4], [5])

# ---- norm.ts --------------------------------------------------------------------------------------
case("nn.BatchNorm2d(4)(T)", [2, 4, 5], code='shape-mismatch')
case("nn.BatchNorm2d(4)(T)", [2, 3, 5, 5], code='channel-mismatch')
case("nn.BatchNorm1d(4)(T)", [2, 4])
case("nn.BatchNorm1d(4)(T)", [2, 4, 7])
case("nn.BatchNorm1d(4)(T)", [4], code='shape-mismatch')
case("nn.BatchNorm2d(4, affine=False, track_running_stats=False)(T)", [2, 3, 5, 5])
case("nn.BatchNorm2d(4, affine=False)(T)", [2, 3, 5, 5], code='channel-mismatch')
case("nn.BatchNorm2d(4, track_running_stats=False)(T)", [2, 3, 5, 5], code='channel-mismatch')
case("nn.InstanceNorm2d(4, affine=True)(T)", [2, 3, 5, 5], code='channel-mismatch')
case("nn.GroupNorm(2, 4)(T)", [4], code='shape-mismatch')
case("nn.GroupNorm(2, 4)(T)", [2, 6, 5], code='channel-mismatch')
case("F.group_norm(T, 4)", [2, 6, 5], code='channel-mismatch')
case("F.group_norm(T, 3)", [2, 6, 5])
case("F.group_norm(T, 0)", [2, 6, 5], code='invalid-argument')
case("F.group_norm(T, 3, T)", [2, 6, 5], [5], code='channel-mismatch')
case("nn.LayerNorm(5)(T)", [2, 4], code='channel-mismatch')
case("nn.LayerNorm((4, 5))(T)", [2, 4, 6], code='shape-mismatch')
case("nn.LayerNorm((3, 4, 5))(T)", [4, 5], code='shape-mismatch')
case("F.layer_norm(T, (4, 5), T)", [2, 4, 5], [5, 4], code='shape-mismatch')
case("F.layer_norm(T, (4, 5), None, T)", [2, 4, 5], [4], code='shape-mismatch')
case("nn.LocalResponseNorm(2)(T)", [2, 4], code='shape-mismatch')
case("nn.LocalResponseNorm(2)(T)", [2, 4, 3])
case("F.batch_norm(T, T, T)", [4], [4], [4], code='shape-mismatch')
case("F.batch_norm(T, T, T)", [2, 4, 3], [3], [4], code='channel-mismatch')
case("F.batch_norm(T, T, T, T, T)", [2, 4, 3], [4], [4], [4], [3], code='channel-mismatch')
case("F.batch_norm(T, T, T, T, T)", [2, 4, 3], [4], [4], [2, 2], [4, 1])
case("F.batch_norm(T, T, T)", [2, 4, 3], [4], [4, 1], code='channel-mismatch')
case("F.batch_norm(T, T, T, T)", [2, 4, 3], [4], [4], [2, 3], code='channel-mismatch')
case("F.instance_norm(T)", [4], code='shape-mismatch')
case("F.instance_norm(T, weight=T)", [2, 4, 3], [3], code='channel-mismatch')

# ---- padFunction.ts (F.pad) ------------------------------------------------------------------------
# torch's own messages where ConvLens words its refusal the same way.
case("F.pad(T, (1, 1), mode='circular')", [2, 5], match=['Invalid padding size, expected 0 but got 2'])
case("F.pad(T, (1, 1, 1, 1), mode='circular')", [2, 5, 5], match=['Invalid padding size, expected 2 but got 4'])
case("F.pad(T, (1, 1), mode='circular')", [5], match=['Only 2D, 3D, 4D, 5D padding with non-constant padding are supported'])
case("F.pad(T, (1, 1), mode='reflect')", [5], match=['Only 2D, 3D, 4D, 5D padding with non-constant padding are supported'])
case("F.pad(T, (1, 1, 1, 1, 1, 1, 1, 1), mode='replicate')", [1, 1, 2, 2, 2, 2], match=['Only 2D, 3D, 4D, 5D padding with non-constant padding are supported'])
case("F.pad(T, (-1, -2, 1, 1))", [1, 1, 3, 3], match=['The input size 3, plus negative padding -1 and -2 resulted in a', 'Check dimension 3 of'])
for pads, shape in [((1,), [1, 2, 4]), ((1, 1, 1), [1, 2, 4]), ((1, 1, 1, 1, 1, 1, 1, 1), [1, 2, 4]), ((-3, -2), [1, 2, 4]),
                    ((-4, 0), [1, 2, 4]), ((-4, 1), [1, 2, 4]), ((1, 1), [])]:
    case(f"F.pad(T, {pads})", shape)
for mode in ['reflect', 'replicate', 'circular']:
    for pads, shape in [((1, 1), [1, 2, 4]), ((1, 1), [2, 4]), ((1, 1), [4]), ((1, 1, 1, 1), [1, 2, 4]), ((1, 1, 1, 1), [1, 2, 4, 4]),
                        ((4, 0), [1, 2, 4]), ((0, 4), [1, 2, 4]), ((5, 0), [1, 2, 4]), ((-1, 2), [1, 2, 4]), ((-2, -2), [1, 2, 4]),
                        ((1, 1, 1, 1, 1, 1), [1, 2, 4, 4, 4]), ((1, 1, 1, 1, 1, 1, 1, 1), [1, 2, 4, 4, 4])]:
        case(f"F.pad(T, {pads}, mode='{mode}')", shape)
case("F.pad(T, (1, 1), mode='reflect', value=2.0)", [1, 2, 4])
case("F.pad(T, (1, 1), mode='constant', value=2.0)", [1, 2, 4])
case("F.pad(T, (1, 1), mode='wrap')", [1, 2, 4])


def transposed_macs(c):
    """DESIGN.md's MACs of a transposed convolution: input elements · (C_out/groups) · prod(kernel),
    from the weight torch builds (the module's, or the call's second tensor)."""
    gen = torch.Generator().manual_seed(0)
    tensors = [mo.make_input(s, gen) for s in c['inputs']]
    if c['expr'].startswith('nn.'):
        it = iter(range(len(tensors)))
        src = re.sub(r'\bT\b', lambda _m: f'_t[{next(it)}]', c['expr'])
        weight = eval(src.split(')(')[0] + ')', {'nn': mo.nn, '_t': tensors}).weight
    else:
        weight = tensors[1]
    return tensors[0].numel() * weight.shape[1] * weight[0, 0].numel()


def main():
    results = []
    for c in CASES:
        r = mo.run(c)
        # mo_ops_cases.py counts MACs of linear layers only (0 for every op of its own cases).
        if 'macs' in r:
            if re.match(r'(nn\.ConvTranspose|F\.conv_transpose)', c['expr']):
                r['macs'] = transposed_macs(c)
            elif not re.match(r'(nn\.(Linear|Bilinear)|F\.(linear|bilinear))', c['expr']):
                del r['macs']
        if 'code' in c:
            if 'error' not in r:
                mo.PROBLEMS.append(f"{c['expr']}: a code for a call torch accepts")
            r['code'] = c['code']
        results.append(r)
    exprs = [(r['expr'], json.dumps(r['inputs'])) for r in results]
    assert len(set(exprs)) == len(exprs), 'duplicate cases'
    assert not mo.PROBLEMS, '\n'.join(mo.PROBLEMS)
    with open(OUT, 'w') as f:
        json.dump({'generator': f'scripts/golden/moa_ops_cases.py, torch {torch.__version__}', 'cases': results}, f, indent=0)
        f.write('\n')
    print(f'{len(results)} cases, {sum("error" in r for r in results)} errors -> {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
