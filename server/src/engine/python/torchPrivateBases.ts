// torch's private base classes (`_ConvNd`, `_ConvTransposeNd`, `_NormBase`, `_BatchNorm`,
// `_InstanceNorm`, `_MaxPoolNd`, ...) and the `torch.nn.modules.<file>` modules that hold them:
// synchronised BatchNorms, deformable convolutions and "same"-padded pools subclass them. Their
// constructors make the parameters and buffers torch makes (through the op catalogue's leaf layer
// of that family), so a subclass's forward can hand `self.weight`, `self.running_mean`, ... to
// the functional ops; the public layers (`nn.Conv2d`, `nn.BatchNorm2d`) are their subclasses, as
// in torch, so `isinstance(m, _BatchNorm)` holds.

import { makeClass } from './builtins';
import type { Interpreter } from './interpreter';
import { parseSignature } from './signature';
import { nativeModuleObject } from './stdlib';
import { bool, NONE, unknown, type CallArgs, type ClassValue, type InstanceValue, type ModuleObjectValue, type Site, type Value } from './values';
import { moduleSpecs } from '../ops/moduleRegistry';
import type { ModuleSpec } from '../ops/types';

export interface PrivateBaseHost {
  interp: Interpreter;
  moduleClass: ClassValue;
  /** A module method: `self` made a module, the rest of the arguments. */
  method: (name: string, call: (self: InstanceValue, args: CallArgs, site: Site | null) => Value) => Value;
  initLeaf: (self: InstanceValue, spec: ModuleSpec, args: CallArgs, site: Site | null) => void;
  forwardLeaf: (self: InstanceValue, spec: ModuleSpec, args: CallArgs, site: Site | null) => Value;
  /** A public layer class by name (`Conv2d`), made on first use. */
  leafClass: (name: string) => ClassValue | undefined;
}

export interface PrivateBases {
  /** The private base a public layer derives from in torch (`Conv2d` → `_ConvNd`), or Module. */
  baseOf: (layerName: string) => ClassValue;
  /** `torch.nn.modules.conv`, `.batchnorm`, ... by their full names. */
  modules: Map<string, ModuleObjectValue>;
}

const CONV_ND = 'in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding, groups, bias, padding_mode, device=None, dtype=None';
const NORM_BASE = 'num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None';
const INSTANCE_NORM = 'num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None';

export function installPrivateBases(host: PrivateBaseHost): PrivateBases {
  const { interp, moduleClass, method } = host;
  const bind = (name: string, signature: string, args: CallArgs, site: Site | null): Map<string, Value> => {
    const sig = parseSignature(interp, signature);
    return interp.bindArguments(name, sig.params, sig.defaults, args, site);
  };
  const base = (name: string, file: string, bases: ClassValue[] = [moduleClass]): ClassValue =>
    makeClass(name, bases, {}, `torch.nn.modules.${file}`);
  const broken = (self: InstanceValue, reason: string, site: Site | null): Value => {
    self.attrs.set('__broken__', unknown(reason, site));
    return NONE;
  };
  /** Calls a subclass's own `_check_input_dim` (torch's forward calls it first). */
  const checkInputDim = (self: InstanceValue, input: Value | undefined, site: Site | null): void => {
    const check = interp.lookupClassAttr(self.cls, '_check_input_dim');
    if (check && check.kind === 'function' && input) interp.call({ kind: 'method', self, func: check }, { positional: [input], keywords: new Map() }, site);
  };

  // _ConvNd(in, out, kernel_size, stride, padding, dilation, transposed, output_padding, groups, bias, padding_mode):
  // every size a tuple already; the weight is (out, in/groups, *k), transposed (in, out/groups, *k).
  const convNd = base('_ConvNd', 'conv');
  const convInit = (self: InstanceValue, args: CallArgs, site: Site | null): Value => {
    const sig = bind('_ConvNd.__init__', CONV_ND, args, site);
    const kernel = sig.get('kernel_size')!;
    if (kernel.kind !== 'tuple' && kernel.kind !== 'list') return broken(self, '_ConvNd: kernel_size is not a known tuple', site);
    const transposed = interp.truthy(sig.get('transposed')!);
    const rank = kernel.items.length;
    const spec = moduleSpecs.get(`${transposed ? 'ConvTranspose' : 'Conv'}${rank}d`);
    if (!spec) return broken(self, `_ConvNd: no ${rank}-d convolution`, site);
    const keywords = new Map<string, Value>();
    for (const k of ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode']) keywords.set(k, sig.get(k)!);
    if (transposed) keywords.set('output_padding', sig.get('output_padding')!);
    host.initLeaf(self, spec as ModuleSpec, { positional: [], keywords }, site);
    self.attrs.set('transposed', bool(transposed));
    if (!transposed) self.attrs.set('output_padding', sig.get('output_padding')!);
    return NONE;
  };
  convNd.attrs.set('__init__', method('_ConvNd.__init__', convInit));
  const convTransposeNd = base('_ConvTransposeNd', 'conv', [convNd]);
  convTransposeNd.attrs.set('__init__', method('_ConvTransposeNd.__init__', (self, args, site) => {
    const sig = bind('_ConvTransposeNd.__init__', CONV_ND, args, site);
    const mode = sig.get('padding_mode')!;
    if (mode.kind === 'str' && mode.value !== 'zeros') interp.raise('ValueError', `Only "zeros" padding mode is supported for ${self.cls.name}`, site);
    return convInit(self, args, site);
  }));

  // _NormBase(num_features, eps, momentum, affine, track_running_stats): weight and bias [C] when
  // affine, running statistics when tracking; _BatchNorm's forward checks the rank its subclass
  // allows (`_check_input_dim`), then batch-normalises.
  const normInit = (specName: string, signature: string) => (self: InstanceValue, args: CallArgs, site: Site | null): Value => {
    const sig = bind(`${self.cls.name}.__init__`, signature, args, site);
    const keywords = new Map<string, Value>();
    for (const k of ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats']) keywords.set(k, sig.get(k)!);
    host.initLeaf(self, moduleSpecs.get(specName) as ModuleSpec, { positional: [], keywords }, site);
    return NONE;
  };
  const normForward = (self: InstanceValue, args: CallArgs, site: Site | null): Value => {
    checkInputDim(self, args.positional[0], site);
    const spec = self.module!.native?.spec;
    if (!spec) {
      const why = self.attrs.get('__broken__');
      return why ?? unknown(`${self.cls.name} could not be built`, site);
    }
    return host.forwardLeaf(self, spec, args, site);
  };
  const normBase = base('_NormBase', 'batchnorm');
  normBase.attrs.set('__init__', method('_NormBase.__init__', normInit('SyncBatchNorm', NORM_BASE)));
  normBase.attrs.set('_check_input_dim', method('_NormBase._check_input_dim', (_self, _a, site) => interp.raise('NotImplementedError', '', site)));
  const batchNorm = base('_BatchNorm', 'batchnorm', [normBase]);
  batchNorm.attrs.set('forward', method('_BatchNorm.forward', normForward));
  const instanceNorm = base('_InstanceNorm', 'instancenorm', [normBase]);
  instanceNorm.attrs.set('__init__', method('_InstanceNorm.__init__', normInit('InstanceNorm2d', INSTANCE_NORM)));
  instanceNorm.attrs.set('forward', method('_InstanceNorm.forward', normForward));

  // Bases that only keep their arguments as attributes (their forward is the subclass's).
  const attributesBase = (name: string, file: string, signature: string, check?: (sig: Map<string, Value>, site: Site | null) => void): ClassValue => {
    const cls = base(name, file);
    cls.attrs.set('__init__', method(`${name}.__init__`, (self, args, site) => {
      const sig = bind(`${name}.__init__`, signature, args, site);
      check?.(sig, site);
      for (const [k, v] of sig) self.attrs.set(k, v);
      return NONE;
    }));
    return cls;
  };
  const maxPoolNd = attributesBase('_MaxPoolNd', 'pooling', 'kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False', (sig) => {
    if (sig.get('stride')!.kind === 'none') sig.set('stride', sig.get('kernel_size')!);
  });
  const avgPoolNd = base('_AvgPoolNd', 'pooling');
  const adaptiveAvgPoolNd = attributesBase('_AdaptiveAvgPoolNd', 'pooling', 'output_size');
  const adaptiveMaxPoolNd = attributesBase('_AdaptiveMaxPoolNd', 'pooling', 'output_size, return_indices=False');
  const dropoutNd = attributesBase('_DropoutNd', 'dropout', 'p=0.5, inplace=False', (sig, site) => {
    const p = sig.get('p')!;
    if ((p.kind === 'float' || p.kind === 'int') && (p.value < 0 || p.value > 1)) {
      interp.raise('ValueError', `dropout probability has to be between 0 and 1, but got ${p.value}`, site);
    }
  });

  const baseOf = (name: string): ClassValue => {
    if (/^(BatchNorm[123]d|SyncBatchNorm)$/.test(name)) return batchNorm;
    if (/^InstanceNorm[123]d$/.test(name)) return instanceNorm;
    if (/^Conv[123]d$/.test(name)) return convNd;
    if (/^ConvTranspose[123]d$/.test(name)) return convTransposeNd;
    if (/^MaxPool[123]d$/.test(name)) return maxPoolNd;
    if (/^AvgPool[123]d$/.test(name)) return avgPoolNd;
    if (/^AdaptiveAvgPool[123]d$/.test(name)) return adaptiveAvgPoolNd;
    if (/^AdaptiveMaxPool[123]d$/.test(name)) return adaptiveMaxPoolNd;
    if (/^(Dropout[123]?d?|AlphaDropout|FeatureAlphaDropout)$/.test(name)) return dropoutNd;
    return moduleClass;
  };

  // torch.nn.modules.<file>: the private bases, and the public layers by name.
  const modules = new Map<string, ModuleObjectValue>();
  const file = (name: string, members: Record<string, Value>): void => {
    const mod = nativeModuleObject(`torch.nn.modules.${name}`, members);
    mod.resolve = host.leafClass;
    modules.set(mod.name, mod);
  };
  file('conv', { _ConvNd: convNd, _ConvTransposeNd: convTransposeNd });
  file('batchnorm', { _NormBase: normBase, _BatchNorm: batchNorm });
  file('instancenorm', { _InstanceNorm: instanceNorm });
  file('pooling', { _MaxPoolNd: maxPoolNd, _AvgPoolNd: avgPoolNd, _AdaptiveAvgPoolNd: adaptiveAvgPoolNd, _AdaptiveMaxPoolNd: adaptiveMaxPoolNd });
  file('dropout', { _DropoutNd: dropoutNd });
  for (const name of ['linear', 'activation', 'normalization', 'upsampling', 'padding', 'pixelshuffle', 'flatten', 'container', 'sparse', 'rnn', 'transformer', 'loss', 'distance', 'fold', 'channelshuffle']) file(name, {});
  return { baseOf, modules };
}

/** `_check_input_dim` of the public norm layers, with torch's messages. */
export function normInputRanks(layerName: string): { ranks: number[]; message: string } | null {
  const m = /^(BatchNorm|InstanceNorm)([123])d$/.exec(layerName);
  if (!m) return null;
  const n = Number(m[2]);
  if (m[1] === 'BatchNorm') return n === 1 ? { ranks: [2, 3], message: '2D or 3D' } : { ranks: [n + 2], message: `${n + 2}D` };
  return { ranks: [n + 1, n + 2], message: `${n + 1}D or ${n + 2}D` };
}
