"""Hand-picked calls of the shape-only operators (resize, pixel shuffle, linear, norms, cat/stack,
flatten, embedding, max-unpool, fold/unfold, diff/repeat_interleave, grid_sample) at the edges of
their checks, and what real PyTorch answers: output shapes, parameter counts, or the exception and
its message. Written to kill mutants that StrykerJS found surviving in server/src/engine/ops
(test/unit/mo-ops-golden.test.ts reads the file).

Each case is an expression over `nn`, `F`, `torch` with `T` placeholders for its input tensors,
taken in order from `inputs` (a shape, or {"shape", "values"} for an integer tensor whose values
matter, or {"shape", "dtype": "long"} for indices). `match` lists substrings that torch's message
contains and ConvLens's must contain too (the script checks torch's side here).

    /usr/bin/python3 scripts/golden/mo_ops_cases.py   # writes test/golden/torch/mo_ops.json
"""
import json
import os
import re
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'mo_ops.json')

CASES = []
PROBLEMS = []


def case(expr, *inputs, match=()):
    CASES.append({'expr': expr, 'inputs': list(inputs), 'match': list(match)})


def ints(shape, values=None):
    return {'shape': shape, 'dtype': 'long', **({'values': values} if values is not None else {})}


# ---- resize (F.interpolate, nn.Upsample, ...) ----------------------------------------------------
case("F.interpolate(T, scale_factor=2, mode='nearest', align_corners=False)", [1, 2, 5, 5], match=['align_corners'])
case("F.interpolate(T, scale_factor=2, mode='area', align_corners=True)", [1, 2, 5, 5], match=['align_corners'])
case("F.interpolate(T, scale_factor=2, mode='nearest-exact', align_corners=False)", [1, 2, 5, 5], match=['align_corners'])
case("F.interpolate(T, scale_factor=2, mode='bilinear', align_corners=True)", [1, 2, 5, 7])
case("F.interpolate(T, scale_factor=2, mode='bilinear', align_corners=False)", [1, 2, 5, 7])
case("F.interpolate(T, scale_factor=2, mode='bilinear')", [1, 2, 5])
case("F.interpolate(T, scale_factor=2, mode='linear')", [1, 2, 5, 5])
case("F.interpolate(T, scale_factor=2, mode='trilinear')", [1, 2, 5, 5])
case("F.interpolate(T, scale_factor=2, mode='trilinear')", [1, 2, 3, 4, 5])
case("F.interpolate(T, scale_factor=2, mode='bicubic')", [1, 2, 3, 4, 5])
case("F.interpolate(T, scale_factor=2)", [2, 5])
case("F.interpolate(T, scale_factor=2)", [1, 1, 2, 2, 2, 2])
case("F.interpolate(T, scale_factor=2, mode='area')", [1, 1, 2, 2, 2, 2])
case("F.interpolate(T, scale_factor=2)", [1, 2, 3])
case("F.interpolate(T, scale_factor=2)", [1, 2, 3, 4, 5])
case("F.interpolate(T, size=4, scale_factor=2)", [1, 2, 3, 3], match=['only one of size or scale_factor should be defined'])
case("F.interpolate(T)", [1, 2, 3, 3], match=['either size or scale_factor should be defined'])
case("F.interpolate(T, size=4, recompute_scale_factor=True)", [1, 2, 3, 3], match=['recompute_scale_factor is not meaningful with an explicit size'])
case("F.interpolate(T, size=4, recompute_scale_factor=False)", [1, 2, 3, 3])
case("F.interpolate(T, scale_factor=1.5, recompute_scale_factor=True)", [1, 2, 3, 5])
case("F.interpolate(T, scale_factor=2, antialias=True)", [1, 2, 4, 4], match=['Anti-alias option is only supported for bilinear and bicubic modes'])
case("F.interpolate(T, scale_factor=2, mode='linear', antialias=True)", [1, 2, 4], match=['Anti-alias option is only supported for bilinear and bicubic modes'])
case("F.interpolate(T, scale_factor=0.5, mode='bilinear', antialias=True)", [1, 2, 8, 8])
case("F.interpolate(T, scale_factor=0.5, mode='bicubic', antialias=True)", [1, 2, 8, 8])
case("F.interpolate(T, size=(4, 5), mode='bilinear', antialias=True)", [1, 2, 9, 7])
case("F.interpolate(T, size=(4, 5, 6))", [1, 2, 9, 7], match=['Input and output must have the same number of spatial dimensions'])
case("F.interpolate(T, size=(4,))", [1, 2, 9, 7], match=['Input and output must have the same number of spatial dimensions'])
case("F.interpolate(T, size=(4, 6))", [1, 2, 9, 7])
case("F.interpolate(T, size=6)", [1, 2, 9, 7, 3])
case("F.interpolate(T, size=2.5)", [1, 2, 9, 7])
case("F.interpolate(T, size=(2, 2.5))", [1, 2, 9, 7])
case("F.interpolate(T, scale_factor=(2, 3))", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=(2, 3, 4))", [1, 2, 3, 4], match=['Input and scale_factor must have the same number of spatial dimensions'])
case("F.interpolate(T, scale_factor='2')", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=(2, '3'))", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=float('inf'))", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=0.2)", [1, 2, 3, 4], match=['Input and output sizes should be greater than 0'])
case("F.interpolate(T, scale_factor=0.25)", [1, 2, 3, 4], match=['Input and output sizes should be greater than 0'])
case("F.interpolate(T, size=0)", [1, 2, 3, 4], match=['Input and output sizes should be greater than 0'])
case("F.interpolate(T, size=3)", [1, 2, 0, 4], match=['Input and output sizes should be greater than 0'])
case("F.interpolate(T, scale_factor=2, mode='bogus')", [1, 2, 3, 4], match=['bogus'])
case("F.interpolate(T, scale_factor=1.7, mode='bilinear')", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=1.7, mode='area')", [1, 2, 3, 4])
# Scale factors whose 1/scale is not in/out: torch's kernel maps coordinates with them (or not).
for mode in ['nearest', 'nearest-exact', 'bicubic', 'bilinear']:
    case(f"F.interpolate(T, scale_factor=1.7, mode='{mode}')", [1, 2, 5, 3])
    case(f"F.interpolate(T, scale_factor=(1.5, 2.5), mode='{mode}', recompute_scale_factor=False)", [1, 2, 5, 3])
    case(f"F.interpolate(T, scale_factor=0.7, mode='{mode}', recompute_scale_factor=True)", [1, 2, 5, 6])
case("F.interpolate(T, scale_factor=1.7, mode='bilinear', align_corners=True)", [1, 2, 5, 3])
case("F.interpolate(T, scale_factor=1.7, mode='bicubic', align_corners=True)", [1, 2, 5, 3])
case("F.interpolate(T, scale_factor=0.3, mode='bilinear', antialias=True)", [1, 2, 15, 11])
case("F.interpolate(T, scale_factor=1.3, mode='linear')", [1, 2, 7])
case("F.interpolate(T, scale_factor=0.7, mode='trilinear')", [1, 2, 5, 6, 7])
case("F.interpolate(T, scale_factor=2.5, mode='area')", [1, 2, 5, 3])
case("nn.Upsample(scale_factor=1.7, mode='bilinear')(T)", [1, 2, 5, 3])
case("nn.Upsample(scale_factor=(1.7, 1.2), mode='nearest')(T)", [1, 2, 5, 3])
case("F.interpolate(T, scale_factor=2, mode='nearest', recompute_scale_factor=None)", [1, 2, 3, 4])
case("F.interpolate(T, scale_factor=2, align_corners=None)", [1, 2, 3, 4])
case("F.upsample(T, scale_factor=2, mode='bilinear', align_corners=True)", [1, 2, 3, 4])
case("F.upsample(T, size=5)", [1, 2, 3, 4])
case("F.upsample_nearest(T, scale_factor=3)", [1, 2, 3, 4])
case("F.upsample_nearest(T, size=(5, 7))", [1, 2, 3, 4])
case("F.upsample_bilinear(T, scale_factor=2)", [1, 2, 3, 4])
case("F.upsample_bilinear(T, size=(5, 7))", [1, 2, 3, 4])
case("F.upsample_bilinear(T, scale_factor=2)", [1, 2, 3], match=['4D input'])
case("nn.Upsample(scale_factor=2)(T)", [1, 2, 3, 4])
case("nn.Upsample(scale_factor=0)(T)", [1, 2, 3, 4], match=['either size or scale_factor should be defined'])
case("nn.Upsample(scale_factor=0, size=5)(T)", [1, 2, 3, 4])
case("nn.Upsample(size=(5, 6), mode='bicubic', align_corners=True)(T)", [1, 2, 3, 4])
case("nn.Upsample(scale_factor=1.5, mode='nearest', recompute_scale_factor=True)(T)", [1, 2, 3, 5])
case("nn.Upsample(scale_factor=2, mode='nearest', align_corners=True)(T)", [1, 2, 3, 4], match=['align_corners'])
case("nn.UpsamplingNearest2d(scale_factor=2)(T)", [1, 2, 3, 4])
case("nn.UpsamplingNearest2d(size=(7, 8))(T)", [1, 2, 3, 4])
case("nn.UpsamplingBilinear2d(scale_factor=2)(T)", [1, 2, 3, 4])
case("nn.UpsamplingBilinear2d(size=5)(T)", [1, 2, 3, 4])
case("nn.UpsamplingBilinear2d(scale_factor=2)(T)", [1, 2, 3, 4, 5], match=['4D input'])

# ---- pixel shuffle ------------------------------------------------------------------------------
case("F.pixel_shuffle(T, 2)", [1, 8, 3, 5])
case("F.pixel_shuffle(T, 3)", [2, 4, 18, 3, 5])
case("F.pixel_shuffle(T, 2)", [8, 3, 5])
case("F.pixel_shuffle(T, 2)", [8, 3], match=['at least 3 dimensions', '2 dimension(s)'])
case("F.pixel_shuffle(T, 3)", [1, 8, 3, 5], match=[])
case("F.pixel_shuffle(T, 0)", [1, 8, 3, 5], match=['pixel_shuffle expects a positive upscale_factor'])
case("F.pixel_shuffle(T, -2)", [1, 8, 3, 5], match=['pixel_shuffle expects a positive upscale_factor'])
case("F.pixel_shuffle(T, 1)", [1, 7, 3, 5])
case("torch.pixel_shuffle(T, 2)", [1, 12, 3, 5])
case("F.pixel_unshuffle(T, 2)", [1, 3, 4, 6])
case("F.pixel_unshuffle(T, 3)", [2, 5, 1, 6, 9])
case("F.pixel_unshuffle(T, 2)", [3, 4, 6])
case("F.pixel_unshuffle(T, 2)", [4, 6], match=['at least 3 dimensions', '2 dimension(s)'])
case("F.pixel_unshuffle(T, 2)", [6], match=['at least 3 dimensions', '1 dimension(s)'])
case("F.pixel_unshuffle(T, 2)", [1, 3, 5, 6], match=['pixel_unshuffle expects height to be divisible by downscale_factor'])
case("F.pixel_unshuffle(T, 2)", [1, 3, 4, 5], match=['pixel_unshuffle expects width to be divisible by downscale_factor'])
case("F.pixel_unshuffle(T, 0)", [1, 3, 4, 6], match=['pixel_unshuffle expects a positive downscale_factor'])
case("F.pixel_unshuffle(T, -1)", [1, 3, 4, 6], match=['pixel_unshuffle expects a positive downscale_factor'])
case("torch.pixel_unshuffle(T, 2)", [1, 3, 4, 6])
case("nn.PixelShuffle(2)(T)", [1, 8, 3, 5])
case("nn.PixelShuffle(2)(T)", [1, 6, 3, 5], match=[])
case("nn.PixelUnshuffle(2)(T)", [1, 3, 4, 6])
case("nn.PixelUnshuffle(3)(T)", [1, 3, 4, 6], match=['divisible by downscale_factor'])
case("nn.ChannelShuffle(2)(T)", [1, 8, 3, 5])
case("nn.ChannelShuffle(3)(T)", [1, 8, 3, 5], match=[])
case("nn.ChannelShuffle(2)(T)", [1, 8], match=[])
case("nn.ChannelShuffle(0)(T)", [1, 8, 3], match=['Number of groups to divide channels in must be positive'])
case("nn.ChannelShuffle(-2)(T)", [1, 8, 3], match=['Number of groups to divide channels in must be positive'])
case("F.channel_shuffle(T, 4)", [2, 8, 3])
case("F.channel_shuffle(T, 3)", [2, 8, 3], match=[])
case("torch.channel_shuffle(T, 2)", [2, 6, 3, 1])

# ---- linear / bilinear / identity -----------------------------------------------------------------
case("nn.Linear(4, 3)(T)", [2, 5, 4])
case("nn.Linear(4, 3, bias=False)(T)", [2, 4])
case("nn.Linear(4, 3)(T)", [4])
case("nn.Linear(4, 3)(T)", [2, 5], match=[])
case("nn.Linear(4, 3)(T)", [], match=[])
case("nn.Linear(0, 3)(T)", [2, 0])
case("nn.Linear(4, 0)(T)", [2, 4])
case("nn.Linear(-1, 3)", match=[])
case("nn.Linear(4, -3)", match=[])
case("nn.Linear(in_features=4, out_features=5, bias=True)(T)", [3, 2, 4])
case("F.linear(T, T)", [2, 5, 4], [3, 4])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [3])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [1])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [2], match=['The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 1.'])
case("F.linear(T, T)", [2, 5, 3], [2, 3, 4], match=[])
case("F.linear(T, T, T)", [4], [3, 4], [1, 3], match=[])
case("F.linear(T, T, T)", [2, 2, 5, 4], [3, 4], [20, 3], match=[])
case("F.linear(T, T, T)", [2, 2, 5, 4], [3, 4], [5, 1])
case("F.bilinear(T, T, T)", [2, 3], [2, 4], [5, 3, 4, 1], match=[])
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 7, 3], [2, 6, 4], match=[])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [1, 3])
case("F.linear(T, T)", [2, 5, 4], [4])
case("F.linear(T, T)", [2, 5, 4], [5])
case("F.linear(T, T)", [2, 5, 4], [3, 5])
case("F.linear(T, T)", [2, 5, 4], [2, 3, 4])
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 3], [2, 4])
case("nn.Bilinear(3, 4, 5, bias=False)(T, T)", [6, 3], [6, 4])
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 7, 3], [2, 7, 4])
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 2], [2, 4], match=[])
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 3], [2, 3], match=[])
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 3], [3, 4], match=['input batch dimensions do not match'])
case("nn.Bilinear(3, 4, 5)(T, T)", [2, 1, 3], [2, 4], match=[])
case("nn.Bilinear(3, 4, 5)(T, T)", [], [4])
case("F.bilinear(T, T, T)", [2, 3], [2, 4], [5, 3, 4])
case("F.bilinear(T, T, T, T)", [2, 3], [2, 4], [5, 3, 4], [5])
case("F.bilinear(T, T, T)", [2, 3], [2, 4], [3, 4])
case("F.bilinear(T, T, T)", [2, 3], [2, 4], [5, 3, 5], match=[])
case("nn.Identity()(T)", [2, 3, 7])
case("nn.Identity(54, unused_arg='x')(T)", [2, 3])

# ---- norms --------------------------------------------------------------------------------------
for name, good, bad in [('BatchNorm1d', [[2, 4], [2, 4, 5]], [[2, 4, 5, 6], [4]]),
                        ('BatchNorm2d', [[2, 4, 5, 6]], [[2, 4, 5], [2, 4, 5, 6, 7]]),
                        ('BatchNorm3d', [[2, 4, 5, 6, 7]], [[2, 4, 5, 6]])]:
    for s in good:
        case(f"nn.{name}(4)(T)", s)
        case(f"nn.{name}(4, affine=False)(T)", s)
    for s in bad:
        case(f"nn.{name}(4)(T)", s, match=[])
case("nn.BatchNorm2d(4)(T)", [2, 3, 5, 6], match=[])
case("nn.BatchNorm2d(4, affine=False)(T)", [2, 3, 5, 6], match=[])
case("nn.BatchNorm2d(4, affine=True, track_running_stats=False)(T)", [2, 3, 5, 6])
case("nn.BatchNorm2d(4, affine=False, track_running_stats=False)(T)", [2, 3, 5, 6])
case("nn.BatchNorm2d(4, affine=False, track_running_stats=False)(T)", [2, 4, 5, 6])
case("nn.BatchNorm2d(-1)", match=[])
case("nn.BatchNorm2d(0, affine=False, track_running_stats=False)(T)", [2, 0, 5, 6])
case("nn.SyncBatchNorm(4)", match=[])
case("nn.InstanceNorm1d(4)(T)", [2, 3, 5])
case("nn.InstanceNorm2d(4, track_running_stats=True)(T)", [3, 5, 6])
case("F.batch_norm(T, T, T)", [4], [4], [4], match=[])
case("F.batch_norm(T, T, T, None, T)", [2, 4, 5], [4], [4], [3], match=[])
case("F.batch_norm(T, T, T)", [2, 4, 5], [4], [1, 4], match=[])
case("F.instance_norm(T)", [4], match=[])
case("F.instance_norm(T, T, T)", [2, 4, 5], [3], [3], match=[])
case("F.layer_norm(T, (5,), None, T)", [2, 5], [4], match=[])
case("F.layer_norm(T, (5,), T)", [2, 5], [5, 1], match=[])
case("nn.InstanceNorm1d(4)(T)", [2, 4, 5])
case("nn.InstanceNorm1d(4)(T)", [4, 5])
case("nn.InstanceNorm1d(4, affine=True)(T)", [2, 4, 5])
case("nn.InstanceNorm1d(4, affine=True)(T)", [2, 3, 5])
case("nn.InstanceNorm1d(4, track_running_stats=True)(T)", [2, 3, 5])
case("nn.InstanceNorm1d(4, affine=True)(T)", [3, 5])
case("nn.InstanceNorm1d(4)(T)", [2, 4, 5, 6], match=[])
case("nn.InstanceNorm1d(4)(T)", [5], match=[])
case("nn.InstanceNorm2d(4)(T)", [2, 4, 5, 6])
case("nn.InstanceNorm2d(4, affine=True)(T)", [4, 5, 6])
case("nn.InstanceNorm2d(4, affine=True)(T)", [2, 3, 5, 6])
case("nn.InstanceNorm2d(4)(T)", [2, 4, 5, 6, 7], match=[])
case("nn.InstanceNorm3d(4, affine=True, track_running_stats=True)(T)", [2, 4, 5, 6, 7])
case("nn.InstanceNorm3d(4, affine=True)(T)", [4, 5, 6, 7])
case("nn.InstanceNorm3d(4)(T)", [2, 4, 5], match=[])
case("nn.GroupNorm(2, 4)(T)", [3, 4, 5, 6])
case("nn.GroupNorm(2, 4, affine=False)(T)", [3, 4])
case("nn.GroupNorm(2, 4)(T)", [3, 6, 5], match=[])
case("nn.GroupNorm(2, 4, affine=False)(T)", [3, 6, 5])
case("nn.GroupNorm(4, 4, affine=False)(T)", [3, 6, 5], match=[])
case("nn.GroupNorm(2, 4)(T)", [4], match=[])
case("nn.GroupNorm(3, 4)", match=['num_channels must be divisible by num_groups'])
case("nn.GroupNorm(0, 4)", match=[])
case("nn.GroupNorm(1, 1)(T)", [2, 1])
case("F.group_norm(T, 2)", [3, 4, 5])
case("F.group_norm(T, 3)", [3, 4, 5], match=[])
case("F.group_norm(T, 0)", [3, 4, 5], match=[])
case("F.group_norm(T, 2, T, T)", [3, 4, 5], [4], [4])
case("F.group_norm(T, 2, T)", [3, 4, 5], [3], match=[])
case("F.group_norm(T, 2, None, T)", [3, 4, 5], [2, 2], match=[])
case("F.group_norm(T, 2)", [4], match=[])
case("nn.LayerNorm(5)(T)", [2, 3, 5])
case("nn.LayerNorm((3, 5))(T)", [2, 3, 5])
case("nn.LayerNorm([3, 5], elementwise_affine=False)(T)", [3, 5])
case("nn.LayerNorm(5)(T)", [2, 5, 3], match=[])
case("nn.LayerNorm((2, 3, 5))(T)", [3, 5], match=[])
case("nn.LayerNorm((4, 5))(T)", [2, 3, 5], match=['expected input with shape [*, 4, 5]'])
case("nn.LayerNorm(-1)", match=[])
case("F.layer_norm(T, (5,))", [2, 5])
case("F.layer_norm(T, (5,), T, T)", [2, 5], [5], [5])
case("F.layer_norm(T, (5,), T)", [2, 5], [4])
case("F.layer_norm(T, (5,), None, T)", [2, 5], [1, 5])
case("F.layer_norm(T, (3, 5), T)", [2, 3, 5], [5, 3])
case("F.layer_norm(T, (3,))", [2, 5], match=['Given normalized_shape=[3]'])
case("nn.LocalResponseNorm(2)(T)", [2, 3, 5])
case("nn.LocalResponseNorm(2)(T)", [2, 3, 5, 6, 7])
case("nn.LocalResponseNorm(2)(T)", [2, 3], match=[])
case("nn.LocalResponseNorm(0)(T)", [2, 3, 5])
case("F.local_response_norm(T, 3)", [2, 3, 5])
case("F.local_response_norm(T, 3)", [3, 5], match=[])
case("F.batch_norm(T, T, T)", [2, 4, 5], [4], [4])
case("F.batch_norm(T, T, T)", [2, 4, 5], [3], [3], match=[])
case("F.batch_norm(T, None, None, training=True)", [2, 4, 5])
case("F.batch_norm(T, T, T, T)", [2, 4, 5], [4], [4], [3])
case("F.instance_norm(T)", [2, 4, 5])
case("F.instance_norm(T, T, T)", [2, 4, 5], [4], [4])
case("F.instance_norm(T, None, None, T)", [2, 4, 5], [3])
case("F.normalize(T)", [2, 4, 5])
case("F.normalize(T, dim=2)", [2, 4, 5])
case("F.normalize(T, dim=3)", [2, 4, 5], match=['Dimension out of range (expected to be in range of [-3, 2], but got 3)'])
case("F.normalize(T, dim=-4)", [2, 4, 5], match=['Dimension out of range'])
case("F.normalize(T)", [5])

# ---- cat / stack / hstack / ... -------------------------------------------------------------------
case("torch.cat([T, T], dim=1)", [2, 3, 4], [2, 5, 4])
case("torch.cat([T, T])", [2, 3], [4, 3])
case("torch.cat((T, T, T), -1)", [2, 3], [2, 1], [2, 4])
case("torch.cat([T, T], dim=1)", [2, 3, 4], [2, 5, 5], match=['Sizes of tensors must match except in dimension 1'])
case("torch.cat([T, T], dim=0)", [2, 3, 4], [2, 5, 4], match=['Sizes of tensors must match except in dimension 0'])
case("torch.cat([T, T], dim=2)", [2, 3, 4], [3, 3, 4], match=['Sizes of tensors must match except in dimension 2'])
case("torch.cat([T, T])", [2, 3, 4], [2, 3], match=[])
case("torch.cat([T, T, T])", [0], [2, 3], [1, 3])
case("torch.cat([T, T])", [0], [0])
case("torch.cat([T, T])", [0, 3], [2, 3])
case("torch.cat([T, T], dim=1)", [0], [2, 3])
case("torch.cat([T, T])", [], [2], match=['zero-dimensional tensor (at position 0) cannot be concatenated'])
case("torch.cat([T, T])", [2], [], match=['zero-dimensional tensor (at position 1) cannot be concatenated'])
case("torch.cat([])", match=['expected a non-empty list of Tensors'])
case("torch.cat([T, T], dim=3)", [2, 3, 4], [2, 3, 4], match=['Dimension out of range'])
case("torch.concat([T, T], dim=-3)", [2, 3, 4], [2, 3, 4])
case("torch.stack([T, T])", [2, 3], [2, 3])
case("torch.stack([T, T, T], dim=2)", [2, 3], [2, 3], [2, 3])
case("torch.stack([T, T], dim=-1)", [2, 3], [2, 3])
case("torch.stack([T, T], dim=3)", [2, 3], [2, 3], match=['Dimension out of range'])
case("torch.stack([T, T])", [2, 3], [3, 2], match=['stack expects each tensor to be equal size'])
case("torch.stack([T, T])", [2, 3], [2, 3, 1], match=['stack expects each tensor to be equal size'])
case("torch.stack([T, T, T])", [2, 3], [2, 3], [2, 4], match=['stack expects each tensor to be equal size', 'at entry 2'])
case("torch.stack([])", match=[])
case("torch.stack([T, T])", [], [])
case("torch.hstack([T, T])", [3], [4])
case("torch.hstack([T, T])", [2, 3], [2, 4])
case("torch.hstack([T, T])", [], [])
case("torch.hstack([T, T])", [], [2])
case("torch.hstack([T, T])", [2, 3, 1], [2, 4, 1])
case("torch.vstack([T, T])", [3], [3])
case("torch.vstack([T, T])", [], [1])
case("torch.vstack([T, T])", [2, 3], [4, 3])
case("torch.vstack([T, T])", [2, 3, 5], [4, 3, 5])
case("torch.row_stack([T, T])", [3], [2, 3])
case("torch.dstack([T, T])", [3], [3])
case("torch.dstack([T, T])", [2, 3], [2, 3])
case("torch.dstack([T, T])", [], [])
case("torch.dstack([T, T])", [2, 3, 4], [2, 3, 1])
case("torch.dstack([T, T])", [2, 3, 4, 5], [2, 3, 1, 5])
case("torch.column_stack([T, T])", [3], [3])
case("torch.column_stack([T, T])", [], [])
case("torch.column_stack([T, T])", [3], [3, 2])
case("torch.column_stack([T, T])", [3, 1, 2], [3, 2, 2])
case("torch.atleast_1d(T)", [])
case("torch.atleast_1d(T)", [2, 3])
case("torch.atleast_1d(T, T)", [], [2])
case("torch.atleast_1d((T, T))", [], [2])
case("torch.atleast_1d([T])", [])
case("torch.atleast_2d(T)", [])
case("torch.atleast_2d(T)", [3])
case("torch.atleast_2d(T)", [2, 3, 4])
case("torch.atleast_2d(T, T)", [3], [2, 3])
case("torch.atleast_3d(T)", [])
case("torch.atleast_3d(T)", [3])
case("torch.atleast_3d(T)", [2, 3])
case("torch.atleast_3d(T)", [2, 3, 4, 5])
case("torch.atleast_3d(T, T, T)", [], [3], [2, 3])

# ---- flatten / unflatten ---------------------------------------------------------------------------
case("nn.Flatten()(T)", [2, 3, 4, 5])
case("nn.Flatten(0)(T)", [2, 3, 4, 5])
case("nn.Flatten(0, 0)(T)", [2, 3, 4, 5])
case("nn.Flatten(1, 2)(T)", [2, 3, 4, 5])
case("nn.Flatten(-2, -1)(T)", [2, 3, 4, 5])
case("nn.Flatten(2, 1)(T)", [2, 3, 4, 5], match=[])
case("nn.Flatten(-1, 1)(T)", [2, 3, 4, 5], match=[])
case("nn.Flatten(4)(T)", [2, 3, 4, 5], match=['Dimension out of range (expected to be in range of [-4, 3], but got 4)'])
case("nn.Flatten(1, -5)(T)", [2, 3, 4, 5], match=['Dimension out of range (expected to be in range of [-4, 3], but got -5)'])
case("nn.Flatten()(T)", [])
case("nn.Flatten(0)(T)", [])
case("nn.Flatten()(T)", [7])
case("nn.Flatten(0)(T)", [7])
case("nn.Flatten(start_dim=0, end_dim=-1)(T)", [2, 0, 3])
case("nn.Unflatten(1, (2, 3))(T)", [4, 6, 5])
case("nn.Unflatten(-1, (2, 5))(T)", [4, 6, 10])
case("nn.Unflatten(1, (2, -1))(T)", [4, 6, 5])
case("nn.Unflatten(1, (-1, 3))(T)", [4, 6, 5])
case("nn.Unflatten(1, (-1, -1))(T)", [4, 6, 5], match=['only one dimension can be inferred'])
case("nn.Unflatten(1, (4, -1))(T)", [4, 6, 5])
case("nn.Unflatten(1, (0, -1))(T)", [4, 6, 5])
case("nn.Unflatten(1, (0, -1))(T)", [4, 0, 5])
case("nn.Unflatten(1, (2, 4))(T)", [4, 6, 5], match=[])
case("nn.Unflatten(1, (3,))(T)", [4, 3, 5])
case("nn.Unflatten(1, (6, 1))(T)", [4, 6, 5])
case("nn.Unflatten(3, (2, 3))(T)", [4, 6, 5], match=['Dimension out of range'])
case("nn.Unflatten(0, [2, 2])(T)", [4, 6, 5])
case("nn.Unflatten(1, 6)(T)", [4, 6, 5])
case("nn.Unflatten(1, (2.5, 3))(T)", [4, 6, 5], match=[])
case("nn.Unflatten(1, (2, 'a'))(T)", [4, 6, 5], match=[])
case("nn.Unflatten(1, (2, 3))(5)", match=[])
case("nn.Flatten('a')(T)", [2, 3], match=[])
case("nn.Flatten()(5)", match=[])

# ---- embedding ----------------------------------------------------------------------------------
case("nn.Embedding(10, 3)(T)", ints([2, 5]))
case("nn.Embedding(10, 3)(T)", ints([]))
case("nn.Embedding(10, 3)(T)", ints([2, 0, 4]))
case("nn.Embedding(0, 3)", match=[])
case("nn.Embedding(10, 0)(T)", ints([4]))
case("nn.Embedding(-1, 3)", match=[])
case("nn.Embedding(10, -3)", match=[])
case("nn.Embedding(10, 3, padding_idx=9)(T)", ints([4]))
case("nn.Embedding(10, 3, padding_idx=10)", match=['Padding_idx must be within num_embeddings'])
case("nn.Embedding(10, 3, padding_idx=-10)(T)", ints([4]))
case("nn.Embedding(10, 3, padding_idx=-11)", match=['Padding_idx must be within num_embeddings'])
case("nn.Embedding(10, 3, padding_idx=0)(T)", ints([4]))
case("nn.Embedding(10, 3, padding_idx=None)(T)", ints([4]))
case("nn.Embedding(10, 3, _weight=T)(T)", [10, 3], ints([4]))
case("nn.Embedding(10, 3, _weight=T)", [10, 4], match=[])
case("nn.Embedding(10, 3, _weight=T)", [9, 3], match=[])
case("nn.Embedding(10, 3, _weight=T)", [30], match=[])
case("nn.Embedding(10, 3, _weight=T)", [10, 3, 1], match=[])
case("nn.Embedding(10, 3.5)", match=[])
case("nn.Embedding(num_embeddings=7, embedding_dim=2, max_norm=1.0, sparse=True)(T)", ints([3, 2]))
case("F.embedding(T, T)", ints([2, 5]), [10, 3])
case("F.embedding(T, T)", ints([2, 5]), [10, 3, 2], match=[])
case("F.embedding(T, T)", ints([2, 5]), [10], match=[])
case("F.embedding(T, T, padding_idx=1)", ints([]), [10, 7])
case("nn.Embedding(10, 3)(5)", match=[])
case("F.embedding(T, 3)", ints([2]), match=[])

# ---- max unpool ---------------------------------------------------------------------------------
case("nn.MaxUnpool2d(2)(T, T)", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("nn.MaxUnpool2d(2, stride=3)(T, T)", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("nn.MaxUnpool2d(3, stride=2, padding=1)(T, T)", [3, 4, 5], ints([3, 4, 5]))
case("nn.MaxUnpool2d((2, 3), stride=(1, 2), padding=(1, 0))(T, T)", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("nn.MaxUnpool2d(2)(T, T)", [1, 3, 4, 5], ints([1, 3, 4, 4]), match=[])
case("nn.MaxUnpool2d(2)(T, T)", [1, 3, 4, 5], ints([3, 4, 5]), match=[])
case("nn.MaxUnpool2d(2)(T, T)", [4, 5], ints([4, 5]), match=[])
case("nn.MaxUnpool2d(2)(T, T)", [1, 1, 3, 4, 5], ints([1, 1, 3, 4, 5]), match=[])
case("nn.MaxUnpool2d(2)(T, T, output_size=(9, 11))", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("nn.MaxUnpool2d(2)(T, T, output_size=(7, 9))", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("nn.MaxUnpool2d(2)(T, T, output_size=(6, 9))", [1, 3, 4, 5], ints([1, 3, 4, 5]), match=['invalid output_size'])
case("nn.MaxUnpool2d(2)(T, T, output_size=(10, 9))", [1, 3, 4, 5], ints([1, 3, 4, 5]), match=['invalid output_size'])
case("nn.MaxUnpool2d(2)(T, T, output_size=(8, 12))", [1, 3, 4, 5], ints([1, 3, 4, 5]), match=['invalid output_size'])
case("nn.MaxUnpool2d(2)(T, T, output_size=(8, 8))", [1, 3, 4, 5], ints([1, 3, 4, 5]), match=['invalid output_size'])
case("nn.MaxUnpool2d(2)(T, T, output_size=(1, 3, 9, 11))", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("nn.MaxUnpool2d(2)(T, T, output_size=(3, 9, 11))", [1, 3, 4, 5], ints([1, 3, 4, 5]), match=[])
case("nn.MaxUnpool2d(2)(T, T, output_size=[8, 10])", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("nn.MaxUnpool2d(3, stride=1, padding=1)(T, T)", [1, 3, 1, 1], ints([1, 3, 1, 1]))
case("nn.MaxUnpool2d(2, stride=1, padding=1)(T, T)", [1, 3, 1, 1], ints([1, 3, 1, 1]))
case("nn.MaxUnpool2d(3, stride=1, padding=2)(T, T)", [1, 3, 1, 1], ints([1, 3, 1, 1]), match=[])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [5, 1])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [2, 5, 3])
case("F.linear(T, T, T)", [2, 5, 4], [3, 4], [1, 1, 1, 3])
case("F.linear(T, T, T)", [5, 4], [3, 4], [5, 3])
case("F.linear(T, T, T)", [5, 4], [3, 4], [2, 3])
case("nn.MaxUnpool1d(2)(T, T)", [1, 3, 4], ints([1, 3, 4]))
case("nn.MaxUnpool1d(3, stride=2, padding=1)(T, T)", [3, 4], ints([3, 4]))
case("nn.MaxUnpool1d(2)(T, T, output_size=[9])", [1, 3, 4], ints([1, 3, 4]))
case("nn.MaxUnpool1d(2)(T, T)", [1, 2, 3, 4], ints([1, 2, 3, 4]), match=[])
case("nn.MaxUnpool3d(2)(T, T)", [1, 3, 2, 3, 4], ints([1, 3, 2, 3, 4]))
case("nn.MaxUnpool3d((1, 2, 3), stride=2)(T, T)", [3, 2, 3, 4], ints([3, 2, 3, 4]))
case("F.max_unpool2d(T, T, 2)", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("F.max_unpool2d(T, T, 2, stride=1, output_size=(5, 6))", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("F.max_unpool2d(T, T, 2, 2, 0, (9, 11))", [1, 3, 4, 5], ints([1, 3, 4, 5]))
case("F.max_unpool1d(T, T, 3)", [1, 3, 4], ints([1, 3, 4]))
case("F.max_unpool3d(T, T, 2, padding=1)", [1, 3, 2, 3, 4], ints([1, 3, 2, 3, 4]))

# ---- fold / unfold ------------------------------------------------------------------------------
case("F.unfold(T, 2)", [1, 3, 4, 5])
case("F.unfold(T, (2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1))", [2, 3, 6, 9])
case("F.unfold(T, 3, padding=1)", [3, 4, 5])
case("F.unfold(T, 3)", [1, 3, 2, 5], match=['Given input with spatial size (2, ', 'kernel_size=(3, 3), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (0, 3), but its components must be at least one.'])
case("F.unfold(T, 3)", [1, 3, 5, 2], match=['calculated shape of the array of sliding blocks as (3, 0), but its components must be at least one.'])
case("F.unfold(T, 3, dilation=2)", [1, 3, 5, 5])
case("F.unfold(T, 3, dilation=3)", [1, 3, 7, 7])
case("F.unfold(T, 3, dilation=3)", [1, 3, 6, 7], match=['dilation=(3, 3)', 'sliding blocks as (0, 1)'])
case("F.unfold(T, 2)", [0, 3, 4, 5])
case("F.unfold(T, 2)", [1, 0, 4, 5], match=['Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [1, 0, 4, 5]'])
case("F.unfold(T, 2)", [3, 4, 0], match=['Expected 3D or 4D (batch mode) tensor'])
case("F.unfold(T, 2)", [4, 5], match=[])
case("F.unfold(T, 2)", [1, 1, 3, 4, 5], match=['Expected 3D or 4D (batch mode) tensor'])
case("F.unfold(T, (0, 2))", [1, 3, 4, 5], match=['kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 2'])
case("F.unfold(T, (2, 0))", [1, 3, 4, 5], match=['kernel size should be greater than zero, but got kernel_height: 2 kernel_width: 0'])
case("F.unfold(T, 2, dilation=(0, 1))", [1, 3, 4, 5], match=['dilation should be greater than zero, but got dilation_height: 0 dilation_width: 1'])
case("F.unfold(T, 2, dilation=(1, 0))", [1, 3, 4, 5], match=['dilation should be greater than zero, but got dilation_height: 1 dilation_width: 0'])
case("F.unfold(T, 2, padding=(-1, 0))", [1, 3, 4, 5], match=['padding should be non-negative, but got pad_height: -1 pad_width: 0'])
case("F.unfold(T, 2, padding=(0, -1))", [1, 3, 4, 5], match=['padding should be non-negative, but got pad_height: 0 pad_width: -1'])
case("F.unfold(T, 2, stride=(0, 1))", [1, 3, 4, 5], match=['stride should be greater than zero, but got stride_height: 0 stride_width: 1'])
case("F.unfold(T, 2, stride=(1, 0))", [1, 3, 4, 5], match=['stride should be greater than zero, but got stride_height: 1 stride_width: 0'])
case("F.unfold(T, 1)", [1, 3, 1, 1])
case("nn.Unfold(kernel_size=(2, 3))(T)", [1, 3, 4, 5])
case("nn.Unfold(3, 1, 1, 2)(T)", [2, 3, 6, 7])
case("F.fold(T, (4, 5), 2)", [1, 12, 12])
case("F.fold(T, (4, 5), 2)", [12, 12])
case("F.fold(T, (4, 5), 2)", [0, 12, 12])
case("F.fold(T, (6, 9), (2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1))", [2, 18, 12])
case("F.fold(T, (4, 5), 2)", [1, 12, 11], match=["expected size of input's dimension 2 to match the calculated number of sliding blocks 3 * 4 = 12, but got input.size(2)=11."])
case("F.fold(T, (4, 5), 2)", [1, 13, 12], match=["Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=13 and kernel_size=(2, 2)."])
case("F.fold(T, (1, 5), 2)", [1, 12, 0], match=['Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [1, 12, 0]'])
case("F.fold(T, (1, 5), 2)", [1, 12, 4], match=['sliding blocks 0 * 4 = 0'])
case("F.fold(T, (5, 1), 2)", [1, 12, 4], match=['sliding blocks 4 * 0 = 0'])
case("F.fold(T, (4, 5), 2)", [1, 0, 12], match=['Expected 2D or 3D (batch mode) tensor'])
case("F.fold(T, (4, 5), 2)", [12], match=['Expected 2D or 3D (batch mode) tensor'])
case("F.fold(T, (4, 5), 2)", [1, 1, 12, 12], match=['Expected 2D or 3D (batch mode) tensor'])
case("F.fold(T, (0, 5), 2)", [1, 12, 12], match=['sliding blocks -1 * 4 = -4'])
case("F.fold(T, (4, 0), 2)", [1, 12, 12], match=['sliding blocks 3 * -1 = -3'])
case("F.fold(T, (4, 5), (0, 2))", [1, 12, 12], match=['kernel size should be greater than zero'])
case("F.fold(T, (4, 5), 2, stride=(1, 0))", [1, 12, 12], match=['stride should be greater than zero'])
case("F.fold(T, (2, 2), 2)", [1, 4, 1])
case("nn.Fold((4, 5), 2)(T)", [1, 12, 12])
case("nn.Fold(output_size=(6, 9), kernel_size=(2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1))(T)", [2, 18, 12])
case("nn.Fold((4, 5), 2)(T)", [1, 12, 13], match=['sliding blocks 3 * 4 = 12'])

# ---- diff / repeat_interleave ---------------------------------------------------------------------
case("torch.diff(T)", [2, 5])
case("torch.diff(T, n=2)", [2, 5])
case("torch.diff(T, n=7)", [2, 5])
case("torch.diff(T, n=0)", [2, 5])
case("torch.diff(T, n=-1)", [2, 5])
case("torch.diff(T, n=-2, prepend=T, append=T)", [2, 5], [2, 3], [2, 1])
case("torch.diff(T, n=-1, append=T)", [2, 5], [3], match=['diff expects prepend or append to be the same dimension as input'])
case("torch.diff(T, n=0, append=T)", [2, 5], [3, 1], match=['input.size(0) = 2, but got tensor.size(0) = 3'])
case("torch.diff(T, dim=0)", [2, 5])
case("torch.diff(T, dim=2)", [2, 5], match=['Dimension out of range'])
case("torch.diff(T)", [], match=['diff expects input to be at least one-dimensional'])
case("torch.diff(T, prepend=T)", [2, 5], [2, 3])
case("torch.diff(T, append=T)", [2, 5], [2, 1])
case("torch.diff(T, prepend=T, append=T)", [2, 5], [2, 3], [2, 4])
case("torch.diff(T, n=2, dim=0, append=T)", [2, 5], [4, 5])
case("torch.diff(T, prepend=T)", [2, 5], [3, 3], match=['diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size(0) = 2, but got tensor.size(0) = 3'])
case("torch.diff(T, append=T)", [2, 5], [3], match=['diff expects prepend or append to be the same dimension as input'])
case("torch.diff(T, append=T)", [2, 5, 1], [2, 5, 2])
case("torch.diff(T, append=T, dim=1)", [2, 5, 1], [2, 5, 2], match=['input.size(2) = 1, but got tensor.size(2) = 2'])
case("torch.diff(T, prepend=T, n=0)", [2, 5], [3])
case("torch.diff(T, n=3, append=T)", [4], [1])
case("torch.diff(T, 1, 0, None, T)", [4, 2], [3, 2])
case("T.diff()", [2, 5])
case("T.diff(n=2, dim=0, prepend=T)", [2, 5], [1, 5])
case("torch.repeat_interleave(T, 3)", [2, 5])
case("torch.repeat_interleave(T, 3, dim=1)", [2, 5])
case("torch.repeat_interleave(T, 3, dim=-2)", [2, 5])
case("torch.repeat_interleave(T, 0, dim=1)", [2, 5])
case("torch.repeat_interleave(T, -1, dim=1)", [2, 5], match=['repeats can not be negative'])
case("torch.repeat_interleave(T, 2)", [])
case("torch.repeat_interleave(T, 2, dim=0)", [], match=['Dimension specified as 0 but tensor has no dimensions'])
case("torch.repeat_interleave(T, 2, dim=2)", [2, 5], match=['Dimension out of range'])
case("torch.repeat_interleave(T, T, dim=1)", [2, 3], ints([3], [1, 0, 2]))
case("torch.repeat_interleave(T, T, dim=1)", [2, 3], ints([1], [4]))
case("torch.repeat_interleave(T, T, dim=0)", [2, 3], ints([], 4))
case("torch.repeat_interleave(T, T)", [2, 3], ints([6], [1, 1, 1, 2, 2, 2]))
case("torch.repeat_interleave(T, T, dim=1)", [2, 3], ints([2], [1, 2]), match=['repeats must have the same size as input along dim'])
case("torch.repeat_interleave(T, T, dim=1)", [2, 3], ints([3], [1, -1, 2]), match=['repeats can not be negative'])
case("torch.repeat_interleave(T, T, dim=1)", [2, 3], ints([1, 3], [1, 1, 1]), match=['repeats must be 0-dim or 1-dim tensor'])
case("torch.repeat_interleave(T)", ints([3], [2, 0, 3]))
case("torch.repeat_interleave(T)", ints([3], [2, -1, 3]), match=['repeats can not be negative'])
case("torch.repeat_interleave(T)", ints([1, 3], [2, 0, 3]), match=[])
case("T.repeat_interleave(2, dim=0)", [2, 5])
case("T.repeat_interleave(T)", [3, 2], ints([6], [1, 0, 1, 0, 1, 0]))

# ---- grid_sample / affine_grid --------------------------------------------------------------------
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8, 9], [2, 4, 5, 2])
case("F.grid_sample(T, T, mode='nearest', padding_mode='border', align_corners=True)", [2, 3, 8, 9, 7], [2, 4, 5, 6, 3])
case("F.grid_sample(T, T, mode='bicubic', padding_mode='reflection', align_corners=False)", [2, 3, 8, 9], [2, 4, 5, 2])
case("F.grid_sample(T, T, mode='bicubic', align_corners=False)", [2, 3, 8, 9, 7], [2, 4, 5, 6, 3], match=['bicubic interpolation only supports 4D input'])
case("F.grid_sample(T, T, mode='area', align_corners=False)", [2, 3, 8, 9], [2, 4, 5, 2], match=["expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'area'"])
case("F.grid_sample(T, T, padding_mode='circular', align_corners=False)", [2, 3, 8, 9], [2, 4, 5, 2], match=["expected padding_mode to be 'zeros', 'border', or 'reflection', but got: 'circular'"])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8, 9], [1, 4, 5, 2], match=['expected grid and input to have same batch size', 'input with sizes [2, 3, 8, 9] and grid with sizes [1, 4, 5, 2]'])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8], [2, 4, 1], match=[])
case("F.grid_sample(T, T, align_corners=False)", [1, 1, 2, 2, 2, 2], [1, 2, 2, 2, 2, 4], match=[])
case("F.grid_sample(T, 5, align_corners=False)", [2, 3, 8, 9], match=[])
case("F.affine_grid(5, (2, 3, 5, 6), align_corners=False)", match=[])
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 2, 3, 1], match=[])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8, 9], [2, 4, 5, 6, 2], match=['input and grid with same number of dimensions'])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8], [2, 4, 2], match=[])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8, 9], [2, 4, 5, 3], match=['expected grid to have size 2 in last dimension'])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8, 9, 7], [2, 4, 5, 6, 2], match=['expected grid to have size 3 in last dimension'])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 0, 9], [2, 4, 5, 2], match=['expected input to have non-empty spatial dimensions', 'dimension 2 being empty'])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8, 0], [2, 4, 5, 2], match=['expected input to have non-empty spatial dimensions', 'dimension 3 being empty'])
case("F.grid_sample(T, T, align_corners=False)", [2, 0, 8, 9], [2, 4, 5, 2])
case("F.grid_sample(T, T, align_corners=False)", [2, 3, 8, 9], [2, 0, 5, 2])
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 2, 3])
case("F.affine_grid(T, [2, 3, 5, 6, 7], align_corners=False)", [2, 3, 4])
case("F.affine_grid(T, (2, 3, 5), align_corners=False)", [2, 2, 3], match=['affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size '])
case("F.affine_grid(T, (2, 3, 5, 6, 7, 8), align_corners=False)", [2, 2, 3], match=['affine_grid only supports 4D and 5D sizes'])
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 3, 4], match=['Expected a batch of 2D affine matrices of shape Nx2x3 for size ', '. Got torch.Size([2, 3, 4]).'])
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 2, 4], match=['Expected a batch of 2D affine matrices of shape Nx2x3'])
case("F.affine_grid(T, (2, 3, 5, 6), align_corners=False)", [2, 6], match=['Expected a batch of 2D affine matrices of shape Nx2x3'])
case("F.affine_grid(T, (2, 3, 5, 6, 7), align_corners=False)", [2, 2, 3], match=['Expected a batch of 3D affine matrices of shape Nx3x4'])
case("F.affine_grid(T, (2, 3, 0, 6), align_corners=False)", [2, 2, 3], match=[])
case("F.affine_grid(T, (3, 3, 5, 6), align_corners=False)", [2, 2, 3], match=['Expected size for first two dimensions of batch2 tensor to be: [3, 3] but got: [2, 3].'])


# ---- antialiased resize: receptive field measured by autograd -----------------------------------
# The input positions (rows) with a nonzero gradient of one output position, max - min + 1, the
# largest over the output rows whose field stays off the image border; a positive input, so that
# only a zero filter weight leaves a tap out. The images are large enough for every phase of the
# output grid to occur away from the border.
RF_CASES = [
    (n, f"F.interpolate(T, size=({out}, {out}), mode='{mode}', antialias=True{ac})")
    for mode in ['bilinear', 'bicubic']
    for n, out in [(64, 32), (96, 32), (80, 28), (105, 25), (120, 28), (68, 24), (36, 16), (52, 52), (40, 60), (24, 60), (160, 40), (90, 7)]
    for ac in ['', ', align_corners=True']
] + [
    (n, f"F.interpolate(T, scale_factor={sf}, mode='{mode}', antialias=True)")
    for mode in ['bilinear', 'bicubic']
    for n, sf in [(64, 0.5), (80, 0.3), (32, 1.5), (120, 0.25), (81, 1 / 3), (50, 0.7)]
]


def measure_rf(n, expr):
    x = (torch.rand(1, 1, n, n, generator=torch.Generator().manual_seed(1)) + 0.5).requires_grad_(True)
    y = eval(expr.replace('T', 'x', 1), {'torch': torch, 'F': F, 'x': x})
    out = y.shape[2]
    best = None
    for i in range(out):
        g, = torch.autograd.grad(y[0, 0, i, y.shape[3] // 2], x, retain_graph=True)
        rows = (g[0, 0].abs().sum(1) > 0).nonzero().flatten()
        if rows.min() == 0 or rows.max() == n - 1:
            continue
        best = max(best or 0, int(rows.max() - rows.min() + 1))
    return best


def make_input(spec, gen):
    if isinstance(spec, dict):
        if 'values' in spec:
            return torch.tensor(spec['values'], dtype=torch.long).reshape(spec['shape'])
        return torch.randint(0, 1, spec['shape'], generator=gen, dtype=torch.long)
    return torch.zeros(spec)


def shapes(v):
    if isinstance(v, torch.Tensor):
        return [list(v.shape)]
    if isinstance(v, (list, tuple)):
        return [s for x in v for s in shapes(x)]
    return []


REAL_INTERPOLATE = F.interpolate


def kernel_uses_scale_factor(expr, tensors):
    """Whether torch's kernel maps coordinates with the user's scale_factor rather than with the
    sizes: the same call on a random input differs from one given the output size instead."""
    calls = []

    def spy(input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False):
        calls.append(dict(scale_factor=scale_factor, mode=mode, align_corners=align_corners, recompute_scale_factor=recompute_scale_factor, antialias=antialias))
        return REAL_INTERPOLATE(input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)

    F.interpolate = spy
    try:
        v = eval(expr, {'torch': torch, 'nn': nn, 'F': F, '_t': tensors})
    finally:
        F.interpolate = REAL_INTERPOLATE
    if len(calls) != 1 or calls[0]['scale_factor'] is None:
        return None
    kw = calls[0]
    x = torch.rand(tensors[0].shape, generator=torch.Generator().manual_seed(2))
    by_scale = REAL_INTERPOLATE(x, **kw)
    by_size = REAL_INTERPOLATE(x, size=list(v.shape[2:]), mode=kw['mode'], align_corners=kw['align_corners'], antialias=kw['antialias'])
    return not torch.equal(by_scale, by_size)


def macs(expr, v, tensors, src):
    """DESIGN.md's MACs (as trace_models.py counts them): Linear / F.linear out_elements·in_features,
    Bilinear / F.bilinear out_elements·in1·in2; every other op here moves data only: 0."""
    if expr.startswith('nn.Linear'):
        return v.numel() * eval(src.split(')(')[0] + ')', {'nn': nn, '_t': tensors}).in_features
    if expr.startswith('nn.Bilinear'):
        m = eval(src.split(')(')[0] + ')', {'nn': nn, '_t': tensors})
        return v.numel() * m.in1_features * m.in2_features
    if expr.startswith('F.linear'):
        return v.numel() * tensors[1].shape[-1]
    if expr.startswith('F.bilinear'):
        return v.numel() * tensors[2].shape[1] * tensors[2].shape[2]
    return 0


def run(c):
    gen = torch.Generator().manual_seed(0)
    tensors = [make_input(s, gen) for s in c['inputs']]
    it = iter(range(len(tensors)))
    src = re.sub(r'\bT\b', lambda _m: f'_t[{next(it)}]', c['expr'])
    out = {'expr': c['expr'], 'inputs': c['inputs']}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            v = eval(src, {'torch': torch, 'nn': nn, 'F': F, '_t': tensors})
    except Exception as e:  # torch raises RuntimeError, ValueError, TypeError, NotImplementedError
        out['error'] = type(e).__name__
        out['message'] = str(e).split('\n')[0]
        for m in c['match']:
            if m not in str(e):
                PROBLEMS.append(f"{c['expr']}: torch's message {str(e)!r} does not contain {m!r}")
        if c['match']:
            out['match'] = c['match']
        return out
    if c['match']:
        PROBLEMS.append(f"{c['expr']} {c['inputs']}: torch accepts it, but the case expects an error")
    if isinstance(v, nn.Module):
        out['params'] = sum(p.numel() for p in v.parameters())
        return out
    out['out'] = shapes(v)
    out['macs'] = macs(c['expr'], v, tensors, src)
    if 'scale_factor' in c['expr'] and ('interpolate' in c['expr'] or 'Upsampl' in c['expr'] or 'upsample' in c['expr']):
        uses = kernel_uses_scale_factor(src, tensors)
        if uses is not None:
            out['kernel_scale'] = uses
    module = eval(src.split(')(')[0] + ')', {'torch': torch, 'nn': nn, 'F': F, '_t': tensors}) if c['expr'].startswith('nn.') else None
    if module is not None:
        out['params'] = sum(p.numel() for p in module.parameters())
    return out


def main():
    results = [run(c) for c in CASES]
    exprs = [(r['expr'], json.dumps(r['inputs'])) for r in results]
    assert len(set(exprs)) == len(exprs), 'duplicate cases'
    assert not PROBLEMS, '\n'.join(PROBLEMS)
    with open(OUT, 'w') as f:
        rf = [{'expr': e, 'input': [1, 1, n, n], 'rf': measure_rf(n, e)} for n, e in RF_CASES]
        assert sum(r['rf'] is not None for r in rf) > 30
        json.dump({'generator': f'scripts/golden/mo_ops_cases.py, torch {torch.__version__}', 'cases': results, 'antialias_rf': [r for r in rf if r['rf'] is not None]}, f, indent=0)
        f.write('\n')
    print(f'{len(results)} cases, {sum("error" in r for r in results)} errors -> {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
