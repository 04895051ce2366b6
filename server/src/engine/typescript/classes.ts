// JavaScript classes as model code uses them: constructors, instance and static fields, methods,
// getters (static ones too: TF.js reads a custom layer's `static get className()`), `super(…)`
// and `super.m(…)`, and bases that are TF.js classes (`tf.layers.Layer`, `tf.Sequential`,
// `tf.LayersModel`): the base makes the object (a layer, a model) that `this` then is.

import * as ts from 'typescript';
import type { Interpreter } from './interpreter';
import { JsClass, JsFunction, JsObject, LayerValue, ModelValue, NativeFunction, Scope, Unknown, typeName, type Site, type SourceInfo, type Value } from './values';

/** A member the class chain does not have. */
export const NOT_FOUND: unique symbol = Symbol('not found');

/** The class being constructed (`new.target`) and, once `super(…)` ran, `this`. */
interface ConstructFrame {
  newTarget: JsClass;
  thisValue: Value;
}

const frames: ConstructFrame[] = [];

type Instance = JsObject | LayerValue | ModelValue;

function isInstance(v: Value): v is Instance {
  return v instanceof JsObject || v instanceof LayerValue || v instanceof ModelValue;
}

const isStatic = (m: ts.ClassElement): boolean => (ts.getModifiers(m as ts.HasModifiers) ?? []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword);

export function makeClass(interp: Interpreter, node: ts.ClassLikeDeclaration, scope: Scope, file: SourceInfo, nameHint = ''): JsClass {
  const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const superClass = heritage ? interp.eval(heritage, scope) : null;
  const name = node.name?.text ?? (nameHint || 'anonymous class');
  const cls = new JsClass(name, node, scope, file, superClass);
  const fn = (n: ts.FunctionLikeDeclaration & { body?: ts.Node }, key: string): JsFunction => {
    const f = new JsFunction(key, n as ts.MethodDeclaration, scope, file);
    f.home = cls;
    return f;
  };
  // Static initializers run with `this` the class, in order, after the methods exist.
  const statics: ts.PropertyDeclaration[] = [];
  for (const m of node.members) {
    if (ts.isConstructorDeclaration(m) && m.body) cls.ctor = fn(m, name);
    else if (ts.isMethodDeclaration(m) && m.body) {
      const key = interp.propertyKey(m.name, scope);
      (isStatic(m) ? cls.statics.props : cls.methods).set(key, fn(m, key));
    } else if (ts.isGetAccessorDeclaration(m) && m.body) {
      const key = interp.propertyKey(m.name, scope);
      (isStatic(m) ? cls.staticGetters : cls.getters).set(key, fn(m, key));
    } else if (ts.isPropertyDeclaration(m)) {
      if (isStatic(m)) statics.push(m);
      else cls.fields.push({ key: interp.propertyKey(m.name, scope), init: m.initializer });
    }
  }
  for (const m of statics) {
    const key = interp.propertyKey(m.name, scope);
    cls.statics.props.set(key, m.initializer ? interp.evalIn(file, m.initializer, new Scope(scope, cls, cls)) : undefined);
  }
  return cls;
}

/** `new cls(…args)`. */
export function construct(interp: Interpreter, cls: JsClass, args: Value[], site: Site, newTarget: JsClass = cls): Value {
  cls.constructed++;
  const frame: ConstructFrame = { newTarget, thisValue: undefined };
  frames.push(frame);
  try {
    const derived = cls.superClass !== null && cls.superClass !== undefined;
    if (!derived) {
      const obj = new JsObject();
      obj.cls = newTarget;
      frame.thisValue = obj;
      initFields(interp, cls, obj);
      if (!cls.ctor) return obj;
      const r = interp.invoke(cls.ctor, args, obj, site);
      return isInstance(r) ? r : obj;
    }
    if (!cls.ctor) {
      // The implicit constructor: super(...args).
      const obj = superConstruct(interp, cls, args, site, newTarget);
      if (isInstance(obj)) initFields(interp, cls, obj);
      return obj;
    }
    // `this` comes from super(…); the constructor's undefined `this` holds the place until then.
    const r = interp.invoke(cls.ctor, args, undefined, site);
    if (isInstance(r)) return r;
    if (frame.thisValue === undefined) return interp.problem(`the constructor of ${cls.name} does not call super(…)`, site);
    return frame.thisValue;
  } finally {
    frames.pop();
  }
}

/** `super(…args)` in a derived class's constructor. */
export function superCall(interp: Interpreter, scope: Scope, args: Value[], site: Site): Value {
  const home = scope.homeOf();
  const frame = frames[frames.length - 1];
  if (!home || !frame) return interp.problem('super(…) outside a constructor', site);
  const obj = superConstruct(interp, home, args, site, frame.newTarget);
  frame.thisValue = obj;
  const holder = scope.thisScope();
  if (holder) holder.thisValue = obj;
  if (isInstance(obj)) {
    assignParameterProperties(interp, home, obj, scope, site);
    initFields(interp, home, obj);
  }
  return undefined;
}

function superConstruct(interp: Interpreter, cls: JsClass, args: Value[], site: Site, newTarget: JsClass): Value {
  const base = cls.superClass;
  if (base instanceof JsClass) return construct(interp, base, args, site, newTarget);
  if (base instanceof NativeFunction && base.constructible) {
    const obj = base.impl(args, { site, thisValue: undefined });
    if (isInstance(obj)) obj.cls = newTarget;
    return obj;
  }
  if (base instanceof Unknown) return base;
  return interp.problem(`class ${cls.name} extends ${typeName(base)}, which ConvLens does not follow`, site);
}

/** TypeScript's `constructor(private units: number)`: the parameter is also a field. */
export function assignParameterProperties(interp: Interpreter, cls: JsClass, obj: Value, scope: Scope, site: Site): void {
  const ctor = cls.ctor?.node;
  if (!ctor || !ts.isConstructorDeclaration(ctor)) return;
  for (const p of ctor.parameters) {
    if (!ts.isIdentifier(p.name) || !ts.getModifiers(p)?.length) continue;
    interp.setMember(obj, p.name.text, scope.lookup(p.name.text)?.value, site);
  }
}

function initFields(interp: Interpreter, cls: JsClass, obj: Instance): void {
  if (!cls.fields.length) return;
  const scope = new Scope(cls.scope, obj, cls);
  for (const f of cls.fields) {
    const value = f.init ? interp.evalIn(cls.file, f.init, scope) : undefined;
    interp.setMember(obj, f.key, value, interp.site(f.init ?? cls.node, cls.file));
  }
}

/** A method or getter of `obj`'s class chain (from `start`). */
export function classMember(interp: Interpreter, obj: Value, start: Value, key: string, site: Site): Value | typeof NOT_FOUND {
  for (let c: Value = start; c instanceof JsClass; c = c.superClass) {
    const g = c.getters.get(key);
    if (g) return interp.invoke(g, [], obj, site);
    const m = c.methods.get(key);
    if (m) return m;
  }
  return NOT_FOUND;
}

/** `Cls.key`: static fields, static getters and methods, up the chain; then the base's statics. */
export function staticMember(interp: Interpreter, cls: JsClass, key: string, site: Site): Value {
  for (let c: Value = cls; ; ) {
    if (c instanceof JsClass) {
      if (c.statics.props.has(key)) return c.statics.props.get(key);
      const g = c.staticGetters.get(key);
      if (g) return interp.invoke(g, [], cls, site);
      c = c.superClass;
      continue;
    }
    if (key === 'name') return cls.name;
    if (c instanceof NativeFunction) return c.statics?.props.get(key);
    return c instanceof Unknown ? c : undefined;
  }
}

/** `super.key` in a method: the base class's member, with `this` the instance. */
export function superMember(interp: Interpreter, scope: Scope, key: string, site: Site): Value {
  const home = scope.homeOf();
  if (!home) return interp.problem('`super` outside a class', site);
  const self = scope.thisOf();
  const found = classMember(interp, self, home.superClass, key, site);
  if (found !== NOT_FOUND) return found;
  // The chain ends at a TF.js base: its member of this object.
  if (self instanceof LayerValue || self instanceof ModelValue) return interp.hostMember(self, key, site);
  return undefined;
}
