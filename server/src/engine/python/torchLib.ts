// PyTorch as the interpreter sees it: `torch`, `torch.nn`, `torch.nn.functional`, `nn.init`,
// nn.Module semantics (registration order, containers, named_modules), the leaf layers of the op
// catalogue, and tensor methods/operators — each call bound to its torch signature and handed to
// the pure op functions, with every module and functional call recorded for the report.

import type * as ast from './ast';
import { makeClass } from './builtins';
import { NO_KEYWORDS, PyError, type Interpreter, type Library } from './interpreter';
import { OpError, type FunctionSpec, type ModuleSpec, type OpResult, type OpValue, type Tensor } from '../ops/types';
import { repeated } from '../ops/layerArgs';
import { moduleSpecs } from '../ops/moduleRegistry';
import { layerFunctionSpecs } from '../ops/layerFunctions';
import { tensorFunctionSpecs } from '../ops/functionRegistry';
import { computeValues, elementOf, uniqueValues, unreadableReason, withKnown, type ValuedTensor } from '../ops/smallValues';
import { Recorder, tensorsIn } from './recorder';
import { bindToOpArgs, fromOpValue, parseSignature, toOpValue, UnknownArgument } from './signature';
import { makeStdlib, nativeModuleObject } from './stdlib';
import { installPrivateBases, normInputRanks } from './torchPrivateBases';
import { astype, makeNumpy } from './numpyLib';
import { dtypeUnknownOf, initialRequiresGrad, markDtypeUnknown, requiresGradValue, setRequiresGrad, withDtypeUnknown } from './paramFlags';
import {
  bool, dict, FALSE, float, int, iterator, list, native, nativeMethod, newId, NONE, str, TRUE, tuple, unknown, unknownNumber,
  WriteCountingMap, type CallArgs, type ClassValue, type InstanceValue, type ModuleObjectValue, type ModuleState, type NativeCall,
  type Site, type TensorValue, type Value,
} from './values';

/** `.tolist()` of a vector whose values are not known gives this many unknown numbers at most. */
const MAX_UNKNOWN_ELEMENTS = 4096;

const BINARY_DUNDER: Record<string, string> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod', '**': 'pow', '@': 'matmul',
  '&': 'and', '|': 'or', '^': 'xor', '<<': 'lshift', '>>': 'rshift',
  '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const VALUES_INDICES = /^(torch|Tensor)\.(max|min|sort|topk|kthvalue|mode|median|nanmedian|cummax|cummin)$/;
/** Functions whose calls are worth a row of their own in the layer table. */
const CREATION = /^torch\.(randn|rand|zeros|ones|empty|full|arange|linspace|eye|tensor|randint|normal|zeros_like|ones_like|randn_like|rand_like|empty_like|full_like|as_tensor|from_numpy)$/;

export interface TorchEnvironment {
  library: Library;
  recorder: () => Recorder | null;
  setRecorder: (r: Recorder | null) => void;
  moduleClass: ClassValue;
  /** Calls forward of a module instance with tensors, recording layers. */
  callModule: (module: InstanceValue, args: CallArgs, site: Site | null) => Value;
  /** `module.train(mode)`: the module and its submodules. */
  setTraining: (module: InstanceValue, mode: boolean) => void;
}

export function installTorch(interp: Interpreter): TorchEnvironment {
  let recorder: Recorder | null = null;
  let stdlib: Map<string, ModuleObjectValue> | null = null;
  const stdlibModule = (name: string): ModuleObjectValue | undefined => (stdlib ??= interp.makeShared(() => makeStdlib(interp))).get(name);
  const object = interp.objectClass;

  const fn = (name: string, call: NativeCall, bindsSelf = false) => native(name, call, bindsSelf);
  const passthrough = (name: string) => fn(name, (args) => args.positional[0] ?? NONE);
  const returnsSelf = (name: string) => fn(name, (args) => args.positional[0] ?? NONE, true);

  // ---------- ops ----------

  const opFailure = (e: unknown, opName: string, site: Site | null): Value => {
    if (e instanceof OpError) {
      const severity = e.code === 'unsupported' ? 'hint' : 'error';
      interp.options.diagnostics(severity, e.code === 'unsupported' ? 'unknown' : e.code, e.message, site);
      return unknown(`${opName}: ${e.message}`, site);
    }
    if (e instanceof UnknownArgument) return unknown(`${opName}: ${e.reason}`, e.origin ?? site);
    if (e instanceof PyError || (e instanceof Error && e.name === 'AnalysisAborted')) throw e;
    const message = e instanceof Error ? e.message : String(e);
    interp.options.diagnostics('hint', 'unknown', `${opName}: internal error: ${message}`, site);
    return unknown(`${opName}: internal error`, site);
  };

  /** The call sites that led here, innermost first. Kept with every layer row: counted first so
   *  the array is made at its size (an array grown by push reserves room for 17). */
  const calledSites = (prepend: Site | null = null): Site[] => {
    const stack = interp.callSites;
    let n = prepend ? 1 : 0;
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i];
      if (s && s.file.path !== '<model>') n++;
    }
    const out = new Array<Site>(n);
    let j = 0;
    if (prepend) out[j++] = prepend;
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i];
      if (s && s.file.path !== '<model>') out[j++] = s;
    }
    return out;
  };

  /** The innermost call site calledSites() would list first, if any. */
  const innermostCalledSite = (): Site | undefined => {
    const stack = interp.callSites;
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i];
      if (s && s.file.path !== '<model>') return s;
    }
    return undefined;
  };

  /** Apply a FunctionSpec to call arguments, recording a functional layer when it is one. */
  /** The dtype a value names (`torch.float16` → 'float16'), null for a value that is not a dtype. */
  const dtypeNameOf = (v: Value | undefined): string | null => {
    if (!v || v.kind !== 'instance' || v.cls !== dtypeClass) return null;
    const opname = v.attrs.get('__opname__');
    return opname?.kind === 'str' ? opname.value : null;
  };
  /** The dtype a conversion or factory call asks for: `dtype=`, or for `Tensor.to`/`.type` the
   *  positional dtype wherever it stands (`x.to(torch.half)`, `x.to('cuda', torch.half)`). */
  const requestedDtype = (name: string, args: CallArgs): string | null => {
    const kw = dtypeNameOf(args.keywords.get('dtype'));
    if (kw || !/^Tensor\.(to|type)$/.test(name)) return kw;
    for (const a of args.positional) {
      const d = dtypeNameOf(a);
      if (d) return d;
    }
    return null;
  };
  /** Whether a call makes a float tensor of another dtype than float32 (half, bfloat16, double). */
  const otherFloatDtype = (name: string, args: CallArgs): boolean => {
    if (/^Tensor\.(double|half|bfloat16)$/.test(name)) return true;
    const dtype = requestedDtype(name, args);
    return dtype !== null && /^(float64|double|float16|half|bfloat16)$/.test(dtype);
  };
  /** Whether a call converts to float32 (`x.float()`, `x.to(torch.float32)`): its result is
   *  float32 whatever its input was. */
  const toFloat32 = (name: string, args: CallArgs): boolean => {
    if (name === 'Tensor.float') return true;
    if (!/^Tensor\.(to|type)$/.test(name)) return false;
    const dtype = requestedDtype(name, args);
    return dtype === 'float32' || dtype === 'float';
  };
  const applyFunction = (spec: FunctionSpec, args: CallArgs, site: Site | null, record: boolean): Value => {
    let result: OpResult;
    let inputs: Tensor[] = [];
    let opArgs: Record<string, OpValue>;
    try {
      opArgs = bindToOpArgs(interp, spec.name, spec.signature, args, site) as Record<string, OpValue>;
      inputs = collectTensors(opArgs);
      // In-place ops change their input's numbers: the analysis forgets them.
      if (/[^_]_$|^Tensor\.__i/.test(spec.name)) {
        for (const t of inputs) {
          const vt = t as ValuedTensor;
          delete vt.values;
          delete vt.lo;
          delete vt.hi;
        }
      }
      const unique = spec.name === 'torch.unique' && !opArgs.return_inverse && (opArgs.dim === undefined || opArgs.dim === null)
        ? uniqueValues(opArgs.input) : null;
      if (unique) {
        const n = unique.lo.length;
        const distinct = withKnown({ kind: 'tensor', shape: [n], geometry: null }, unique);
        const counts = withKnown({ kind: 'tensor', shape: [n], geometry: null }, { ...unique, lo: unique.counts, hi: unique.counts, integral: true, double: false });
        result = { value: opArgs.return_counts ? [distinct, counts] : distinct, macs: 0 };
      } else result = spec.apply(opArgs);
    } catch (e) {
      const v = opFailure(e, spec.name, site);
      if (record && recorder && v.kind === 'unknown' && args.positional.some((a) => a.kind === 'tensor')) {
        recordFunction(spec.name, inputs, [], 0, undefined, site, v.reason);
      }
      return v;
    }
    let value = fromOpValue(result.value);
    if (value.kind === 'tensor') value = withValues(spec.name, opArgs, value, args);
    // Tensors carry no dtype here: one made with another float dtype (`dtype=torch.float16`,
    // `.double()`) is flagged, so a Parameter made from it does not count 4 bytes each.
    if (value.kind === 'tensor') {
      // Computed from such a tensor: its dtype may be that one too (type promotion), so unknown.
      let why = otherFloatDtype(spec.name, args)
        ? `a tensor of another dtype than float32 made by ${spec.name}${site ? ` at line ${site.file.lines.position(site.from).line + 1}` : ''}`
        : undefined;
      if (toFloat32(spec.name, args)) {
        // A conversion may hand back its input's object, flag and all.
        if ((value as { dtypeUnknown?: string }).dtypeUnknown) {
          const copy: TensorValue & { dtypeUnknown?: string } = { ...value };
          delete copy.dtypeUnknown;
          value = copy;
        }
      } else why ??= dtypeUnknownOf(inputs, null);
      if (why) value = { ...value, dtypeUnknown: why } as TensorValue;
    }
    // torch.max(x, dim) and friends return a named (values, indices) pair.
    if (value.kind === 'tuple' && value.items.length === 2 && VALUES_INDICES.test(spec.name)) value = { ...value, cls: valuesIndices };
    if (recorder && (record || result.macs > 0)) {
      recordFunction(spec.name, inputs, tensorsIn(value), result.macs, result.geometry, site);
    }
    return value;
  };

  /** The op's result with the numbers it holds when they are known (ops/smallValues.ts), and
   *  without numbers carried over from an input otherwise. */
  const withValues = (name: string, opArgs: Record<string, OpValue>, t: ValuedTensor, args: CallArgs): Value => {
    if (name === 'torch.unique') return t;
    // Only 0-d and 1-d results carry numbers (the hot path of forward never reads the arguments).
    const known = t.shape.length <= 1 ? computeValues(name, opArgs, t.shape, hasFloatArgument(args)) : null;
    // The numbers weigh like a list of that many elements (steps and the allocation budget).
    if (known) interp.noteBuilding(known.lo.length, null);
    if (!known && t.values === undefined && t.lo === undefined && !t.numpy) return t;
    return withKnown(t, known) as Value;
  };

  const recordFunction = (name: string, inputs: Tensor[], outputs: Tensor[], macs: number,
    geometry: OpResult['geometry'], site: Site | null, unknownReason?: string): void => {
    if (!recorder) return;
    // The op's own site first, unless the innermost call already is it.
    const called = calledSites(site && site !== innermostCalledSite() ? site : null);
    recorder.layers.push({
      module: null, op: name, family: name, kind: 'function', args: '', inputs, outputs, macs, geometry,
      owner: recorder.moduleStack[recorder.moduleStack.length - 1] ?? null, called, unknown: unknownReason,
    });
  };

  /** What loading weights returns (`torch.load`, `load_state_dict_from_url`, `model_zoo.load_url`,
   *  `weights.get_state_dict()`): nothing is read or fetched, so it holds nothing, and reading a
   *  key gives Unknown instead of a KeyError. */
  const stateDictClass = makeClass('OrderedDict', [interp.builtins.get('dict') as ClassValue], {}, 'collections');
  stateDictClass.attrs.set('__missing__', native('state_dict.__missing__', (args, site) => {
    const key = args.positional[1];
    return unknown(`weights are not loaded by the analysis${key?.kind === 'str' ? ` (${key.value})` : ''}`, site);
  }, true));
  const loadedWeights = (name: string) => fn(name, () => dict([], stateDictClass));

  const valuesIndices = makeClass('return_types', [interp.builtins.get('tuple') as ClassValue], {}, 'torch');
  valuesIndices.attrs.set('_fields', tuple([str('values'), str('indices')]));

  const functionValue = (spec: FunctionSpec, record: boolean): Value =>
    fn(spec.name, (args, site) => applyFunction(spec, args, site, record));


  // ---------- nn.Module ----------

  const moduleClass = makeClass('Module', [object], {}, 'torch.nn.modules.module');
  /** `madeAt`: the call that makes the module, listed before the calls that led to it. */
  const newModuleState = (madeAt: Site | null): ModuleState => ({
    modules: new Map(), parameters: new Map(), buffers: new Map(), native: null, defined: calledSites(madeAt),
  });
  const ensureModule = (self: Value, madeAt: Site | null = null): InstanceValue | null => {
    if (self.kind !== 'instance') return null;
    if (!self.module) {
      self.module = newModuleState(madeAt);
      // A new module is in training mode, as torch's Module.__init__ leaves it (code may test
      // self.training in __init__); the analysis runs forward in eval mode (setTraining).
      self.attrs.set('training', TRUE);
    }
    return self;
  };
  const isModule = (v: Value): v is InstanceValue => v.kind === 'instance' && !!v.module;

  const m = (name: string, call: (self: InstanceValue, args: CallArgs, site: Site | null) => Value) =>
    nativeMethod(`Module.${name}`, (self, args, site) => {
      if (!self || self.kind !== 'instance') return unknown(`${name} on a non-module`, site);
      ensureModule(self);
      return call(self, args, site);
    });

  moduleClass.attrs.set('__init__', m('__init__', () => NONE));
  moduleClass.attrs.set('training', bool(false));
  moduleClass.attrs.set('dump_patches', bool(false));
  moduleClass.attrs.set('__call__', m('__call__', (self, args, site) => callModule(self, args, site)));
  moduleClass.attrs.set('forward', m('forward', (self, _a, site) =>
    interp.raise('NotImplementedError', `Module [${self.cls.name}] is missing the required "forward" function`, site)));
  const register = (self: InstanceValue, name: string, child: Value, site: Site | null): Value => {
    if (child.kind === 'none') {
      self.module!.modules.set(name, NONE);
      return NONE;
    }
    if (!isModule(child)) {
      if (child.kind === 'unknown') {
        interp.noteProblem(site, `${self.cls.name}.${name} is unknown (${child.reason}): the model lacks that submodule`);
        self.attrs.set(name, child);
        return NONE;
      }
      return interp.raise('TypeError', `${child.kind} is not a Module subclass`, site);
    }
    self.attrs.delete(name);
    self.module!.modules.set(name, child);
    return NONE;
  };
  /** A registration whose name is not known: what it registers is missing from the model. */
  const unknownRegistration = (self: InstanceValue, method: string, name: Value | undefined, site: Site | null): Value => {
    const why = name?.kind === 'unknown' ? name.reason : `a name that is a ${name?.kind ?? 'missing argument'}`;
    interp.noteProblem(site, `${self.cls.name}.${method} was not followed: the name is unknown (${why})`);
    return unknown(`${method} with an unknown name`, site);
  };
  moduleClass.attrs.set('add_module', m('add_module', (self, args, site) => {
    const [name, child] = args.positional;
    if (name?.kind !== 'str') return unknownRegistration(self, 'add_module', name, site);
    return register(self, name.value, child ?? NONE, site);
  }));
  moduleClass.attrs.set('register_module', moduleClass.attrs.get('add_module')!);
  moduleClass.attrs.set('register_buffer', m('register_buffer', (self, args, site) => {
    const name = option(args, 0, 'name', NONE);
    const value = option(args, 1, 'tensor', NONE);
    const persistent = option(args, 2, 'persistent', TRUE);
    if (name.kind !== 'str') return unknownRegistration(self, 'register_buffer', name, site);
    const state = self.module!;
    state.buffers.set(name.value, value);
    if (!interp.truthy(persistent)) (state.nonPersistent ??= new Set()).add(name.value);
    else state.nonPersistent?.delete(name.value);
    return NONE;
  }));
  moduleClass.attrs.set('register_parameter', m('register_parameter', (self, args, site) => {
    const [name, value] = args.positional;
    if (name?.kind !== 'str') return unknownRegistration(self, 'register_parameter', name, site);
    // The same Parameter object, so a later `p.requires_grad = False` on it is seen here too.
    if (value?.kind === 'tensor') self.module!.parameters.set(name.value, value.parameter ? value : { ...value, parameter: true });
    else {
      if (value?.kind === 'unknown') interp.noteProblem(site, `${self.cls.name}.${name.value} is unknown (${value.reason}): the model lacks that parameter`);
      self.module!.parameters.set(name.value, NONE);
    }
    return NONE;
  }));
  const namedModules = (root: InstanceValue, prefix = '', seen = new Set<number>(), out: [string, InstanceValue][] = []): [string, InstanceValue][] => {
    if (seen.has(root.id)) return out;
    seen.add(root.id);
    out.push([prefix, root]);
    for (const [name, child] of root.module?.modules ?? []) {
      if (child.kind === 'instance') namedModules(child, prefix ? `${prefix}.${name}` : name, seen, out);
    }
    return out;
  };
  const children = (self: InstanceValue): [string, InstanceValue][] => {
    const out: [string, InstanceValue][] = [];
    const seen = new Set<number>();
    for (const [name, child] of self.module!.modules) {
      if (child.kind === 'instance' && !seen.has(child.id)) {
        seen.add(child.id);
        out.push([name, child]);
      }
    }
    return out;
  };
  const namedParameters = (self: InstanceValue): [string, Value][] => {
    const out: [string, Value][] = [];
    for (const [prefix, mod] of namedModules(self)) {
      for (const [name, p] of parametersOf(mod)) out.push([prefix ? `${prefix}.${name}` : name, p]);
    }
    return out;
  };
  // Keyword or positional options of the iteration methods, as torch names them.
  const option = (args: CallArgs, i: number, name: string, dflt: Value): Value => args.positional[i] ?? args.keywords.get(name) ?? dflt;
  const prefixed = (prefix: Value, name: string): string => {
    const p = prefix.kind === 'str' ? prefix.value : '';
    return p && name ? `${p}.${name}` : p || name;
  };
  const recursing = (self: InstanceValue, recurse: Value): [string, InstanceValue][] =>
    interp.truthy(recurse) ? namedModules(self) : [['', self]];
  moduleClass.attrs.set('modules', m('modules', (self) => iterator(allModules(self, new Set(), []))));
  moduleClass.attrs.set('named_modules', m('named_modules', (self, args) => {
    const prefix = option(args, 1, 'prefix', str(''));
    return iterator(namedModules(self).map(([n, x]) => tuple([str(prefixed(prefix, n)), x])));
  }));
  moduleClass.attrs.set('children', m('children', (self) => iterator(children(self).map(([, x]) => x))));
  moduleClass.attrs.set('named_children', m('named_children', (self) => iterator(children(self).map(([n, x]) => tuple([str(n), x])))));
  const namedParametersOf = (self: InstanceValue, recurse: Value): [string, Value][] => {
    const out: [string, Value][] = [];
    const seen = new Set<Value>();
    for (const [prefix, mod] of recursing(self, recurse)) {
      for (const [name, p] of parametersOf(mod)) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  };
  moduleClass.attrs.set('parameters', m('parameters', (self, args) => iterator(namedParametersOf(self, option(args, 0, 'recurse', bool(true))).map(([, p]) => p))));
  moduleClass.attrs.set('named_parameters', m('named_parameters', (self, args) => {
    const prefix = option(args, 0, 'prefix', str(''));
    return iterator(namedParametersOf(self, option(args, 1, 'recurse', bool(true))).map(([n, p]) => tuple([str(prefixed(prefix, n)), p])));
  }));
  const namedBuffersOf = (self: InstanceValue, recurse: Value): [string, Value][] =>
    recursing(self, recurse).flatMap(([p, x]) => [...x.module!.buffers].filter(([, b]) => b.kind !== 'none').map(([n, b]): [string, Value] => [p ? `${p}.${n}` : n, b]));
  moduleClass.attrs.set('buffers', m('buffers', (self, args) => iterator(namedBuffersOf(self, option(args, 0, 'recurse', bool(true))).map(([, b]) => b))));
  moduleClass.attrs.set('named_buffers', m('named_buffers', (self, args) => {
    const prefix = option(args, 0, 'prefix', str(''));
    return iterator(namedBuffersOf(self, option(args, 1, 'recurse', bool(true))).map(([n, b]) => tuple([str(prefixed(prefix, n)), b])));
  }));
  moduleClass.attrs.set('apply', m('apply', (self, args, site) => {
    const f = args.positional[0];
    if (!f) return self;
    const visit = (mod: InstanceValue): void => {
      for (const [, c] of children(mod)) visit(c);
      interp.call(f, { positional: [mod], keywords: NO_KEYWORDS }, site);
    };
    visit(self);
    return self;
  }));
  moduleClass.attrs.set('train', m('train', (self, args, site) => {
    const mode = option(args, 0, 'mode', TRUE);
    if (mode.kind !== 'bool') return interp.raise('ValueError', 'training mode is expected to be boolean', site);
    setTraining(self, mode.value);
    return self;
  }));
  moduleClass.attrs.set('eval', m('eval', (self) => {
    setTraining(self, false);
    return self;
  }));
  for (const name of ['cuda', 'cpu', 'float', 'share_memory', 'to_empty']) {
    moduleClass.attrs.set(name, m(name, (self) => self));
  }
  // `module.requires_grad_(False)` freezes every parameter under it (paramFlags.ts).
  moduleClass.attrs.set('requires_grad_', m('requires_grad_', (self, args, site) => {
    const flag = option(args, 0, 'requires_grad', TRUE);
    for (const [, p] of namedParametersOf(self, TRUE)) if (p.kind === 'tensor') {
      interp.noteWrite(p);
      setRequiresGrad(p, flag, site, (v) => interp.truthy(v));
    }
    return self;
  }));
  /** Whether `module.to(...)` / `.type(...)` / `.half()` may change its parameters' dtype. */
  const changesDtype = (name: string, args: CallArgs): boolean => {
    if (name !== 'to' && name !== 'type') return true;
    const values = [...args.positional, ...args.keywords.values()];
    return values.some((v) => {
      if (v.kind === 'instance' && v.cls === dtypeClass) {
        const opname = v.attrs.get('__opname__');
        return !(opname?.kind === 'str' && (opname.value === 'float32' || opname.value === 'float'));
      }
      return v.kind === 'tensor' || v.kind === 'unknown' || (name === 'type' && !(v.kind === 'str' && v.value.endsWith('.FloatTensor')));
    });
  };
  // A dtype change makes the parameters' bytes unknown: tensors here carry no dtype, so memory is
  // counted at float32's 4 bytes only where nothing changed it.
  for (const name of ['to', 'double', 'half', 'type', 'bfloat16']) {
    moduleClass.attrs.set(name, m(name, (self, args, site) => {
      if (changesDtype(name, args)) {
        const why = `${self.cls.name}.${name}(…)${site ? ` at line ${site.file.lines.position(site.from).line + 1}` : ''} changes the parameters' dtype, which ConvLens does not follow`;
        for (const [, p] of namedParametersOf(self, TRUE)) if (p.kind === 'tensor') {
          interp.noteWrite(p);
          markDtypeUnknown(p, why);
        }
      }
      return self;
    }));
  }
  // Hooks would run code the analysis does not follow: their handles are Unknown. A forward hook
  // may change what a layer returns; backward hooks and state-dict loading change no shape.
  for (const name of ['register_forward_hook', 'register_forward_pre_hook', 'register_full_backward_hook', 'register_backward_hook', '_load_from_state_dict']) {
    const changesForward = name.startsWith('register_forward');
    moduleClass.attrs.set(name, m(name, (self, _a, site) => {
      if (changesForward) interp.noteProblem(site, `${self.cls.name}.${name}: the hook is not run by the analysis, and it may change what the module returns`);
      return unknown(`Module.${name} is not analysed`, site);
    }));
  }
  moduleClass.attrs.set('zero_grad', m('zero_grad', () => NONE));
  moduleClass.attrs.set('extra_repr', m('extra_repr', () => str('')));
  // Loading weights changes no shape: `load_state_dict` does nothing and reports no missing keys.
  const incompatibleKeys = makeClass('_IncompatibleKeys', [interp.builtins.get('tuple') as ClassValue], {}, 'torch.nn.modules.module');
  incompatibleKeys.attrs.set('_fields', tuple([str('missing_keys'), str('unexpected_keys')]));
  moduleClass.attrs.set('load_state_dict', m('load_state_dict', () => ({ kind: 'tuple', items: [list([]), list([])], cls: incompatibleKeys })));
  // A model's state dict holds its parameters and buffers by dotted name; names it does not hold
  // (buffers of leaf layers such as BatchNorm's running statistics) are Unknown, not KeyError.
  moduleClass.attrs.set('state_dict', m('state_dict', (self) => {
    // torch's order: each module's parameters, then its persistent buffers, then its children's.
    const entries: [Value, Value][] = [];
    for (const [prefix, mod] of namedModules(self)) {
      const state = mod.module!;
      for (const [n, p] of state.parameters) if (p.kind !== 'none') entries.push([str(prefix ? `${prefix}.${n}` : n), p]);
      for (const [n, b] of state.buffers) if (b.kind !== 'none' && !state.nonPersistent?.has(n)) entries.push([str(prefix ? `${prefix}.${n}` : n), b]);
    }
    return dict(entries, stateDictClass);
  }));
  moduleClass.attrs.set('get_submodule', m('get_submodule', (self, args, site) => {
    const target = args.positional[0];
    if (target?.kind !== 'str') return unknown('get_submodule of an unknown name', site);
    let cur: Value = self;
    for (const part of target.value.split('.').filter(Boolean)) {
      const next: Value | undefined = cur.kind === 'instance' ? cur.module?.modules.get(part) : undefined;
      if (!next) return interp.raise('AttributeError', `${self.cls.name} has no attribute \`${part}\``, site);
      cur = next;
    }
    return cur;
  }));
  // Called by name (`self.__setattr__(name, m)`, `nn.Module.__setattr__(self, ...)`,
  // `super().__setattr__` in a subclass's own): torch's registering assignment.
  moduleClass.attrs.set('__setattr__', m('__setattr__', (self, args, site) => {
    const [name, value] = args.positional;
    if (!name || !value) return interp.raise('TypeError', `__setattr__ expected 2 arguments, got ${args.positional.length}`, site);
    if (name.kind === 'unknown') {
      interp.noteProblem(site, `__setattr__ was not followed: the name is unknown (${name.reason})`);
      return NONE;
    }
    if (name.kind !== 'str') return interp.raise('TypeError', `attribute name must be string, not '${name.kind}'`, site);
    interp.setAttr(self, name.value, value, site, true);
    return NONE;
  }));
  moduleClass.attrs.set('__getattr__', m('__getattr__', (self, args, site) => {
    const name = args.positional[0];
    if (name?.kind !== 'str') return unknown('__getattr__ of an unknown name', site);
    return moduleGetAttr(self, name.value) ?? interp.raise('AttributeError', `'${self.cls.name}' object has no attribute '${name.value}'`, site);
  }));
  moduleClass.attrs.set('__setstate__', m('__setstate__', () => NONE));
  moduleClass.attrs.set('__dir__', m('__dir__', (self) => list([...self.attrs.keys()].map(str))));

  /** `train(mode)` / `eval()`: the module and every submodule. */
  const setTraining = (root: InstanceValue, mode: boolean): void => {
    const flag = mode ? TRUE : FALSE;
    for (const mod of allModules(root, new Set(), [])) {
      if (mod.attrs.get('training') === flag) continue;
      interp.noteWrite(mod); // a module a library made at its top level is no longer as its files left it
      // A leaf layer's config is not built from `training`: a check of its attributes done before
      // this write still holds (forward need not compare them all again).
      const native = mod.module?.native;
      const attrs = mod.attrs;
      const stillChecked = native && attrs instanceof WriteCountingMap && native.checkedAttrs === attrs && native.checkedAtWrites === attrs.writes
        && !native.builtFrom?.names.includes('training');
      attrs.set('training', flag);
      if (stillChecked) noteChecked(native, attrs);
    }
  };

  const parametersOf = (mod: InstanceValue): [string, Value][] => {
    const out: [string, Value][] = [];
    for (const [name, p] of mod.module!.parameters) if (p.kind === 'tensor') out.push([name, p]);
    return out;
  };

  const moduleGetAttr = (self: InstanceValue, name: string): Value | undefined => {
    const state = self.module!;
    const p = state.parameters.get(name);
    if (p !== undefined) return p;
    const b = state.buffers.get(name);
    if (b !== undefined) return b;
    const child = state.modules.get(name);
    if (child !== undefined) return child;
    if (name === '_modules') return dict([...state.modules].map(([k, v]) => [str(k), v]));
    if (name === '_parameters') return dict([...state.parameters].map(([k, v]) => [str(k), v]));
    if (name === '_buffers') return dict([...state.buffers].map(([k, v]) => [str(k), v]));
    return undefined;
  };

  const moduleSetAttr = (self: InstanceValue, name: string, value: Value, site: Site | null): void => {
    const state = self.module!;
    if (state.native) warnUnfollowedWrite(self, state.native, name, value, site);
    if (value.kind === 'tensor' && value.parameter) {
      self.attrs.delete(name);
      state.parameters.set(name, value);
      // forward compares its parameters again (they are not in the counted attributes)
      if (state.native) state.native.checkedAttrs = null;
      return;
    }
    if (isModule(value)) {
      self.attrs.delete(name);
      state.parameters.delete(name);
      state.modules.set(name, value);
      return;
    }
    if (state.modules.has(name)) {
      // Python: assigning a non-module to a registered name raises unless it is None.
      if (value.kind === 'none') {
        state.modules.set(name, NONE);
        return;
      }
      state.modules.delete(name);
    }
    if (state.parameters.has(name)) {
      if (value.kind === 'none') {
        state.parameters.set(name, NONE);
        return;
      }
      state.parameters.delete(name);
    }
    if (state.buffers.has(name)) {
      state.buffers.set(name, value);
      return;
    }
    self.attrs.set(name, value);
  };

  /** A write to a leaf layer that its forward reads but ConvLens cannot follow: the warning sits
   *  on the write's line (the layer's call is then unknown, which marks the model incomplete). */
  const warnUnfollowedWrite = (self: InstanceValue, native: NonNullable<ModuleState['native']>, name: string, value: Value, site: Site | null): void => {
    const family = stateFamily(native.spec.name);
    const state = self.module!;
    const hasState = state.parameters.size > 0 || state.buffers.size > 0;
    let why: string | null = null;
    if (hasState && native.builtFrom?.names.includes(name) && followedByWrite(family, name) === false) {
      if (self.attrs.get(name) === value) return;
      why = `${self.cls.name}.${name} is assigned after the layer was built: PyTorch's forward reads it with parameters of the old shape, which ConvLens does not follow, so this layer's output is unknown`;
    } else if (family.kind !== 'conv' && family.kind !== 'linear' && state.parameters.has(name)) {
      const old = state.parameters.get(name)!;
      const same = old.kind === 'tensor' && value.kind === 'tensor' ? sameShape(old.shape, value.shape) : old.kind === value.kind;
      if (!same) why = `${self.cls.name}.${name} is replaced by a parameter of another shape after the layer was built; ConvLens does not follow that, so this layer's output is unknown`;
    }
    // A subclass whose forward is Python code (F.batch_norm with self.weight) reads what it reads.
    if (why && interp.lookupClassAttr(self.cls, 'forward')?.kind !== 'function') interp.options.diagnostics('warning', 'unknown', why, site);
  };

  /** Calling a module: leaf layers go to the op catalogue, others run their forward. */
  const callModule = (self: InstanceValue, args: CallArgs, site: Site | null): Value => {
    ensureModule(self);
    interp.steps += 5;
    const forward = interp.lookupClassAttr(self.cls, 'forward');
    if (!forward) return interp.raise('NotImplementedError', `${self.cls.name} has no forward`, site);
    // A module without children whose forward is Python code (LayerNorm2d, Permute,
    // StochasticDepth) is a leaf for torch's hooks: it is one row, holding the functional calls
    // it makes.
    // So is a container with nothing in it (an empty nn.Sequential() as a shortcut).
    const userLeaf = recorder !== null && (forward.kind === 'function' || !self.module!.native) && !hasChildModule(self);
    const start = recorder ? recorder.layers.length : 0;
    if (recorder) recorder.moduleStack.push(self);
    // Python forwards push their call site themselves; native ones (leaf layers, Sequential)
    // need it on the stack so their rows know the line that called them.
    const pushSite = forward.kind !== 'function';
    if (pushSite) interp.callSites.push(site);
    let result: Value | undefined;
    try {
      result = interp.callAsMethod(forward, self, args, site);
      return result;
    } finally {
      if (pushSite) interp.callSites.pop();
      if (recorder) {
        recorder.moduleStack.pop();
        if (userLeaf) {
          const nested = recorder.layers.splice(start);
          const inputs = args.positional.flatMap((a) => tensorsIn(a));
          const outputs = result ? tensorsIn(result) : [];
          const windowed = nested.find((r) => r.geometry?.kernel);
          recorder.layers.push({
            module: self, op: self.cls.name, family: windowed?.family ?? self.cls.name, kind: 'module', args: '',
            inputs, outputs, macs: nested.reduce((sum, r) => sum + r.macs, 0), geometry: windowed?.geometry,
            // The call's own site first: forward has returned, so it is no longer on the stack.
            owner: null, called: calledSites(site && site !== innermostCalledSite() ? site : null),
            unknown: result === undefined ? 'forward did not finish' : result.kind === 'unknown' ? result.reason : undefined,
          });
        }
      }
    }
  };

  // ---------- leaf layers from the op catalogue ----------

  const leafClasses = new Map<string, ClassValue>();
  // Made on first use, whichever module names it, and kept by the world: its values count as
  // shared (Interpreter.makeShared), so a write into it in this analysis is noticed.
  const leafClass = (name: string): ClassValue | undefined => leafClasses.get(name) ?? interp.makeShared(() => makeLeafClass(name));
  const makeLeafClass = (name: string): ClassValue | undefined => {
    const spec = moduleSpecs.get(name);
    if (!spec) return undefined;
    const cls = makeClass(name, [privateBases.baseOf(name)], { moduleSpec: spec as ModuleSpec }, 'torch.nn');
    const ranks = normInputRanks(name);
    if (ranks) {
      cls.attrs.set('_check_input_dim', fn(`${name}._check_input_dim`, (args, site) => {
        const input = args.positional[1];
        if (input?.kind === 'tensor' && !ranks.ranks.includes(input.shape.length)) {
          return interp.raise('ValueError', `expected ${ranks.message} input (got ${input.shape.length}D input)`, site);
        }
        return NONE;
      }, true));
    }
    cls.attrs.set('__init__', nativeMethod(`${name}.__init__`, (self, args, site) => {
      if (!self || self.kind !== 'instance') return NONE;
      ensureModule(self);
      initLeaf(self, spec as ModuleSpec, args, site);
      return NONE;
    }));
    cls.attrs.set('forward', nativeMethod(`${name}.forward`, (self, args, site) => {
      if (!self || self.kind !== 'instance') return unknown('forward on a non-module', site);
      return forwardLeaf(self, spec as ModuleSpec, args, site);
    }));
    leafClasses.set(name, cls);
    return cls;
  };

  const initLeaf = (self: InstanceValue, spec: ModuleSpec, args: CallArgs, site: Site | null): void => {
    const state = self.module!;
    // Python-level attributes (`conv.in_channels`, `fc.in_features`) as the caller passed them.
    const signature = parseSignature(interp, spec.signature);
    const sig = interp.bindArguments(spec.name, signature.params, signature.defaults, args, site);
    const rank = tupleAttrRank(spec.name);
    // The bound names once, in binding order (iterating the Map's entries would make a [key,
    // value] pair per argument, three times over, for every layer built).
    const names = [...sig.keys()];
    // `bias=False` is an argument, but `conv.bias` is the parameter (or None): parameters win.
    for (const k of names) if (k !== 'device' && k !== 'dtype' && k !== 'bias') self.attrs.set(k, normaliseAttr(rank, k, sig.get(k)!));
    try {
      const opArgs: Record<string, ReturnType<typeof toOpValue>> = {};
      for (const k of names) opArgs[k] = toOpValue(sig.get(k)!, k);
      const config = spec.build(opArgs);
      // A loop: a callback reading `self` would allocate a context on every call of initLeaf.
      const values = new Array<Value | undefined>(names.length);
      for (let i = 0; i < names.length; i++) values[i] = self.attrs.get(names[i]!);
      state.native = { spec, config, description: spec.describe(config), builtFrom: { names, values }, opArgs, checkedAttrs: null, checkedAtWrites: 0 };
      // `values` were just read from the attributes: forward compares again only after a write.
      noteChecked(state.native, self.attrs instanceof WriteCountingMap ? self.attrs : null);
      const total = spec.params(config);
      for (const [name, shape] of parameterShapes(spec.name, opArgs, total)) {
        state.parameters.set(name, shape ? { kind: 'tensor', shape, geometry: null, parameter: true } : NONE);
      }
      if (!state.parameters.size && total > 0) {
        state.parameters.set('weight', { kind: 'tensor', shape: [total], geometry: null, parameter: true });
      }
      const dtype = sig.get('dtype');
      if (dtype && dtype.kind !== 'none' && !isFloat32(dtype)) {
        const why = `${spec.name}(dtype=${dtypeNameOf(dtype) ? `torch.${dtypeNameOf(dtype)}` : '…'})${site ? ` at line ${site.file.lines.position(site.from).line + 1}` : ''} builds parameters of another dtype than float32`;
        for (const p of state.parameters.values()) if (p.kind === 'tensor') markDtypeUnknown(p, why);
      }
      state.native.builtParams = [...state.parameters.values()];
      // Norm layers' running statistics are buffers (code that re-implements their forward reads them).
      for (const [name, shape] of bufferShapes(spec.name, opArgs)) {
        state.buffers.set(name, shape ? { kind: 'tensor', shape, geometry: null } : NONE);
      }
    } catch (e) {
      if (e instanceof OpError) {
        interp.options.diagnostics('error', e.code === 'unsupported' ? 'unknown' : e.code, e.message, site);
        // Its parameters are unknown, whether forward calls it or not.
        interp.noteProblem(site);
        self.attrs.set('__broken__', unknown(e.message, site));
        return;
      }
      if (e instanceof UnknownArgument) {
        interp.noteProblem(e.origin ?? site, `${spec.name} was not built: ${e.reason}`);
        self.attrs.set('__broken__', unknown(`${spec.name}: ${e.reason}`, e.origin ?? site));
        return;
      }
      throw e;
    }
  };

  const isFloat32 = (v: Value): boolean => {
    const d = dtypeNameOf(v);
    return d === 'float32' || d === 'float';
  };

  /** One row for a call of a leaf layer (no closure per call: this runs for every layer call). */
  const recordLeaf = (self: InstanceValue, spec: ModuleSpec, inputs: Tensor[], outputs: Tensor[], macs: number,
    geometry: OpResult['geometry'], why: string | undefined): void => {
    if (!recorder) return;
    recorder.layers.push({
      module: self, op: self.cls.name, family: spec.name, kind: 'module', args: self.module!.native?.description ?? '',
      inputs, outputs, macs, geometry, owner: null, called: calledSites(), unknown: why,
    });
  };

  const forwardLeaf = (self: InstanceValue, spec: ModuleSpec, args: CallArgs, site: Site | null): Value => {
    const state = self.module!;
    const positional = args.positional;
    const inputs: Tensor[] = positional.length === 1 && positional[0]!.kind === 'tensor'
      ? [positional[0]!]
      : positional.filter((a): a is TensorValue => a.kind === 'tensor');
    if (!state.native) {
      const broken = self.attrs.get('__broken__');
      const reason = broken && broken.kind === 'unknown' ? broken.reason : `${spec.name} could not be built`;
      recordLeaf(self, spec, inputs, [], 0, undefined, reason);
      return unknown(reason, site);
    }
    let result: OpResult;
    try {
      const config = configNow(self, state.native);
      const opArgs = bindToOpArgs(interp, `${spec.name}.forward`, spec.forwardSignature, args, site);
      result = spec.forward(config, opArgs);
    } catch (e) {
      const v = opFailure(e, spec.name, site);
      recordLeaf(self, spec, inputs, [], 0, undefined, v.kind === 'unknown' ? v.reason : 'unknown');
      return v;
    }
    let value = fromOpValue(result.value);
    // A layer computes in its parameters' and input's float dtype (or torch refuses the mix):
    // where either is not float32, neither is its output.
    const why = dtypeUnknownOf(inputs, state);
    if (why) value = withDtypeUnknown(value, why);
    recordLeaf(self, spec, inputs, tensorsIn(value), result.macs, result.geometry, undefined);
    return value;
  };

  /** The config forward uses: PyTorch's forward reads the module's attributes when it runs, so
   *  `conv.stride = (1, 1)` or `m.dilation, m.padding = (2, 2), (2, 2)` after construction
   *  (dilating a torchvision backbone) changes the layer, and a write to an attribute forward
   *  never reads (`conv.in_channels`, `fc.in_features`) changes nothing. Convolutions and linear
   *  layers take their channels and kernel from the weight they hold now, as F.conv2d does. An
   *  attribute forward reads that also decided the parameters' shapes (an InstanceNorm's
   *  num_features, a LayerNorm's normalized_shape) is not followed: unknown, with a warning at
   *  the write (moduleSetAttr). */
  const configNow = (self: InstanceValue, native: NonNullable<NonNullable<InstanceValue['module']>['native']>): unknown => {
    if (!native.builtFrom || !native.opArgs) return native.config;
    const counted = self.attrs instanceof WriteCountingMap ? self.attrs : null;
    if (counted && counted === native.checkedAttrs && counted.writes === native.checkedAtWrites) return native.config;
    const { names, values } = native.builtFrom;
    const family = stateFamily(native.spec.name);
    const state = self.module!;
    let changed: string[] | null = null;
    for (let i = 0; i < names.length; i++) {
      const k = names[i]!;
      const now = self.attrs.get(k);
      if (now === values[i]) continue;
      if (ignoredByForward(family, k)) values[i] = now;
      else (changed ??= []).push(k);
    }
    const paramsReplaced = native.builtParams !== undefined && !sameValues(state.parameters, native.builtParams);
    if (!changed && !paramsReplaced) {
      noteChecked(native, counted);
      return native.config;
    }
    const fromWeights = family.kind === 'conv' || family.kind === 'linear';
    if (changed && (state.parameters.size > 0 || state.buffers.size > 0)) {
      let structural: string | undefined;
      for (const k of changed) {
        if (followedByWrite(family, k) === false) {
          structural = k;
          break;
        }
      }
      if (structural) throw new UnknownArgument(structural, `${self.cls.name}.${structural} was assigned after the layer was built (its parameters keep their shapes; ConvLens does not follow that)`);
    }
    if (paramsReplaced && !fromWeights && !sameShapes(state.parameters, native.builtParams!)) {
      throw new UnknownArgument('weight', `a parameter of ${self.cls.name} was replaced by one of another shape after the layer was built (ConvLens does not follow that)`);
    }
    const opArgs: Record<string, ReturnType<typeof toOpValue>> = { ...(native.opArgs as Record<string, ReturnType<typeof toOpValue>>) };
    for (const k of changed ?? []) {
      const now = self.attrs.get(k);
      if (now === undefined) throw new UnknownArgument(k, `${self.cls.name}.${k} was deleted after the layer was built`);
      opArgs[k] = toOpValue(now, k);
    }
    if (fromWeights) argumentsFromWeights(family, opArgs, state, self.cls.name);
    const config = native.spec.build(opArgs);
    native.config = config;
    native.opArgs = opArgs;
    native.description = native.spec.describe(config);
    for (const k of changed ?? []) values[names.indexOf(k)] = self.attrs.get(k);
    native.builtParams = [...state.parameters.values()];
    noteChecked(native, counted);
    return config;
  };

  const privateBases = installPrivateBases({ interp, moduleClass, method: m, initLeaf, forwardLeaf, leafClass });

  // ---------- containers ----------

  const sequential = makeClass('Sequential', [moduleClass], {}, 'torch.nn');
  const moduleList = makeClass('ModuleList', [moduleClass], {}, 'torch.nn');
  const moduleDict = makeClass('ModuleDict', [moduleClass], {}, 'torch.nn');
  const childList = (self: InstanceValue): InstanceValue[] =>
    [...self.module!.modules.values()].filter((c): c is InstanceValue => c.kind === 'instance');
  const indexOf = (self: InstanceValue, idx: Value, site: Site | null): number => {
    if (idx.kind !== 'int' && idx.kind !== 'bool') interp.raise('TypeError', `indices must be integers, not ${idx.kind}`, site);
    const n = self.module!.modules.size;
    let i = idx.kind === 'bool' ? Number(idx.value) : idx.value;
    if (i < 0) i += n;
    if (i < 0 || i >= n) interp.raise('IndexError', `index ${i} is out of range`, site);
    return i;
  };
  const containerNew = (cls: ClassValue, items: [string, Value][], site: Site | null): InstanceValue => {
    const inst: InstanceValue = { kind: 'instance', id: newId(), cls, attrs: new Map() };
    ensureModule(inst);
    for (const [k, v] of items) register(inst, k, v, site);
    return inst;
  };

  sequential.attrs.set('__init__', m('Sequential.__init__', (self, args, site) => {
    const first = args.positional[0];
    if (args.positional.length === 1 && first?.kind === 'dict') {
      for (const e of first.entries.values()) register(self, e.key.kind === 'str' ? e.key.value : String(self.module!.modules.size), e.value, site);
    } else {
      args.positional.forEach((child, i) => register(self, String(i), child, site));
    }
    return NONE;
  }));
  sequential.attrs.set('forward', m('Sequential.forward', (self, args, site) => {
    // torch's `def forward(self, input)`: `seq(x, output_size=...)` is a TypeError there, never
    // an argument silently dropped.
    for (const k of args.keywords.keys()) if (k !== 'input') interp.raise('TypeError', `Sequential.forward() got an unexpected keyword argument '${k}'`, site);
    const given = args.positional.length + (args.keywords.has('input') ? 1 : 0);
    if (given > 1) interp.raise('TypeError', args.positional.length > 1 ? `Sequential.forward() takes 2 positional arguments but ${args.positional.length + 1} were given` : "Sequential.forward() got multiple values for argument 'input'", site);
    if (given === 0) interp.raise('TypeError', "Sequential.forward() missing 1 required positional argument: 'input'", site);
    let x: Value = args.positional[0] ?? args.keywords.get('input')!;
    for (const child of childList(self)) {
      interp.tick(null, null);
      x = interp.call(child, { positional: [x], keywords: NO_KEYWORDS }, site);
    }
    return x;
  }));
  const listLike = (cls: ClassValue, makeSlice: boolean) => {
    cls.attrs.set('__len__', m(`${cls.name}.__len__`, (self) => int(self.module!.modules.size)));
    cls.attrs.set('__iter__', m(`${cls.name}.__iter__`, (self) => iterator(childList(self))));
    cls.attrs.set('__getitem__', m(`${cls.name}.__getitem__`, (self, args, site) => {
      const idx = args.positional[0] ?? NONE;
      const entries = [...self.module!.modules];
      if (idx.kind === 'slice') {
        const [start, stop, step] = interp.sliceIndices(idx, entries.length, site);
        const picked: [string, Value][] = [];
        for (let i = start; step > 0 ? i < stop : i > stop; i += step) picked.push(entries[i]!);
        return containerNew(makeSlice ? self.cls : cls, picked.map(([k, v], j) => [cls === sequential ? k : String(j), v]), site);
      }
      if (idx.kind === 'unknown') return idx;
      return entries[indexOf(self, idx, site)]![1];
    }));
    cls.attrs.set('__setitem__', m(`${cls.name}.__setitem__`, (self, args, site) => {
      const [idx, value] = args.positional;
      const key = [...self.module!.modules.keys()][indexOf(self, idx ?? NONE, site)]!;
      return register(self, key, value ?? NONE, site);
    }));
    cls.attrs.set('__delitem__', m(`${cls.name}.__delitem__`, (self, args, site) => {
      const key = [...self.module!.modules.keys()][indexOf(self, args.positional[0] ?? NONE, site)]!;
      self.module!.modules.delete(key);
      return NONE;
    }));
    cls.attrs.set('append', m(`${cls.name}.append`, (self, args, site) => {
      register(self, String(self.module!.modules.size), args.positional[0] ?? NONE, site);
      return self;
    }));
    cls.attrs.set('extend', m(`${cls.name}.extend`, (self, args, site) => {
      for (const v of interp.toArray(args.positional[0] ?? NONE, site)) register(self, String(self.module!.modules.size), v, site);
      return self;
    }));
    cls.attrs.set('insert', m(`${cls.name}.insert`, (self, args, site) => {
      const [idx, value] = args.positional;
      const items = childList(self);
      let i = idx?.kind === 'int' ? idx.value : 0;
      if (i < 0) i += items.length;
      items.splice(i, 0, value as InstanceValue);
      self.module!.modules.clear();
      items.forEach((c, j) => register(self, String(j), c, site));
      return NONE;
    }));
    cls.attrs.set('__add__', m(`${cls.name}.__add__`, (self, args, site) => {
      const other = args.positional[0];
      const items = [...childList(self), ...(other && other.kind === 'instance' ? childList(other) : [])];
      return containerNew(cls, items.map((c, j) => [String(j), c]), site);
    }));
  };
  listLike(sequential, true);
  listLike(moduleList, false);
  moduleList.attrs.set('__init__', m('ModuleList.__init__', (self, args, site) => {
    const mods = args.positional[0] ?? args.keywords.get('modules');
    if (mods && mods.kind !== 'none') {
      if (mods.kind === 'unknown') {
        interp.noteProblem(site, `ModuleList was made empty: its modules are unknown (${mods.reason})`);
        return NONE;
      }
      interp.toArray(mods, site).forEach((c, i) => register(self, String(i), c, site));
    }
    return NONE;
  }));
  moduleDict.attrs.set('__init__', m('ModuleDict.__init__', (self, args, site) => {
    const mods = args.positional[0] ?? args.keywords.get('modules');
    if (mods && mods.kind !== 'none') updateDict(self, mods, site);
    return NONE;
  }));
  const updateDict = (self: InstanceValue, mods: Value, site: Site | null): void => {
    if (mods.kind === 'dict') {
      for (const e of mods.entries.values()) if (e.key.kind === 'str') register(self, e.key.value, e.value, site);
    } else if (mods.kind === 'instance' && mods.module && mods.cls.mro.includes(moduleDict)) {
      for (const [k, v] of mods.module.modules) register(self, k, v, site);
    } else if (mods.kind !== 'unknown') {
      for (const pair of interp.toArray(mods, site)) {
        const kv = interp.toArray(pair, site);
        if (kv[0]?.kind === 'str') register(self, kv[0].value, kv[1] ?? NONE, site);
        else unknownRegistration(self, 'update', kv[0], site);
      }
    } else interp.noteProblem(site, `ModuleDict: its modules are unknown (${mods.reason})`);
  };
  moduleDict.attrs.set('__getitem__', m('ModuleDict.__getitem__', (self, args, site) => {
    const k = args.positional[0];
    if (k?.kind === 'unknown') return k;
    const v = k?.kind === 'str' ? self.module!.modules.get(k.value) : undefined;
    return v ?? interp.raise('KeyError', k ? (k.kind === 'str' ? `'${k.value}'` : '?') : '?', site);
  }));
  moduleDict.attrs.set('__setitem__', m('ModuleDict.__setitem__', (self, args, site) => {
    const [k, v] = args.positional;
    if (k?.kind === 'str') register(self, k.value, v ?? NONE, site);
    else unknownRegistration(self, '__setitem__', k, site);
    return NONE;
  }));
  moduleDict.attrs.set('__len__', m('ModuleDict.__len__', (self) => int(self.module!.modules.size)));
  moduleDict.attrs.set('__iter__', m('ModuleDict.__iter__', (self) => iterator([...self.module!.modules.keys()].map(str))));
  moduleDict.attrs.set('__contains__', m('ModuleDict.__contains__', (self, args) => bool(args.positional[0]?.kind === 'str' && self.module!.modules.has((args.positional[0] as { value: string }).value))));
  moduleDict.attrs.set('keys', m('ModuleDict.keys', (self) => list([...self.module!.modules.keys()].map(str))));
  moduleDict.attrs.set('values', m('ModuleDict.values', (self) => list([...self.module!.modules.values()])));
  moduleDict.attrs.set('items', m('ModuleDict.items', (self) => list([...self.module!.modules].map(([k, v]) => tuple([str(k), v])))));
  moduleDict.attrs.set('update', m('ModuleDict.update', (self, args, site) => {
    updateDict(self, args.positional[0] ?? NONE, site);
    return NONE;
  }));
  moduleDict.attrs.set('pop', m('ModuleDict.pop', (self, args) => {
    const k = args.positional[0];
    if (k?.kind !== 'str') return NONE;
    const v = self.module!.modules.get(k.value) ?? NONE;
    self.module!.modules.delete(k.value);
    return v;
  }));

  // ParameterList / ParameterDict hold parameters under string indices.
  const parameterList = makeClass('ParameterList', [moduleClass], {}, 'torch.nn');
  parameterList.attrs.set('__init__', m('ParameterList.__init__', (self, args, site) => {
    const values = args.positional[0];
    if (values?.kind === 'unknown') interp.noteProblem(site, `ParameterList was made empty: its parameters are unknown (${values.reason})`);
    else if (values && values.kind !== 'none') {
      interp.toArray(values, site).forEach((p, i) => {
        if (p.kind === 'tensor') self.module!.parameters.set(String(i), p.parameter ? p : { ...p, parameter: true });
        else if (p.kind === 'unknown') interp.noteProblem(site, `ParameterList: parameter ${i} is unknown (${p.reason})`);
      });
    }
    return NONE;
  }));
  parameterList.attrs.set('__getitem__', m('ParameterList.__getitem__', (self, args) => {
    const i = args.positional[0];
    return (i?.kind === 'int' ? self.module!.parameters.get(String(i.value < 0 ? self.module!.parameters.size + i.value : i.value)) : undefined) ?? unknown('parameter index');
  }));
  parameterList.attrs.set('__len__', m('ParameterList.__len__', (self) => int(self.module!.parameters.size)));
  parameterList.attrs.set('__iter__', m('ParameterList.__iter__', (self) => iterator([...self.module!.parameters.values()])));
  parameterList.attrs.set('append', m('ParameterList.append', (self, args, site) => {
    const p = args.positional[0];
    if (p?.kind === 'tensor') self.module!.parameters.set(String(self.module!.parameters.size), p.parameter ? p : { ...p, parameter: true });
    else if (p?.kind === 'unknown') interp.noteProblem(site, `ParameterList.append of an unknown parameter (${p.reason})`);
    return self;
  }));

  // ---------- tensors ----------

  /** `torch.Tensor(...)` and the typed constructors (`torch.FloatTensor`, `torch.LongTensor`):
   *  sizes give an uninitialised tensor of that shape, as torch.empty makes it (code then fills it
   *  in place: `nn.Parameter(torch.Tensor(n).uniform_())`; no sizes: shape [0]); a list gives a
   *  tensor of its data (its values known, ops/smallValues.ts); a tensor gives itself. */
  const legacyConstructor = (dtype: string | null) => (args: CallArgs, site: Site | null): Value => {
    const positional = args.positional;
    const only = positional.length === 1 ? positional[0]! : null;
    const dtypeValue = dtype ? dtypes.get(dtype) : undefined;
    const keywords = dtypeValue ? new Map([['dtype', dtypeValue]]) : NO_KEYWORDS;
    if (only && only.kind === 'tensor') return only;
    if (only && only.kind === 'unknown') return only;
    if (only && only.kind === 'tuple' && only.items.every((x) => x.kind === 'int')) {
      // torch.Size is a tuple here: sizes and data cannot be told apart.
      return unknown(`torch.${dtype === 'float32' ? 'Tensor' : 'FloatTensor'} of a tuple of ints: a torch.Size (a shape) and data cannot be told apart here; pass a list for data or the sizes as separate ints`, site);
    }
    if (only && (only.kind === 'list' || only.kind === 'tuple')) {
      return applyFunction(specByName.get('torch.tensor')!, { positional: [only], keywords }, site, false);
    }
    return applyFunction(specByName.get('torch.empty')!, { positional: positional.length ? positional : [int(0)], keywords }, site, false);
  };
  const tensorClass = makeClass('Tensor', [object], { instanceCheck: (v) => v.kind === 'tensor', construct: legacyConstructor('float32') }, 'torch');
  const typedTensorClasses: Record<string, Value> = {};
  for (const [name, dtype] of [['FloatTensor', 'float32'], ['DoubleTensor', 'float64'], ['LongTensor', 'int64'], ['IntTensor', 'int32'],
    ['ShortTensor', 'int16'], ['ByteTensor', 'uint8'], ['CharTensor', 'int8'], ['BoolTensor', 'bool'], ['HalfTensor', 'float16']] as const) {
    typedTensorClasses[name] = makeClass(name, [tensorClass], { instanceCheck: (v) => v.kind === 'tensor', construct: legacyConstructor(dtype) }, 'torch');
  }
  const parameterClass = makeClass('Parameter', [tensorClass], {
    instanceCheck: (v) => v.kind === 'tensor' && !!v.parameter,
    construct: (args, site) => {
      const data = args.positional[0] ?? args.keywords.get('data');
      const requiresGrad = args.positional[1] ?? args.keywords.get('requires_grad');
      const truthy = (v: Value): boolean => interp.truthy(v);
      if (!data || data.kind === 'none') return initialRequiresGrad({ kind: 'tensor', shape: [0], geometry: null, parameter: true }, requiresGrad, site, truthy);
      if (data.kind === 'tensor') {
        const p = initialRequiresGrad({ ...data, geometry: null, parameter: true }, requiresGrad, site, truthy);
        // Data known not to be float32 (float64, integers): its bytes are not 4 each.
        const flags = data as ValuedTensor;
        const other = (data as { dtypeUnknown?: string }).dtypeUnknown;
        if (other) markDtypeUnknown(p, other);
        else if (flags.double || flags.integral || flags.bool) markDtypeUnknown(p, `nn.Parameter of a tensor that is not float32${site ? ` (line ${site.file.lines.position(site.from).line + 1})` : ''}`);
        return p;
      }
      return unknown(data.kind === 'unknown' ? data.reason : 'nn.Parameter of a non-tensor', site);
    },
  }, 'torch.nn');
  const sizeClass = makeClass('Size', [interp.builtins.get('tuple') as ClassValue], {
    construct: (args, site) => tuple(args.positional[0] ? interp.toArray(args.positional[0], site) : []),
  }, 'torch');

  /** A catalogue op by canonical name, unrecorded (numpy's functions compute with them). */
  const applyByName = (name: string, args: CallArgs, site: Site | null): Value => {
    const spec = specByName.get(name);
    return spec ? applyFunction(spec, args, site, false) : unknown(`${name} is not modelled`, site);
  };
  let numpyModule: ModuleObjectValue | null = null;

  const tensorAttribute = (t: TensorValue, name: string, site: Site | null): Value => {
    if ((t as ValuedTensor).numpy) {
      // ndarray's own attributes where they differ from a tensor's.
      if (name === 'astype') return fn('ndarray.astype', (a, s) => astype(applyByName, t, a.positional[0] ?? NONE, s ?? site));
      if (name === 'size') return int(t.shape.reduce((p, x) => p * x, 1));
      if (name === 'dtype') return unknown('numpy dtypes are not modelled', site);
    }
    switch (name) {
      case 'shape': return tuple(t.shape.map(int));
      case 'ndim': return int(t.shape.length);
      case 'T': {
        const spec = specByName.get('Tensor.t') ?? specByName.get('Tensor.permute');
        if (t.shape.length <= 2 && specByName.get('Tensor.t')) return applyFunction(specByName.get('Tensor.t')!, { positional: [t], keywords: NO_KEYWORDS }, site, false);
        if (spec) return applyFunction(specByName.get('Tensor.permute')!, { positional: [t, ...t.shape.map((_, i) => int(t.shape.length - 1 - i))], keywords: NO_KEYWORDS }, site, false);
        return unknown('Tensor.T', site);
      }
      case 'dtype': return dtypes.get('float32')!;
      case 'device': return deviceValue;
      case 'requires_grad': return requiresGradValue(t, site);
      case 'requires_grad_': return fn('Tensor.requires_grad_', (a, s) => {
        interp.noteWrite(t);
        setRequiresGrad(t, a.positional[0] ?? a.keywords.get('requires_grad') ?? TRUE, s ?? site, (v) => interp.truthy(v));
        return t;
      });
      case 'is_cuda': return bool(false);
      case 'data': return t;
      case 'grad': return NONE;
      case 'is_leaf': return bool(true);
      case 'layout': return str('torch.strided');
      case '__class__': return tensorClass;
      case 'item': return fn('Tensor.item', (_a, s) => {
        const v = (t as ValuedTensor).values;
        if (v && v.length === 1) return numberValue(v[0]!, !!(t as ValuedTensor).integral, !!(t as ValuedTensor).bool);
        return unknownNumber(`Tensor.item() of ${unreadableReason(t)}`, s ?? site);
      });
      case 'tolist': return fn('Tensor.tolist', (_a, s) => {
        const v = (t as ValuedTensor).values;
        if (!v && t.shape.length === 0) return unknownNumber(`Tensor.tolist() of ${unreadableReason(t)}`, s ?? site);
        // A vector whose values are not known: its length is, and each element is a number.
        if (!v && t.shape.length === 1 && t.shape[0]! <= MAX_UNKNOWN_ELEMENTS) {
          const element = unknownNumber(`an element of Tensor.tolist() of ${unreadableReason(t)}`, s ?? site);
          return list(Array.from({ length: t.shape[0]! }, () => element));
        }
        if (!v || t.shape.length > 1) return unknown(`Tensor.tolist() of ${unreadableReason(t)}`, s ?? site);
        const nums = v.map((x) => numberValue(x, !!(t as ValuedTensor).integral, !!(t as ValuedTensor).bool));
        return t.shape.length === 0 ? nums[0]! : list(nums);
      });
    }
    const spec = specByName.get(`Tensor.${name}`);
    if (spec) {
      if ((t as ValuedTensor).numpy) {
        return fn(`ndarray.${name}`, (args, s) => numpyScalar(applyFunction(spec, { positional: [t, ...args.positional], keywords: args.keywords }, s, false)));
      }
      return fn(`Tensor.${name}`, (args, s) => applyFunction(spec, { positional: [t, ...args.positional], keywords: args.keywords }, s, false));
    }
    return unknown(`Tensor.${name} is not modelled`, site);
  };

  const tensorBinary = (op: ast.BinaryOperator, left: Value, right: Value, site: Site | null, inplace: boolean): Value => {
    const d = BINARY_DUNDER[op];
    if (!d) return unknown(`operator ${op} on tensors`, site);
    const tensorLeft = left.kind === 'tensor';
    const self = tensorLeft ? left : right;
    const other = tensorLeft ? right : left;
    const candidates = tensorLeft
      ? [inplace ? `Tensor.__i${d}__` : '', `Tensor.__${d}__`]
      : [COMPARISONS.has(op) ? `Tensor.__${reflectComparison(d)}__` : `Tensor.__r${d}__`];
    for (const name of candidates) {
      const spec = name && specByName.get(name);
      if (!spec) continue;
      const out = applyFunction(spec, { positional: [self, other], keywords: NO_KEYWORDS }, site, op === '@');
      return (self as ValuedTensor).numpy ? numpyScalar(out) : out;
    }
    return unknown(`operator ${op} on tensors is not modelled`, site);
  };
  const tensorUnary = (op: '-' | '+' | '~', operand: Value, site: Site | null): Value => {
    if (op === '+') return operand;
    const spec = specByName.get(op === '-' ? 'Tensor.__neg__' : 'Tensor.__invert__');
    return spec ? applyFunction(spec, { positional: [operand], keywords: NO_KEYWORDS }, site, false) : operand;
  };
  const tensorGetItem = (t: TensorValue, index: Value, site: Site | null): Value => {
    const n = t.shape[0];
    if (t.shape.length === 1 && index.kind === 'int' && n !== undefined && index.value >= -n && index.value < n) {
      const element = elementOf(t, index.value < 0 ? index.value + n : index.value);
      if (element) return (t as ValuedTensor).numpy ? numpyScalar(element as TensorValue) : element as TensorValue;
    }
    const spec = specByName.get('Tensor.__getitem__');
    if (!spec) return unknown('tensor indexing is not modelled', site);
    // A list index is advanced indexing, a tuple is one index per dim: ops tell them apart by
    // nesting, since both arrive as arrays.
    const converted = index.kind === 'tensor' ? knownIndex(index) : index.kind === 'tuple' ? tuple(index.items.map(knownIndex)) : index;
    const opIndex: Value = converted.kind === 'list' ? tuple([converted]) : converted;
    return applyFunction(spec, { positional: [t, opIndex], keywords: NO_KEYWORDS }, site, false);
  };
  const tensorIterate = (t: TensorValue): Value[] => {
    if (!t.shape.length) interp.raise('TypeError', 'iteration over a 0-d tensor');
    const n = t.shape[0]!;
    if (n > 4096) interp.raise('MemoryError', `iterating over ${n} rows of a tensor is not analysed`);
    const row: TensorValue = { kind: 'tensor', shape: t.shape.slice(1), geometry: t.geometry && t.geometry.length < t.shape.length ? t.geometry : null };
    if (t.shape.length === 1) {
      const first = elementOf(t, 0);
      if (first) {
        const element = (i: number): Value => {
          const e = (i === 0 ? first : elementOf(t, i)!) as TensorValue;
          return (t as ValuedTensor).numpy ? numpyScalar(e) : e;
        };
        return Array.from({ length: n }, (_, i) => element(i));
      }
    }
    return Array.from({ length: n }, () => row);
  };

  // ---------- module objects ----------

  const dtypes = new Map<string, Value>();
  const dtypeClass = makeClass('dtype', [object], {}, 'torch');
  for (const name of ['float32', 'float', 'float64', 'double', 'float16', 'half', 'bfloat16', 'int64', 'long', 'int32', 'int', 'int16', 'int8', 'uint8', 'bool', 'complex64']) {
    dtypes.set(name, { kind: 'instance', id: newId(), cls: dtypeClass, attrs: new Map([['__opname__', str(name)]]) });
  }
  const deviceClass = makeClass('device', [object], {
    construct: (args) => ({ kind: 'instance', id: newId(), cls: deviceClass, attrs: new Map([['type', args.positional[0] ?? str('cpu')], ['__opname__', str('cpu')]]) }),
  }, 'torch');
  const deviceValue: Value = { kind: 'instance', id: newId(), cls: deviceClass, attrs: new Map([['type', str('cpu')], ['__opname__', str('cpu')]]) };
  const contextManager = makeClass('no_grad', [object], {}, 'torch');
  contextManager.attrs.set('__enter__', returnsSelf('no_grad.__enter__'));
  contextManager.attrs.set('__exit__', fn('no_grad.__exit__', () => bool(false), true));
  contextManager.attrs.set('__call__', fn('no_grad.__call__', (args) => args.positional[1] ?? NONE, true));
  contextManager.attrs.set('__init__', fn('no_grad.__init__', () => NONE, true));

  const initFunctions: Record<string, Value> = {};
  for (const name of ['kaiming_normal_', 'kaiming_uniform_', 'xavier_normal_', 'xavier_uniform_', 'normal_', 'uniform_', 'constant_',
    'zeros_', 'ones_', 'trunc_normal_', 'orthogonal_', 'eye_', 'dirac_', 'sparse_', 'kaiming_normal', 'xavier_uniform', 'normal', 'constant']) {
    initFunctions[name] = passthrough(`nn.init.${name}`);
  }
  initFunctions.calculate_gain = fn('nn.init.calculate_gain', () => ({ kind: 'float', value: 1 }));
  initFunctions._calculate_fan_in_and_fan_out = fn('nn.init._calculate_fan_in_and_fan_out', (_a, site) => tuple([unknown('fan_in', site), unknown('fan_out', site)]));
  const init = nativeModuleObject('torch.nn.init', initFunctions);

  const functional = nativeModuleObject('torch.nn.functional', {});
  functional.resolve = (member) => {
    const spec = specByName.get(`F.${member}`);
    return spec ? interp.makeShared(() => functionValue(spec, true)) : undefined;
  };
  const torchMod = nativeModuleObject('torch', {});
  torchMod.resolve = (member) => {
    const spec = specByName.get(`torch.${member}`);
    return spec ? interp.makeShared(() => functionValue(spec, !CREATION.test(`torch.${member}`))) : undefined;
  };
  const namesWith = (prefix: string) => () => [...specByName.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  functional.names = namesWith('F.');
  torchMod.names = namesWith('torch.');

  const nn = nativeModuleObject('torch.nn', {
    Module: moduleClass, Sequential: sequential, ModuleList: moduleList, ModuleDict: moduleDict,
    ParameterList: parameterList, Parameter: parameterClass, init, functional,
  });
  nn.resolve = leafClass;
  nn.names = () => [...moduleSpecs.keys()];
  const utils = nativeModuleObject('torch.nn.modules.utils', {
    _pair: fn('_pair', (a) => pairOf(a.positional[0] ?? NONE, 2)),
    _single: fn('_single', (a) => pairOf(a.positional[0] ?? NONE, 1)),
    _triple: fn('_triple', (a) => pairOf(a.positional[0] ?? NONE, 3)),
    _quadruple: fn('_quadruple', (a) => pairOf(a.positional[0] ?? NONE, 4)),
    _ntuple: fn('_ntuple', (a) => fn('_ntuple.parse', (b) => pairOf(b.positional[0] ?? NONE, (a.positional[0] as { value: number }).value))),
  });
  const modulesPkg = nativeModuleObject('torch.nn.modules', { utils, module: nativeModuleObject('torch.nn.modules.module', { Module: moduleClass }) });
  for (const mod of privateBases.modules.values()) modulesPkg.attrs.set(mod.name.slice('torch.nn.modules.'.length), mod);
  modulesPkg.resolve = leafClass;
  nn.attrs.set('modules', modulesPkg);

  const jit = nativeModuleObject('torch.jit', {
    is_scripting: fn('torch.jit.is_scripting', () => bool(false)),
    is_tracing: fn('torch.jit.is_tracing', () => bool(false)),
    script: passthrough('torch.jit.script'), trace: passthrough('torch.jit.trace'),
    unused: passthrough('torch.jit.unused'), ignore: passthrough('torch.jit.ignore'), export: passthrough('torch.jit.export'),
    _overload_method: passthrough('torch.jit._overload_method'), _overload: passthrough('torch.jit._overload'),
    script_method: passthrough('torch.jit.script_method'),
    annotate: fn('torch.jit.annotate', (a) => a.positional[1] ?? NONE),
    Final: makeClass('Final', [object], {}, 'torch.jit'),
    ScriptModule: moduleClass,
    interface: passthrough('torch.jit.interface'),
  });
  // torch.fx: classes libraries subclass or name at import time (tracing itself is not analysed).
  const fxClass = (name: string, base = object) => makeClass(name, [base], {}, 'torch.fx');
  const fxTracer = fxClass('Tracer');
  const fx = nativeModuleObject('torch.fx', {
    wrap: passthrough('torch.fx.wrap'),
    Tracer: fxTracer, GraphModule: makeClass('GraphModule', [moduleClass], {}, 'torch.fx'), Graph: fxClass('Graph'),
    Node: fxClass('Node'), Proxy: fxClass('Proxy'), Interpreter: fxClass('Interpreter'), Transformer: fxClass('Transformer'),
    symbolic_trace: fn('torch.fx.symbolic_trace', (_a, site) => unknown('torch.fx tracing is not analysed', site)),
  });
  fx.attrs.set('_symbolic_trace', nativeModuleObject('torch.fx._symbolic_trace', { Tracer: fxTracer, _assert_is_none: fn('_assert_is_none', () => NONE) }));
  fx.attrs.set('graph_module', nativeModuleObject('torch.fx.graph_module', { GraphModule: fx.attrs.get('GraphModule')! }));
  // A custom autograd Function: `Fn.apply(x)` runs its `forward(ctx, x)`; saving for backward does nothing.
  const functionCtx = makeClass('FunctionCtx', [object], {}, 'torch.autograd.function');
  for (const name of ['save_for_backward', 'mark_dirty', 'mark_non_differentiable', 'set_materialize_grads']) {
    functionCtx.attrs.set(name, fn(`FunctionCtx.${name}`, () => NONE, true));
  }
  const autogradFunction = makeClass('Function', [object], {}, 'torch.autograd');
  autogradFunction.attrs.set('apply', { kind: 'classmethod', func: fn('Function.apply', (args, site) => {
    const [cls, ...rest] = args.positional;
    if (cls?.kind !== 'class') return unknown('Function.apply on an unknown class', site);
    const forward = interp.getAttr(cls, 'forward', site);
    const ctx: InstanceValue = { kind: 'instance', id: newId(), cls: functionCtx, attrs: new Map() };
    return interp.call(forward, { positional: [ctx, ...rest], keywords: args.keywords }, site);
  }) });
  const autograd = nativeModuleObject('torch.autograd', {
    Function: autogradFunction,
    function: nativeModuleObject('torch.autograd.function', { Function: autogradFunction, FunctionCtx: functionCtx }),
  });
  const checkpointMod = nativeModuleObject('torch.utils.checkpoint', {
    checkpoint: fn('checkpoint', (args, site) => {
      const [f, ...rest] = args.positional;
      return f ? interp.call(f, { positional: rest, keywords: NO_KEYWORDS }, site) : NONE;
    }),
  });
  // torch.utils.data: classes data code subclasses at import time; loading data is not analysed.
  const dataMod = interp.opaqueModule('torch.utils.data', 'data loading is not analysed');
  for (const name of ['Dataset', 'IterableDataset', 'DataLoader', 'Sampler', 'SequentialSampler', 'RandomSampler', 'BatchSampler',
    'Subset', 'ConcatDataset', 'TensorDataset', 'DistributedSampler', 'WeightedRandomSampler', 'SubsetRandomSampler']) {
    dataMod.attrs.set(name, makeClass(name, [object], {}, 'torch.utils.data'));
  }
  dataMod.attrs.set('distributed', dataMod);
  const torchUtils = nativeModuleObject('torch.utils', {
    data: dataMod,
    checkpoint: checkpointMod,
    model_zoo: nativeModuleObject('torch.utils.model_zoo', { load_url: loadedWeights('torch.utils.model_zoo.load_url') }),
  });
  const hub = nativeModuleObject('torch.hub', {
    load_state_dict_from_url: loadedWeights('torch.hub.load_state_dict_from_url'),
    // torch.hub.load fetches and runs a repository's code: that is not analysed.
    load: fn('torch.hub.load', (_a, site) => unknown('torch.hub.load runs code fetched from a repository; it is not analysed', site)),
    download_url_to_file: fn('torch.hub.download_url_to_file', () => NONE),
    get_dir: fn('torch.hub.get_dir', (_a, site) => unknown('the torch hub folder is not read by the analysis', site)),
    _get_torch_home: fn('torch.hub._get_torch_home', (_a, site) => unknown('the torch hub folder is not read by the analysis', site)),
    set_dir: fn('torch.hub.set_dir', () => NONE),
  });
  const cuda = nativeModuleObject('torch.cuda', {
    is_available: fn('torch.cuda.is_available', () => bool(false)),
    device_count: fn('torch.cuda.device_count', () => int(0)),
  });
  for (const [k, v] of Object.entries({
    Tensor: tensorClass, Size: sizeClass, nn, jit, fx, autograd, utils: torchUtils, hub, cuda, device: deviceClass, dtype: dtypeClass,
    no_grad: contextManager, enable_grad: contextManager, inference_mode: contextManager, set_grad_enabled: contextManager,
    __version__: str('1.13.1'),
    manual_seed: fn('torch.manual_seed', () => NONE),
    is_tensor: fn('torch.is_tensor', (a) => bool(a.positional[0]?.kind === 'tensor')),
    _assert: fn('torch._assert', () => NONE),
    load: loadedWeights('torch.load'),
    save: fn('torch.save', () => NONE),
    _C: unknown('torch._C is not modelled'),
    ops: interp.opaqueModule('torch.ops', 'custom C++ operators (torch.ops) are not analysed'),
    backends: unknown('torch.backends is not modelled'),
  })) torchMod.attrs.set(k, v);
  for (const [k, v] of dtypes) torchMod.attrs.set(k, v);
  for (const [k, v] of Object.entries(typedTensorClasses)) torchMod.attrs.set(k, v);

  const natives = new Map<string, ModuleObjectValue>([
    ['torch', torchMod], ['torch.nn', nn], ['torch.nn.functional', functional], ['torch.nn.init', init],
    ['torch.nn.modules', modulesPkg], ['torch.nn.modules.utils', utils], ['torch.nn.modules.module', modulesPkg.attrs.get('module') as ModuleObjectValue],
    ['torch.jit', jit], ['torch.fx', fx], ['torch.autograd', autograd], ['torch.utils.data', dataMod], ['torch.utils.data.distributed', dataMod], ['torch.fx._symbolic_trace', fx.attrs.get('_symbolic_trace') as ModuleObjectValue], ['torch.fx.graph_module', fx.attrs.get('graph_module') as ModuleObjectValue], ['torch.autograd.function', autograd.attrs.get('function') as ModuleObjectValue], ['torch.utils', torchUtils], ['torch.utils.checkpoint', checkpointMod],
    ['torch.utils.model_zoo', torchUtils.attrs.get('model_zoo') as ModuleObjectValue], ['torch.hub', hub], ['torch.cuda', cuda],
    ...privateBases.modules,
  ]);

  const library: Library = {
    nativeModule: (name) => {
      if (name === 'numpy') return (numpyModule ??= makeNumpy(interp, applyByName, (d) => dtypes.get(d)));
      return natives.get(name) ?? stdlibModule(name) ?? null;
    },
    tensorAttribute,
    tensorBinary,
    tensorUnary,
    tensorGetItem,
    tensorIterate,
    moduleSetAttr,
    moduleGetAttr,
    onAssign: (site, name, value) => {
      if (recorder) recorder.noteValue(site, name, value);
    },
  };
  interp.lib = library;

  // Module subclasses get their state when instantiated: wrap instantiate through __init__ lookups.
  const originalInstantiate = interp.instantiate.bind(interp);
  interp.instantiate = (cls: ClassValue, args: CallArgs, site: Site | null): Value => {
    if (cls.mro.includes(moduleClass)) {
      // Building a module (argument binding, validation, parameter shapes) weighs like many steps.
      interp.steps += 30;
      const instance: InstanceValue = { kind: 'instance', id: newId(), cls, attrs: new WriteCountingMap() };
      // Where the module was made: this call, then the calls that led to it.
      ensureModule(instance, site && site.file.path !== '<model>' ? site : null);
      const initFn = interp.lookupClassAttr(cls, '__init__');
      if (initFn) interp.callMethodOf(initFn, instance, args, site);
      return instance;
    }
    return originalInstantiate(cls, args, site);
  };

  return {
    library,
    recorder: () => recorder,
    setRecorder: (r) => {
      recorder = r;
    },
    moduleClass,
    callModule,
    setTraining,
  };
}

/** A numpy scalar (np.int64, np.float64 behave as Python's int and float): a 0-d array whose value
 *  is exact becomes that Python number. */
function numpyScalar(v: Value): Value {
  if (v.kind !== 'tensor' || v.shape.length !== 0) return v;
  const t = v as ValuedTensor;
  if (!t.values || t.values.length !== 1) return v;
  return numberValue(t.values[0]!, !!t.integral, !!t.bool);
}

/** A 1-d index tensor whose values are known, as the list torch would treat alike: a bool tensor is
 *  a mask (its count of True decides the size), an integer one selects those positions. */
function knownIndex(v: Value): Value {
  if (v.kind !== 'tensor' || v.shape.length !== 1) return v;
  const t = v as ValuedTensor;
  if (!t.values) return v;
  if (t.bool) return list(t.values.map((x) => bool(x !== 0)));
  if (t.integral) return list(t.values.map((x) => int(x)));
  return v;
}

/** Whether a call passed a Python float (directly or in a list): its whole numbers are floats. */
function hasFloatArgument(args: CallArgs): boolean {
  for (const a of args.positional) if (isFloatValue(a)) return true;
  for (const a of args.keywords.values()) if (isFloatValue(a)) return true;
  return false;
}

function isFloatValue(v: Value): boolean {
  if (v.kind === 'float') return true;
  if (v.kind === 'list' || v.kind === 'tuple') {
    for (const x of v.items) if (x.kind === 'float' || ((x.kind === 'list' || x.kind === 'tuple') && isFloatValue(x))) return true;
  }
  return false;
}

/** A tensor element as Python gives it from `.item()` / `.tolist()`. */
function numberValue(x: number, integral: boolean, isBool = false): Value {
  if (isBool) return bool(x !== 0);
  return integral ? int(x) : float(x);
}

/** Every function and method of the catalogue by canonical name (`torch.cat`, `Tensor.view`, `F.pad`). */
const specByName: ReadonlyMap<string, FunctionSpec> = new Map([...tensorFunctionSpecs, ...layerFunctionSpecs]);

function reflectComparison(d: string): string {
  return ({ lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' } as Record<string, string>)[d] ?? d;
}

function pairOf(v: Value, n: number): Value {
  if (v.kind === 'tuple' || v.kind === 'list') return tuple(v.items);
  return tuple(Array.from({ length: n }, () => v));
}

/** The layer's attributes now equal those its config was built from (as of their write count). */
function noteChecked(native: NonNullable<ModuleState['native']>, attrs: WriteCountingMap<string, Value> | null): void {
  native.checkedAttrs = attrs;
  native.checkedAtWrites = attrs ? attrs.writes : 0;
}

/** Constructor arguments a leaf layer's forward never reads: the parameters hold what they
 *  decided (`Conv2d.forward` calls F.conv2d with the weight, stride, padding, dilation and groups;
 *  `Linear.forward` reads only weight and bias; BatchNorm's forward checks only the input's rank
 *  and hands its buffers to F.batch_norm). Writes to them change nothing torch computes. */
function ignoredByForward(family: StateFamily, key: string): boolean {
  switch (family.kind) {
    case 'conv': return key === 'in_channels' || key === 'out_channels' || key === 'bias' || (key === 'kernel_size' && !family.transposed);
    case 'linear': return key === 'in_features' || key === 'out_features' || key === 'bias';
    case 'batchNorm': return key === 'num_features' || key === 'affine' || key === 'track_running_stats';
    case 'groupNorm': return key === 'num_channels' || key === 'affine';
    case 'layerNorm': return key === 'elementwise_affine';
    case 'prelu': return key === 'num_parameters';
    case 'embedding': return key === 'num_embeddings' || key === 'embedding_dim';
    default: return false;
  }
}

/** Whether a write to a layer's constructor argument is followed at call time: null when the
 *  attribute is not one that decided the parameters' shapes (forward reads it, and it is rebuilt),
 *  true when it is but the analysis follows it anyway (ignored by forward, or a convolution's
 *  groups, checked against the weight), false when it is not followed. */
function followedByWrite(family: StateFamily, key: string): boolean | null {
  if (!SHAPE_DECIDING_ATTRIBUTES.has(key)) return null;
  return ignoredByForward(family, key) || (family.kind === 'conv' && key === 'groups');
}

/** Channels, kernel size and bias of a convolution or linear layer from the parameters it holds
 *  now, with F.conv*'s checks of the weight against groups. */
function argumentsFromWeights(family: StateFamily, opArgs: Record<string, unknown>, state: ModuleState, cls: string): void {
  const weight = state.parameters.get('weight');
  const bias = state.parameters.get('bias');
  if (weight === undefined || weight.kind !== 'tensor') throw new UnknownArgument('weight', `${cls}.weight is not a known tensor`);
  const w = weight.shape;
  opArgs.bias = bias !== undefined && bias.kind === 'tensor';
  if (family.kind === 'linear') {
    if (w.length !== 2) throw new OpError('invalid-argument', `${cls}.weight has shape [${w.join(', ')}]: a linear layer's weight is 2-dimensional`);
    opArgs.out_features = w[0];
    opArgs.in_features = w[1];
    return;
  }
  if (family.kind !== 'conv') return;
  if (w.length !== family.rank + 2) {
    throw new OpError('invalid-argument', `Expected ${family.rank + 2}-dimensional weight for ${family.rank}-d convolution, but got weight of size [${w.join(', ')}]`);
  }
  const groups = typeof opArgs.groups === 'number' ? opArgs.groups : 1;
  if (!Number.isInteger(groups) || groups <= 0) throw new OpError('invalid-argument', 'non-positive groups is not supported');
  if (w[0]! % groups !== 0) {
    throw new OpError('invalid-argument', `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [[${w.join(', ')}]] instead`);
  }
  if (family.transposed) {
    opArgs.in_channels = w[0];
    opArgs.out_channels = w[1]! * groups;
  } else {
    opArgs.out_channels = w[0];
    opArgs.in_channels = w[1]! * groups;
  }
  opArgs.kernel_size = w.slice(2);
}

/** The same objects in the same order. */
function sameValues(now: Map<string, Value>, before: readonly Value[]): boolean {
  if (now.size !== before.length) return false;
  let i = 0;
  for (const v of now.values()) if (v !== before[i++]) return false;
  return true;
}

/** The same parameter shapes in the same order (a replaced weight of the old shape changes nothing). */
function sameShapes(now: Map<string, Value>, before: readonly Value[]): boolean {
  if (now.size !== before.length) return false;
  let i = 0;
  for (const v of now.values()) {
    const b = before[i++]!;
    if (v.kind !== b.kind || (v.kind === 'tensor' && b.kind === 'tensor' && !sameShape(v.shape, b.shape))) return false;
  }
  return true;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether a module has a registered child module (not just None entries). */
function hasChildModule(self: InstanceValue): boolean {
  for (const c of self.module!.modules.values()) if (c.kind === 'instance') return true;
  return false;
}

/** `modules()`: named_modules' order and deduplication, without building the names. */
function allModules(root: InstanceValue, seen: Set<number>, out: InstanceValue[]): InstanceValue[] {
  if (seen.has(root.id)) return out;
  seen.add(root.id);
  out.push(root);
  const modules = root.module?.modules;
  if (modules) for (const child of modules.values()) if (child.kind === 'instance') allModules(child, seen, out);
  return out;
}

function collectTensors(args: Record<string, unknown>): Tensor[] {
  const out: Tensor[] = [];
  for (const k in args) collectTensorsInto(args[k], 0, out);
  return out;
}

/** A module-level function, not a closure: it runs for every functional call. */
function collectTensorsInto(v: unknown, depth: number, out: Tensor[]): void {
  if (depth > 3 || v === null || typeof v !== 'object') return;
  if ((v as Tensor).kind === 'tensor') out.push(v as Tensor);
  else if (Array.isArray(v)) for (const x of v) collectTensorsInto(x, depth + 1, out);
}

/** torch's layers store kernel_size/stride/padding/dilation as tuples. */
const TUPLE_ATTRS = new Set(['kernel_size', 'stride', 'padding', 'dilation', 'output_padding']);
/** Constructor arguments that decide parameter shapes: assigning them later leaves the
 *  parameters as they were, which PyTorch's forward then uses. */
const SHAPE_DECIDING_ATTRIBUTES = new Set([
  'in_channels', 'out_channels', 'kernel_size', 'groups', 'in_features', 'out_features', 'in1_features', 'in2_features',
  'num_features', 'affine', 'track_running_stats', 'num_embeddings', 'embedding_dim', 'normalized_shape',
  'elementwise_affine', 'num_groups', 'num_channels', 'num_parameters', 'bias', 'input_size', 'hidden_size', 'num_layers',
  'bidirectional', 'embed_dim', 'num_heads',
]);

/** For conv layers, the number of spatial axes their tuple attributes have (`Conv2d` → 2); 0 for
 *  other layers. Looked up once per layer name: layers are built by the hundred. */
const tupleAttrRanks = new Map<string, number>();
function tupleAttrRank(specName: string): number {
  let rank = tupleAttrRanks.get(specName);
  if (rank === undefined) {
    const nd = Number(specName[specName.length - 2]);
    rank = specName.startsWith('Conv') && Number.isInteger(nd) ? nd : 0;
    tupleAttrRanks.set(specName, rank);
  }
  return rank;
}

function normaliseAttr(rank: number, key: string, v: Value): Value {
  // LayerNorm keeps `tuple(normalized_shape)`, an int made a 1-tuple first: torchvision's
  // LayerNorm2d hands it to F.layer_norm, whose parser wants a tuple.
  if (key === 'normalized_shape') return v.kind === 'int' ? tuple([v]) : v.kind === 'list' ? tuple(v.items) : v;
  if (rank === 0 || v.kind !== 'int' || !TUPLE_ATTRS.has(key)) return v;
  return tuple(repeated<Value>(v, rank));
}

/** Which parameters and buffers a leaf layer has, decided once per layer name (the name tests
 *  are regular expressions; layers are built by the hundred). */
type StateFamily =
  | { kind: 'conv'; transposed: boolean; rank: number }
  | { kind: 'linear' | 'batchNorm' | 'instanceNorm' | 'groupNorm' | 'layerNorm' | 'prelu' | 'embedding' | 'none' };
const stateFamilies = new Map<string, StateFamily>();
function stateFamily(specName: string): StateFamily {
  let family = stateFamilies.get(specName);
  if (family) return family;
  const conv = /^(Conv|ConvTranspose)(\d)d$/.exec(specName);
  if (conv) family = { kind: 'conv', transposed: conv[1] === 'ConvTranspose', rank: Number(conv[2]) };
  else if (specName === 'Linear' || specName === 'LazyLinear') family = { kind: 'linear' };
  else if (/^(BatchNorm\dd|SyncBatchNorm)$/.test(specName)) family = { kind: 'batchNorm' };
  else if (/^InstanceNorm\dd$/.test(specName)) family = { kind: 'instanceNorm' };
  else if (specName === 'GroupNorm') family = { kind: 'groupNorm' };
  else if (specName === 'LayerNorm') family = { kind: 'layerNorm' };
  else if (specName === 'PReLU') family = { kind: 'prelu' };
  else if (specName === 'Embedding') family = { kind: 'embedding' };
  else family = { kind: 'none' };
  stateFamilies.set(specName, family);
  return family;
}

const NO_STATE: [string, number[] | null][] = [];

/** Buffers of a leaf layer: BatchNorm's (and a tracking InstanceNorm's) running statistics. */
function bufferShapes(specName: string, a: Record<string, unknown>): [string, number[] | null][] {
  const family = stateFamily(specName).kind;
  const norm = family === 'batchNorm' ? true : family === 'instanceNorm' ? false : null;
  if (norm === null) return NO_STATE;
  const tracking = typeof a.track_running_stats === 'boolean' ? a.track_running_stats : norm;
  const c = a.num_features;
  if (typeof c !== 'number') return NO_STATE;
  if (!tracking) return [['running_mean', null], ['running_var', null], ['num_batches_tracked', null]];
  return [['running_mean', [c]], ['running_var', [c]], ['num_batches_tracked', []]];
}

// Readers of a leaf layer's bound arguments, for parameterShapes (module-level, not closures made
// on every call).
const argNumber = (a: Record<string, unknown>, k: string): number => (typeof a[k] === 'number' ? (a[k] as number) : NaN);
const argFlag = (a: Record<string, unknown>, k: string, dflt: boolean): boolean => (typeof a[k] === 'boolean' ? (a[k] as boolean) : dflt);
function argInts(v: unknown, nd: number): number[] {
  return Array.isArray(v) ? (v as number[]) : repeated(v as number, nd);
}

/** Shapes of a leaf layer's parameters, so code can read `conv.weight.shape` or pass
 *  `self.weight` to a functional call. Only offered when they add up to the op's count. */
function parameterShapes(specName: string, a: Record<string, unknown>, total: number): [string, number[] | null][] {
  const family = stateFamily(specName);
  let out: [string, number[] | null][];
  switch (family.kind) {
    case 'conv': {
      const k = argInts(a.kernel_size, family.rank);
      const groups = typeof a.groups === 'number' ? (a.groups as number) : 1;
      const weight = !family.transposed
        ? [argNumber(a, 'out_channels'), argNumber(a, 'in_channels') / groups, ...k]
        : [argNumber(a, 'in_channels'), argNumber(a, 'out_channels') / groups, ...k];
      out = [['weight', weight], ['bias', argFlag(a, 'bias', true) ? [argNumber(a, 'out_channels')] : null]];
      break;
    }
    case 'linear':
      out = [['weight', [argNumber(a, 'out_features'), argNumber(a, 'in_features')]], ['bias', argFlag(a, 'bias', true) ? [argNumber(a, 'out_features')] : null]];
      break;
    case 'batchNorm':
    case 'instanceNorm':
    case 'groupNorm': {
      const affine = argFlag(a, 'affine', family.kind !== 'instanceNorm');
      const c = argNumber(a, family.kind === 'groupNorm' ? 'num_channels' : 'num_features');
      out = [['weight', affine ? [c] : null], ['bias', affine ? [c] : null]];
      break;
    }
    case 'layerNorm': {
      const shape = argInts(a.normalized_shape, 1);
      const affine = argFlag(a, 'elementwise_affine', true);
      out = [['weight', affine ? shape : null], ['bias', affine ? shape : null]];
      break;
    }
    case 'prelu':
      out = [['weight', [typeof a.num_parameters === 'number' ? (a.num_parameters as number) : 1]]];
      break;
    case 'embedding':
      out = [['weight', [argNumber(a, 'num_embeddings'), argNumber(a, 'embedding_dim')]]];
      break;
    case 'none':
      return NO_STATE;
  }
  let sum = 0;
  for (const [, shape] of out) {
    if (!shape) continue;
    let size = 1;
    for (const x of shape) {
      if (!Number.isInteger(x)) return NO_STATE;
      size *= x;
    }
    sum += size;
  }
  return sum === total ? out : NO_STATE;
}
