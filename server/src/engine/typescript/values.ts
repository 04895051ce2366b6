// The values of the TypeScript/JavaScript abstract interpreter. Primitives are plain JS values
// (so arithmetic and comparisons are JS's own); everything else is a small class. Unknown carries
// the reason a value could not be followed, and flows through every operation.

import type * as ts from 'typescript';
import type { AxisGeometry } from '../ops/types';
import type { DiagnosticCode } from '../report';
import type { TfLayerSpec } from './layers/spec';

export interface SourceInfo {
  path: string;
  text: string;
  sf: ts.SourceFile;
}

/** A span of a source file (offsets into its text). */
export interface Site {
  file: SourceInfo;
  from: number;
  to: number;
}

export class Unknown {
  constructor(
    readonly reason: string,
    readonly site: Site | null,
  ) {}
}

export class JsArray {
  constructor(public items: Value[]) {}
}

export class JsObject {
  readonly props = new Map<string, Value>();
  /** An instance of a user class: its methods and getters. */
  cls: JsClass | null = null;
  /** Answers members the object does not have (`tf.layers.someNewFactory`), before the stub. */
  fallback: ((key: string) => Value) | null = null;
  /** A namespace (`tf`, `tf.layers`, an unmodelled module): missing members are stubs, not undefined. */
  constructor(readonly stubPrefix: string | null = null) {}
}

export class Scope {
  /** Made on the first declaration: most block scopes declare nothing. */
  private own: Map<string, { value: Value; constant: boolean }> | null = null;
  constructor(
    readonly parent: Scope | null,
    /** `this` inside a function scope (arrow functions see their parent's); a derived class's
     *  constructor gets it from `super(…)`. */
    public thisValue: Value | typeof NO_THIS = NO_THIS,
    /** A method's or constructor's class, for `super` (arrow functions see their parent's). */
    readonly home: JsClass | null = null,
  ) {}

  get vars(): Map<string, { value: Value; constant: boolean }> {
    this.own ??= new Map();
    return this.own;
  }

  lookup(name: string): { value: Value; constant: boolean } | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const b = s.own?.get(name);
      if (b) return b;
    }
    return undefined;
  }

  declare(name: string, value: Value, constant = false): void {
    this.vars.set(name, { value, constant });
  }

  thisOf(): Value {
    return this.thisScope()?.thisValue as Value;
  }

  /** The scope that holds `this` (a function's, not an arrow function's). */
  thisScope(): Scope | null {
    for (let s: Scope | null = this; s; s = s.parent) if (s.thisValue !== NO_THIS) return s;
    return null;
  }

  homeOf(): JsClass | null {
    for (let s: Scope | null = this; s; s = s.parent) if (s.home) return s.home;
    return null;
  }
}

export const NO_THIS: unique symbol = Symbol('no this');

export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.GetAccessorDeclaration;

/** A user class: its constructor, methods, getters and static members; `superClass` is another
 *  JsClass, a TF.js base (`tf.layers.Layer`, `tf.Sequential`), Unknown, or null. */
export class JsClass {
  readonly statics = new JsObject();
  readonly staticGetters = new Map<string, JsFunction>();
  readonly methods = new Map<string, JsFunction>();
  readonly getters = new Map<string, JsFunction>();
  /** Instance fields with their initializers, in order. */
  readonly fields: { key: string; init: ts.Expression | undefined }[] = [];
  ctor: JsFunction | null = null;
  /** Times constructed: a class the file already builds is not built again to find models. */
  constructed = 0;
  constructor(
    readonly name: string,
    readonly node: ts.ClassLikeDeclaration,
    readonly scope: Scope,
    readonly file: SourceInfo,
    readonly superClass: Value,
  ) {}
}

export class JsFunction {
  /** Times called: a factory the file already calls is not called again to find models. */
  calls = 0;
  /** The class of a method or constructor (for `super`). */
  home: JsClass | null = null;
  constructor(
    readonly name: string,
    readonly node: FunctionNode,
    readonly scope: Scope,
    readonly file: SourceInfo,
  ) {}
}

export interface NativeCall {
  site: Site;
  thisValue: Value;
}

export class NativeFunction {
  /** Static members (`Array.from`, `Number.isInteger`). */
  statics: JsObject | null = null;
  constructor(
    readonly name: string,
    readonly impl: (args: Value[], call: NativeCall) => Value,
    /** `new X(...)` is allowed and calls impl. */
    readonly constructible = false,
  ) {}
}

/** A member of a library the analysis does not model (`tf.train.adam`): calling it gives Unknown. */
export class Stub {
  constructor(readonly path: string) {}
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js objects

/** A layer object made by `tf.layers.X(config)`; its weights are built on its first application. */
export class LayerValue {
  /** User-set properties (`layer.trainable = false`). */
  readonly extra = new Map<string, Value>();
  /** A custom layer: its class (methods, getters). */
  cls: JsClass | null = null;
  /** Outputs per application when its result is unknown (a recurrent layer returning its states). */
  outputCount = 1;
  constructor(
    readonly id: number,
    /** The factory under `tf.layers`, e.g. `conv2d`. */
    readonly factory: string,
    readonly spec: TfLayerSpec,
    /** The validated configuration, or null when it is invalid or unknown (see `problem`). */
    readonly config: unknown,
    readonly problem: { code: DiagnosticCode; message: string } | null,
    readonly name: string | null,
    /** `inputShape` / `batchInputShape` of the config: the model input it implies. */
    readonly declaredInput: DeclaredInput | null,
    /** Where it was made, innermost first (the `tf.layers.X(...)` call, then the helper's call sites). */
    readonly defined: Site[],
  ) {}
}

export interface DeclaredInput {
  /** With the batch dimension; null entries are dimensions the code leaves open. */
  shape: (number | null)[];
}

/**
 * A symbolic tensor of the functional API. `shape` includes the batch dimension; a batch left
 * open (TF.js's null) is analysed as 1 with `batchSymbolic` set. null shape: unknown (`unknown`
 * says why). `geometry` describes the spatial axes in order (H, W), whatever the data format.
 */
export class TensorValue {
  /** Model inputs: the shape as the code declares it (null = left open), before open dimensions
   *  were filled in with the default image size. */
  declared: (number | null)[] | null = null;
  constructor(
    readonly id: number,
    readonly shape: number[] | null,
    readonly geometry: readonly AxisGeometry[] | null,
    readonly batchSymbolic: boolean,
    /** The application that produced it (null for model inputs). */
    readonly node: GraphNode | null,
    readonly unknown?: string,
  ) {}
}

/** One application of a layer (or a whole model) to tensors. */
export interface GraphNode {
  id: number;
  layer: LayerValue | ModelValue;
  inputs: TensorValue[];
  outputs: TensorValue[];
  /** Where it was applied, innermost first. */
  called: Site[];
  /** The inputs were given as an array (`concatenate().apply([a, b])`). */
  listInput: boolean;
}

export interface SequentialEntry {
  /** Unknown: something that is not a layer was added (a custom layer class). */
  layer: LayerValue | ModelValue | Unknown;
  /** `model.add(...)` or the `tf.sequential(...)` call, innermost first. */
  called: Site[];
  via: 'add' | 'layers';
}

export class ModelValue {
  readonly extra = new Map<string, Value>();
  /** A subclass of tf.Sequential / tf.LayersModel. */
  cls: JsClass | null = null;
  /** Why the model's graph cannot be followed (a functional model with unknown inputs). */
  problem: string | null = null;
  /** Sequential: the layers in order. */
  readonly entries: SequentialEntry[] = [];
  /** Sequential: the input once known (declared by the first layer), and the current output. */
  seqInput: TensorValue | null = null;
  seqOutput: TensorValue | null = null;
  constructor(
    readonly id: number,
    readonly kind: 'sequential' | 'functional',
    readonly name: string | null,
    /** Where it was made, innermost first. */
    readonly created: Site[],
    /** The user function whose code made it (innermost frame), null at top level. */
    readonly madeIn: JsFunction | null,
    /** Functional: inputs and outputs. */
    public inputs: TensorValue[] = [],
    public outputs: TensorValue[] = [],
  ) {}
}

export type Value =
  | undefined
  | null
  | boolean
  | number
  | string
  | JsArray
  | JsObject
  | JsFunction
  | JsClass
  | NativeFunction
  | Stub
  | Unknown
  | LayerValue
  | TensorValue
  | ModelValue;

export function typeName(v: Value): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  if (v instanceof JsArray) return 'an array';
  if (v instanceof JsObject) return 'an object';
  if (v instanceof JsFunction || v instanceof NativeFunction) return 'a function';
  if (v instanceof JsClass) return `the class ${v.name}`;
  if (v instanceof LayerValue) return `a ${v.spec.className} layer`;
  if (v instanceof TensorValue) return 'a symbolic tensor';
  if (v instanceof ModelValue) return 'a model';
  if (v instanceof Stub) return `\`${v.path}\``;
  return 'an unknown value';
}
