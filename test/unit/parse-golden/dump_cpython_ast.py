#!/usr/bin/env python3
"""Writes CPython's reading of Python files in ConvLens's AST shape (server/src/engine/python/ast.ts).

The parser tests compare parsePython() against this, spans included: CPython is the reference
for what Python code means. Regenerate after editing constructs.py:

    python3 test/unit/parse-golden/dump_cpython_ast.py test/unit/parse-golden/constructs.py \
        > test/unit/parse-golden/constructs.ast.json

Offsets are UTF-16 code units from the start of the file, like JavaScript string indices.
ConvLens keeps less than CPython in a few places, mirrored here: await and complex
numbers are ErrorExpr (compared by kind and span), match statements are ErrorStmt, bytes
literals keep their text as written.
"""
import ast, json, re, sys

BIN = {ast.Add:'+', ast.Sub:'-', ast.Mult:'*', ast.Div:'/', ast.FloorDiv:'//', ast.Mod:'%', ast.Pow:'**',
       ast.MatMult:'@', ast.LShift:'<<', ast.RShift:'>>', ast.BitAnd:'&', ast.BitOr:'|', ast.BitXor:'^'}
UN = {ast.USub:'-', ast.UAdd:'+', ast.Not:'not', ast.Invert:'~'}
CMP = {ast.Eq:'==', ast.NotEq:'!=', ast.Lt:'<', ast.LtE:'<=', ast.Gt:'>', ast.GtE:'>=', ast.In:'in',
       ast.NotIn:'not in', ast.Is:'is', ast.IsNot:'is not'}
CONV = {-1: None, 115: 's', 114: 'r', 97: 'a'}

class Conv:
    def __init__(self, src):
        self.src = src
        # Lines as CPython numbers them: only \n, \r\n and \r end a line.
        self.lines = re.findall(r'[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$', src)
        self.starts = [0]
        for l in self.lines: self.starts.append(self.starts[-1] + len(l.encode('utf-16-le')) // 2)
    def off(self, line, col):
        # CPython counts UTF-8 bytes within a line; JavaScript counts UTF-16 code units.
        l = self.lines[line-1] if line-1 < len(self.lines) else ''
        prefix = l.encode('utf-8')[:col].decode('utf-8', 'replace')
        return self.starts[line-1] + len(prefix.encode('utf-16-le')) // 2
    def span(self, n, d):
        d['from'] = self.off(n.lineno, n.col_offset)
        d['to'] = self.off(n.end_lineno, n.end_col_offset)
        return d
    def order(self, nodes):
        return sorted(nodes, key=lambda n: (n.lineno, n.col_offset))

    def e(self, n):
        if n is None: return None
        k = type(n)
        if k is ast.Name: return self.span(n, {'kind':'Name','id':n.id})
        if k is ast.Constant:
            v = n.value
            if v is None or isinstance(v, bool): return self.span(n, {'kind':'Const','value':v})
            if isinstance(v, int): return self.span(n, {'kind':'Number','value':v,'isInt':True})
            if isinstance(v, float): return self.span(n, {'kind':'Number','value':v,'isInt':False})
            if isinstance(v, complex): return self.span(n, {'kind':'ErrorExpr'})
            if isinstance(v, str): return self.span(n, {'kind':'String','value':v})
            if isinstance(v, bytes):
                text = ast.get_source_segment(self.src, n)
                body = text.lstrip('bBrR')
                q = 3 if body[:3] in ('"""', "'''") else 1
                return self.span(n, {'kind':'String','value':body[q:-q]})
            if v is Ellipsis: return self.span(n, {'kind':'Ellipsis'})
        if k is ast.JoinedStr: return self.span(n, {'kind':'FString','parts':self.parts(n.values)})
        if k is ast.Tuple: return self.span(n, {'kind':'Tuple','elts':[self.e(x) for x in n.elts]})
        if k is ast.List: return self.span(n, {'kind':'List','elts':[self.e(x) for x in n.elts]})
        if k is ast.Set: return self.span(n, {'kind':'Set','elts':[self.e(x) for x in n.elts]})
        if k is ast.Dict: return self.span(n, {'kind':'Dict','items':[{'key':self.e(a),'value':self.e(b)} for a,b in zip(n.keys,n.values)]})
        if k is ast.Attribute:
            d = self.span(n, {'kind':'Attribute','obj':self.e(n.value),'attr':n.attr})
            return d
        if k is ast.Subscript: return self.span(n, {'kind':'Subscript','obj':self.e(n.value),'index':self.e(n.slice)})
        if k is ast.Slice: return self.span(n, {'kind':'Slice','lower':self.e(n.lower),'upper':self.e(n.upper),'step':self.e(n.step)})
        if k is ast.Call: return self.span(n, {'kind':'Call','func':self.e(n.func),'args':self.callargs(n.args, n.keywords)})
        if k is ast.BinOp: return self.span(n, {'kind':'BinOp','op':BIN[type(n.op)],'left':self.e(n.left),'right':self.e(n.right)})
        if k is ast.UnaryOp: return self.span(n, {'kind':'UnaryOp','op':UN[type(n.op)],'operand':self.e(n.operand)})
        if k is ast.BoolOp: return self.span(n, {'kind':'BoolOp','op':'and' if type(n.op) is ast.And else 'or','values':[self.e(x) for x in n.values]})
        if k is ast.Compare: return self.span(n, {'kind':'Compare','left':self.e(n.left),'ops':[CMP[type(o)] for o in n.ops],'comparators':[self.e(x) for x in n.comparators]})
        if k is ast.IfExp: return self.span(n, {'kind':'IfExp','test':self.e(n.test),'body':self.e(n.body),'orelse':self.e(n.orelse)})
        if k is ast.Lambda: return self.span(n, {'kind':'Lambda','params':self.params(n.args),'body':self.e(n.body)})
        if k in (ast.ListComp, ast.SetComp, ast.GeneratorExp):
            t = {ast.ListComp:'list', ast.SetComp:'set', ast.GeneratorExp:'generator'}[k]
            return self.span(n, {'kind':'Comprehension','type':t,'elt':self.e(n.elt),'generators':self.gens(n.generators)})
        if k is ast.DictComp: return self.span(n, {'kind':'DictComp','key':self.e(n.key),'value':self.e(n.value),'generators':self.gens(n.generators)})
        if k is ast.Starred: return self.span(n, {'kind':'Starred','value':self.e(n.value)})
        if k is ast.NamedExpr: return self.span(n, {'kind':'Named','target':self.e(n.target),'value':self.e(n.value)})
        if k is ast.Yield: return self.span(n, {'kind':'Yield','value':self.e(n.value),'delegates':False})
        if k is ast.YieldFrom: return self.span(n, {'kind':'Yield','value':self.e(n.value),'delegates':True})
        if k is ast.Await: return self.span(n, {'kind':'ErrorExpr'})
        if k is ast.FormattedValue: raise Exception('bare FormattedValue')
        raise Exception('unknown expr ' + k.__name__)

    def parts(self, values):
        out = []
        for v in values:
            if isinstance(v, ast.Constant):
                if out and isinstance(out[-1], str): out[-1] += v.value
                else: out.append(v.value)
            else:
                out.append({'expr': self.e(v.value), 'conversion': CONV[v.conversion],
                            'formatSpec': self.parts(v.format_spec.values) if v.format_spec else None})
        return out
    def gens(self, gs):
        return [{'target':self.e(g.target),'iter':self.e(g.iter),'ifs':[self.e(x) for x in g.ifs]} for g in gs]
    def callargs(self, args, keywords):
        out = []
        for a in self.order(list(args) + list(keywords)):
            if isinstance(a, ast.keyword):
                d = {'kind':'kw' if a.arg else 'dstar','name':a.arg,'value':self.e(a.value)}
            elif isinstance(a, ast.Starred):
                d = {'kind':'star','name':None,'value':self.e(a.value)}
            else:
                d = {'kind':'pos','name':None,'value':self.e(a)}
            out.append(self.span(a, d))
        return out
    def params(self, a):
        out = []
        pos = a.posonlyargs + a.args
        defaults = [None]*(len(pos)-len(a.defaults)) + list(a.defaults)
        for i, p in enumerate(pos):
            out.append({'name':p.arg,'kind':'posonly' if i < len(a.posonlyargs) else 'normal','default':self.e(defaults[i]),'annotation':self.e(p.annotation)})
        if a.vararg: out.append({'name':a.vararg.arg,'kind':'varargs','default':None,'annotation':self.e(a.vararg.annotation)})
        for p, d in zip(a.kwonlyargs, a.kw_defaults):
            out.append({'name':p.arg,'kind':'kwonly','default':self.e(d),'annotation':self.e(p.annotation)})
        if a.kwarg: out.append({'name':a.kwarg.arg,'kind':'varkw','default':None,'annotation':self.e(a.kwarg.annotation)})
        return out
    def body(self, b): return [self.s(x) for x in b]
    def s(self, n):
        k = type(n)
        if k is ast.Expr: return self.span(n, {'kind':'Expr','expr':self.e(n.value)})
        if k is ast.Assign: return self.span(n, {'kind':'Assign','targets':[self.e(t) for t in n.targets],'value':self.e(n.value)})
        if k is ast.AnnAssign: return self.span(n, {'kind':'AnnAssign','target':self.e(n.target),'annotation':self.e(n.annotation),'value':self.e(n.value)})
        if k is ast.AugAssign: return self.span(n, {'kind':'AugAssign','target':self.e(n.target),'op':BIN[type(n.op)],'value':self.e(n.value)})
        if k is ast.If: return self.span(n, {'kind':'If','test':self.e(n.test),'body':self.body(n.body),'orelse':self.body(n.orelse)})
        if k in (ast.For, ast.AsyncFor): return self.span(n, {'kind':'For','target':self.e(n.target),'iter':self.e(n.iter),'body':self.body(n.body),'orelse':self.body(n.orelse)})
        if k is ast.While: return self.span(n, {'kind':'While','test':self.e(n.test),'body':self.body(n.body),'orelse':self.body(n.orelse)})
        if k is ast.Return: return self.span(n, {'kind':'Return','value':self.e(n.value)})
        if k is ast.Pass: return self.span(n, {'kind':'Pass'})
        if k is ast.Break: return self.span(n, {'kind':'Break'})
        if k is ast.Continue: return self.span(n, {'kind':'Continue'})
        if k in (ast.FunctionDef, ast.AsyncFunctionDef):
            return self.span(n, {'kind':'FunctionDef','name':n.name,'params':self.params(n.args),'body':self.body(n.body),
                                 'decorators':[self.e(d) for d in n.decorator_list],'isAsync':k is ast.AsyncFunctionDef})
        if k is ast.ClassDef:
            return self.span(n, {'kind':'ClassDef','name':n.name,'bases':self.callargs(n.bases, n.keywords),'body':self.body(n.body),
                                 'decorators':[self.e(d) for d in n.decorator_list]})
        if k is ast.Import: return self.span(n, {'kind':'Import','names':[{'name':a.name,'asname':a.asname} for a in n.names]})
        if k is ast.ImportFrom:
            names = '*' if len(n.names) == 1 and n.names[0].name == '*' else [{'name':a.name,'asname':a.asname} for a in n.names]
            return self.span(n, {'kind':'ImportFrom','module':n.module,'level':n.level,'names':names})
        if k in (ast.Try, getattr(ast, 'TryStar', ast.Try)):
            return self.span(n, {'kind':'Try','body':self.body(n.body),'handlers':[{'type':self.e(h.type),'name':h.name,'body':self.body(h.body)} for h in n.handlers],
                                 'orelse':self.body(n.orelse),'finalbody':self.body(n.finalbody)})
        if k in (ast.With, ast.AsyncWith): return self.span(n, {'kind':'With','items':[{'expr':self.e(i.context_expr),'target':self.e(i.optional_vars)} for i in n.items],'body':self.body(n.body)})
        if k is ast.Raise: return self.span(n, {'kind':'Raise','exc':self.e(n.exc)})
        if k is ast.Assert: return self.span(n, {'kind':'Assert','test':self.e(n.test),'msg':self.e(n.msg)})
        if k is ast.Global: return self.span(n, {'kind':'Global','names':n.names})
        if k is ast.Nonlocal: return self.span(n, {'kind':'Nonlocal','names':n.names})
        if k is ast.Delete: return self.span(n, {'kind':'Del','targets':[self.e(t) for t in n.targets]})
        if k is ast.Match: return self.span(n, {'kind':'ErrorStmt'})
        raise Exception('unknown stmt ' + k.__name__)

if __name__ == '__main__':
    path = sys.argv[1]
    # newline='' keeps \r\n as written, so offsets match the file JavaScript reads.
    src = open(path, encoding='utf-8', newline='').read()
    json.dump({'kind': 'Module', 'body': Conv(src).body(ast.parse(src).body)}, sys.stdout, indent=None, separators=(',', ':'))
    sys.stdout.write('\n')
