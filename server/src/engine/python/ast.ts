// The typed Python AST the interpreter walks. Built once from the @lezer/python tree by parse.ts.
// Offsets (`from`, `to`) are JavaScript string indices into the source, i.e. UTF-16 code units,
// so a LineIndex turns them into LSP positions without re-encoding.

export interface Span {
  from: number;
  to: number;
}

// ---------- expressions ----------

export type Expr =
  | NameExpr
  | NumberExpr
  | StringExpr
  | FStringExpr
  | ConstExpr
  | TupleExpr
  | ListExpr
  | SetExpr
  | DictExpr
  | AttributeExpr
  | SubscriptExpr
  | SliceExpr
  | CallExpr
  | BinOpExpr
  | UnaryOpExpr
  | BoolOpExpr
  | CompareExpr
  | IfExpExpr
  | LambdaExpr
  | ComprehensionExpr
  | DictCompExpr
  | StarredExpr
  | NamedExpr
  | EllipsisExpr
  | YieldExpr
  | ErrorExpr;

export interface NameExpr extends Span { kind: 'Name'; id: string }
/** `isInt` distinguishes `2` from `2.0`: Python's int/float semantics decide shapes. */
export interface NumberExpr extends Span {
  kind: 'Number';
  value: number;
  isInt: boolean;
  /** An int past 2^53: its exact decimal digits (`value` is then the nearest double). */
  digits?: string;
}
/** Adjacent literals are concatenated; bytes literals are kept as their text. */
export interface StringExpr extends Span { kind: 'String'; value: string }
export interface FStringExpr extends Span {
  kind: 'FString';
  parts: (string | FStringField)[];
}
export interface FStringField {
  expr: Expr;
  conversion: 'r' | 's' | 'a' | null;
  /** The format spec, itself possibly holding nested fields (`{x:{width}d}`). */
  formatSpec: (string | FStringField)[] | null;
}
export interface ConstExpr extends Span { kind: 'Const'; value: boolean | null }
export interface TupleExpr extends Span { kind: 'Tuple'; elts: Expr[] }
export interface ListExpr extends Span { kind: 'List'; elts: Expr[] }
export interface SetExpr extends Span { kind: 'Set'; elts: Expr[] }
/** `key: null` marks a `**mapping` entry. */
export interface DictExpr extends Span { kind: 'Dict'; items: { key: Expr | null; value: Expr }[] }
export interface AttributeExpr extends Span { kind: 'Attribute'; obj: Expr; attr: string; attrSpan: Span }
/** `x[a, b:c]` has index Tuple[Name, Slice]. */
export interface SubscriptExpr extends Span { kind: 'Subscript'; obj: Expr; index: Expr }
export interface SliceExpr extends Span { kind: 'Slice'; lower: Expr | null; upper: Expr | null; step: Expr | null }
export interface CallExpr extends Span { kind: 'Call'; func: Expr; args: CallArg[] }
export interface CallArg extends Span {
  /** positional `f(x)`, `f(*xs)`, keyword `f(k=x)`, `f(**kw)` */
  kind: 'pos' | 'star' | 'kw' | 'dstar';
  name: string | null;
  value: Expr;
}
export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@' | '<<' | '>>' | '&' | '|' | '^';
export interface BinOpExpr extends Span { kind: 'BinOp'; op: BinaryOperator; left: Expr; right: Expr }
export interface UnaryOpExpr extends Span { kind: 'UnaryOp'; op: '-' | '+' | 'not' | '~'; operand: Expr }
export interface BoolOpExpr extends Span { kind: 'BoolOp'; op: 'and' | 'or'; values: Expr[] }
export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';
export interface CompareExpr extends Span { kind: 'Compare'; left: Expr; ops: CompareOperator[]; comparators: Expr[] }
export interface IfExpExpr extends Span { kind: 'IfExp'; test: Expr; body: Expr; orelse: Expr }
export interface LambdaExpr extends Span { kind: 'Lambda'; params: Param[]; body: Expr }
export interface Comprehension { target: Expr; iter: Expr; ifs: Expr[] }
export interface ComprehensionExpr extends Span {
  kind: 'Comprehension';
  type: 'list' | 'set' | 'generator';
  elt: Expr;
  generators: Comprehension[];
}
export interface DictCompExpr extends Span { kind: 'DictComp'; key: Expr; value: Expr; generators: Comprehension[] }
export interface StarredExpr extends Span { kind: 'Starred'; value: Expr }
/** `(name := value)` */
export interface NamedExpr extends Span { kind: 'Named'; target: NameExpr; value: Expr }
export interface EllipsisExpr extends Span { kind: 'Ellipsis' }
/** `yield x`, `yield` (value null), `yield from it` (`delegates: true`). */
export interface YieldExpr extends Span { kind: 'Yield'; value: Expr | null; delegates: boolean }
/** Something the parser could not make sense of (half-typed code); evaluates to Unknown. */
export interface ErrorExpr extends Span { kind: 'ErrorExpr'; message: string }

// ---------- statements ----------

export type Stmt =
  | ExprStmt
  | AssignStmt
  | AnnAssignStmt
  | AugAssignStmt
  | IfStmt
  | ForStmt
  | WhileStmt
  | ReturnStmt
  | SimpleStmt
  | FunctionDef
  | ClassDef
  | ImportStmt
  | ImportFromStmt
  | TryStmt
  | WithStmt
  | RaiseStmt
  | AssertStmt
  | ScopeStmt
  | DelStmt
  | ErrorStmt;

export interface ExprStmt extends Span { kind: 'Expr'; expr: Expr }
/** `a = b = value`: targets in source order. */
export interface AssignStmt extends Span { kind: 'Assign'; targets: Expr[]; value: Expr }
export interface AnnAssignStmt extends Span { kind: 'AnnAssign'; target: Expr; annotation: Expr; value: Expr | null }
export interface AugAssignStmt extends Span { kind: 'AugAssign'; target: Expr; op: BinaryOperator; value: Expr }
export interface IfStmt extends Span { kind: 'If'; test: Expr; body: Stmt[]; orelse: Stmt[] }
export interface ForStmt extends Span { kind: 'For'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] }
export interface WhileStmt extends Span { kind: 'While'; test: Expr; body: Stmt[]; orelse: Stmt[] }
export interface ReturnStmt extends Span { kind: 'Return'; value: Expr | null }
export interface SimpleStmt extends Span { kind: 'Pass' | 'Break' | 'Continue' }
export interface Param extends Span {
  name: string;
  /** posonly params come before `/`; `*args` is varargs; params after `*`/`*args` are kwonly. */
  kind: 'posonly' | 'normal' | 'varargs' | 'kwonly' | 'varkw';
  default: Expr | null;
  annotation: Expr | null;
}
export interface FunctionDef extends Span {
  kind: 'FunctionDef';
  name: string;
  nameSpan: Span;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  isAsync: boolean;
  /** The docstring-free text span of the signature line, for messages. */
}
export interface ClassDef extends Span {
  kind: 'ClassDef';
  name: string;
  nameSpan: Span;
  /** Bases and keywords (`metaclass=`), as call arguments. */
  bases: CallArg[];
  body: Stmt[];
  decorators: Expr[];
}
export interface ImportAlias extends Span { name: string; asname: string | null }
/** `import a.b.c as d` */
export interface ImportStmt extends Span { kind: 'Import'; names: ImportAlias[] }
/** `from ..pkg.mod import x as y`: module 'pkg.mod', level 2; `names: '*'` for star imports. */
export interface ImportFromStmt extends Span {
  kind: 'ImportFrom';
  module: string | null;
  level: number;
  names: ImportAlias[] | '*';
}
export interface ExceptHandler extends Span { type: Expr | null; name: string | null; body: Stmt[] }
export interface TryStmt extends Span {
  kind: 'Try';
  body: Stmt[];
  handlers: ExceptHandler[];
  orelse: Stmt[];
  finalbody: Stmt[];
}
export interface WithStmt extends Span { kind: 'With'; items: { expr: Expr; target: Expr | null }[]; body: Stmt[] }
export interface RaiseStmt extends Span { kind: 'Raise'; exc: Expr | null }
export interface AssertStmt extends Span { kind: 'Assert'; test: Expr; msg: Expr | null }
export interface ScopeStmt extends Span { kind: 'Global' | 'Nonlocal'; names: string[] }
export interface DelStmt extends Span { kind: 'Del'; targets: Expr[] }
/** A statement the parser could not keep (half-typed code). */
export interface ErrorStmt extends Span { kind: 'ErrorStmt'; message: string }

export interface ParseError extends Span { message: string }

export interface PyModule {
  kind: 'Module';
  body: Stmt[];
  errors: ParseError[];
}
