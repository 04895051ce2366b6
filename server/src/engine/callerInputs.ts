// The input a file's own code gives a model outside `__main__`: a `def test(): net = ResNet18();
// y = net(torch.randn(2, 3, 32, 32))` says the model is meant for 2×3×32×32. Asked only for models
// whose input is a guess. Each argument-free function of the file runs as a side run (own step
// budget, clock and diagnostics: the report is as if it had not run) while calling a module records
// its tensor arguments instead of running forward, as `__main__` blocks are read.

import { AnalysisAborted, PyError, type Interpreter } from './python/interpreter';
import type { TorchEnvironment } from './python/torchLib';
import type { ClassValue, FunctionValue, ModuleObjectValue, TensorValue, Value } from './python/values';

export interface CallerInput {
  shapes: number[][];
  /** The function whose call gave them, and the 1-based line of its `def`. */
  functionName: string;
  line: number;
}

/** Functions run at most, and the steps and time each may take. */
const MAX_FUNCTIONS = 8;
const STEPS_PER_FUNCTION = 20_000;
const MS_PER_FUNCTION = 200;

/** The first call with tensor arguments of an instance of each of `classes`, made by an
 *  argument-free public function of the file at `path`. */
export function callerInputs(interp: Interpreter, torch: TorchEnvironment, module: ModuleObjectValue, path: string,
  classes: ReadonlySet<ClassValue>): Map<ClassValue, CallerInput> {
  const found = new Map<ClassValue, CallerInput>();
  if (!classes.size) return found;
  const functions: FunctionValue[] = [];
  for (const [name, v] of module.attrs) {
    if (v.kind !== 'function' || v.name !== name || v.file.path !== path || name.startsWith('_')) continue;
    if (!v.params.every((p) => p.kind === 'varargs' || p.kind === 'varkw' || v.defaults.has(p.name))) continue;
    functions.push(v);
    if (functions.length >= MAX_FUNCTIONS) break;
  }
  if (!functions.length) return found;
  const capture = interp.lookupClassAttr(torch.moduleClass, '__call__');
  let running: FunctionValue | null = null;
  torch.moduleClass.attrs.set('__call__', {
    kind: 'native', id: -1, name: 'Module.__call__(caller)', bindsSelf: true,
    call: (args) => {
      const self = args.positional[0];
      if (running && self && self.kind === 'instance' && classes.has(self.cls) && !found.has(self.cls)) {
        const tensors = args.positional.slice(1).filter((a): a is TensorValue => a.kind === 'tensor');
        // Every positional argument a tensor of known shape: otherwise the call says nothing exact.
        if (tensors.length && tensors.length === args.positional.length - 1 && tensors.every((t) => t.shape.every((d) => Number.isInteger(d) && d > 0))) {
          const node = running.node;
          found.set(self.cls, {
            shapes: tensors.map((t) => [...t.shape]),
            functionName: running.name,
            line: running.file.lines.position(node.from).line + 1,
          });
        }
      }
      return { kind: 'unknown', reason: 'a model called by a function of the file is not followed there', site: null } as Value;
    },
  });
  try {
    for (const f of functions) {
      if (found.size === classes.size) break;
      running = f;
      try {
        interp.sideRun(STEPS_PER_FUNCTION, MS_PER_FUNCTION, () => undefined, () => interp.call(f, { positional: [], keywords: new Map() }, null));
      } catch (e) {
        // What the function does past the call is not needed: an error or the budget ends it.
        if (!(e instanceof PyError) && !(e instanceof AnalysisAborted)) throw e;
      }
    }
  } finally {
    running = null;
    if (capture) torch.moduleClass.attrs.set('__call__', capture);
  }
  return found;
}
