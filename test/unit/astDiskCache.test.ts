// The disk cache of library ASTs (server/src/pythonEnvironment/astDiskCache.ts): what it returns
// must be exactly what a fresh parse gives (checked over every file of the installed torchvision),
// for exactly the path and text it was stored for; a damaged entry is a miss, never an exception
// and never a wrong AST; the folder stays under its bound; concurrent writers never let a reader
// see half an entry; the environment can move or switch it off; only library files go there.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePython } from '../../server/src/engine/python/parse';
import { analyzeFile, forgetLibraryWorld } from '../../server/src/engine/analyze';
import { parsedFile } from '../../server/src/engine/python/interpreter';
import type { PyModule } from '../../server/src/engine/python/ast';
import type { AstCache, FileReport } from '../../server/src/engine/report';
import { AST_FORMAT_VERSION, AstDiskCache, astCacheDirFor, astDiskCacheFromEnv, decode, encode } from '../../server/src/pythonEnvironment/astDiskCache';

const ROOT = resolve(import.meta.dirname, '../..');
const TORCHVISION = '/usr/lib/python3/dist-packages/torchvision';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-astcache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.ast')) : [];
}

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) pythonFiles(full, out);
    else if (name.endsWith('.py')) out.push(full);
  }
  return out;
}

const SOURCE = `import torch.nn as nn

def helper(x, *, k=3):
    def inner(y):
        return y + k
    return inner(x) * 2

class Block(nn.Module):
    expansion = 4
    @staticmethod
    def make(c):
        return Block(c)
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
    def forward(self, x):
        yield self.conv(x)

s = "\u00e9t\u00e9 \u{1F600} — ünïcode"
`;

test('an entry is read back exactly as a fresh parse of the same text, its function bodies included', (t) => {
  const dir = tempDir(t);
  const cache = new AstDiskCache({ dir });
  assert.equal(cache.get('/lib/m.py', SOURCE), null);
  cache.set('/lib/m.py', SOURCE, parsePython(SOURCE));
  assert.equal(entries(dir).length, 1);
  // Another process: another instance on the same folder.
  const read = new AstDiskCache({ dir }).get('/lib/m.py', SOURCE);
  assert.ok(read);
  assert.deepStrictEqual(read, parsePython(SOURCE));
  // Two reads are two separate trees (the engine adds properties to nodes).
  const again = cache.get('/lib/m.py', SOURCE)!;
  assert.notEqual(again.body, read.body);
  assert.deepStrictEqual(again, parsePython(SOURCE));
});

test('another text, or another path, is a miss', (t) => {
  const dir = tempDir(t);
  const cache = new AstDiskCache({ dir });
  cache.set('/lib/m.py', SOURCE, parsePython(SOURCE));
  const changed = SOURCE.replace('k=3', 'k=5');
  assert.equal(cache.get('/lib/m.py', changed), null);
  assert.equal(cache.get('/lib/other.py', SOURCE), null);
  cache.set('/lib/m.py', changed, parsePython(changed));
  const read = cache.get('/lib/m.py', changed)!;
  assert.deepStrictEqual(read, parsePython(changed));
  assert.deepStrictEqual(cache.get('/lib/m.py', SOURCE), parsePython(SOURCE));
});

test('a damaged entry is a miss (never an exception, never a wrong tree) and is written again', (t) => {
  const dir = tempDir(t);
  const cache = new AstDiskCache({ dir });
  const fresh = parsePython(SOURCE);
  cache.set('/lib/m.py', SOURCE, parsePython(SOURCE));
  const file = join(dir, entries(dir)[0]!);
  const good = readFileSync(file);
  const damage: [string, Buffer][] = [
    ['garbage', Buffer.from('not an entry at all')],
    ['empty', Buffer.alloc(0)],
    ['truncated', good.subarray(0, Math.floor(good.length / 2))],
    ['one byte changed inside a function body', Buffer.from(good.toString('latin1').replace('"inner"', '"innex"'), 'latin1')],
    ['one byte changed in the header', Buffer.from(good.toString('latin1').replace(`convlens-ast ${AST_FORMAT_VERSION}`, 'convlens-ast 999'), 'latin1')],
  ];
  for (const [what, bytes] of damage) {
    assert.notDeepEqual(bytes, good, what);
    writeFileSync(file, bytes);
    assert.equal(cache.get('/lib/m.py', SOURCE), null, what);
  }
  // A folder where the entry should be: still a miss, and set does not throw.
  rmSync(file);
  mkdirSync(file);
  assert.equal(cache.get('/lib/m.py', SOURCE), null);
  assert.doesNotThrow(() => cache.set('/lib/m.py', SOURCE, parsePython(SOURCE)));
  rmSync(file, { recursive: true });
  // Written again: whole.
  cache.set('/lib/m.py', SOURCE, parsePython(SOURCE));
  assert.deepStrictEqual(cache.get('/lib/m.py', SOURCE), fresh);
});

test('a body that cannot be read when first used (an entry without checksum) comes from a fresh parse', () => {
  const bytes = encode(parsePython(SOURCE))!;
  const text = bytes.toString('latin1');
  const header = text.slice(0, text.indexOf('\n')).split(' ');
  header[2] = '-';
  // Same length, unreadable JSON inside the body of `helper`.
  const damaged = Buffer.from(header.join(' ') + text.slice(text.indexOf('\n')).replaceAll('"inner"', '"inn\\q"'), 'latin1');
  assert.notEqual(damaged.length, 0);
  assert.ok(!damaged.toString('latin1').includes('"inner"') && bytes.toString('latin1').includes('"inner"'));
  const module = decode(damaged, SOURCE);
  assert.ok(module, 'the outer part is whole');
  assert.deepStrictEqual(module, parsePython(SOURCE));
});

test('the folder stays under its size bound, the least recently used entries going first', (t) => {
  const dir = tempDir(t);
  const texts = Array.from({ length: 12 }, (_, i) => `${SOURCE}\nx${i} = ${i}\n`);
  const size = encode(parsePython(texts[0]!))!.length;
  const cache = new AstDiskCache({ dir, maxBytes: size * 5 + 100 });
  const total = (): number => entries(dir).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
  // Distinct, increasing mtimes (file systems with coarse timestamps).
  const age = (i: number, path: string, text: string): void => {
    const when = new Date(Date.UTC(2020, 0, 1) + i * 60_000);
    utimesSync(cache.entryFile(path, text), when, when);
  };
  for (let i = 0; i < 4; i++) {
    cache.set(`/lib/m${i}.py`, texts[i]!, parsePython(texts[i]!));
    age(i, `/lib/m${i}.py`, texts[i]!);
  }
  // m0 is used: it is now the most recently used.
  assert.ok(cache.get('/lib/m0.py', texts[0]!));
  for (let i = 4; i < 12; i++) {
    cache.set(`/lib/m${i}.py`, texts[i]!, parsePython(texts[i]!));
    assert.ok(total() <= size * 5 + 100, `after ${i + 1} writes: ${total()} bytes`);
    if (i < 6) age(i, `/lib/m${i}.py`, texts[i]!);
    assert.ok(cache.get(`/lib/m${i}.py`, texts[i]!), 'the entry just written is kept');
  }
  assert.ok(entries(dir).length >= 3);
  assert.equal(cache.get('/lib/m1.py', texts[1]!), null, 'the oldest unused entry went');
  // Another process counting the folder afresh keeps the bound too.
  const other = new AstDiskCache({ dir, maxBytes: size * 2 + 100 });
  other.set('/lib/n.py', SOURCE, parsePython(SOURCE));
  assert.ok(total() <= size * 2 + 100);
  assert.ok(other.get('/lib/n.py', SOURCE));
});

test('writers in several processes at once: a reader sees a whole entry or none, and no temporary file stays', async (t) => {
  const dir = tempDir(t);
  const big = pythonFiles(TORCHVISION).map((f) => readFileSync(f, 'utf8')).sort((a, b) => b.length - a.length)[0]!;
  const script = join(dir, 'writer.ts');
  writeFileSync(script, `
import { readFileSync } from 'node:fs';
import { parsePython } from ${JSON.stringify(join(ROOT, 'server/src/engine/python/parse'))};
import { AstDiskCache } from ${JSON.stringify(join(ROOT, 'server/src/pythonEnvironment/astDiskCache'))};
const text = readFileSync(process.argv[2], 'utf8');
const cache = new AstDiskCache({ dir: process.argv[3] });
const module = parsePython(text);
for (let i = 0; i < 25; i++) cache.set('/lib/big.py', text, module);
`);
  const textFile = join(dir, 'big.py.txt');
  writeFileSync(textFile, big);
  const cacheDir = join(dir, 'cache');
  const expected = parsePython(big);
  const reader = new AstDiskCache({ dir: cacheDir });
  const writers = Array.from({ length: 3 }, () => spawn(process.execPath, ['--import', 'tsx', script, textFile, cacheDir], { cwd: ROOT, stdio: 'inherit' }));
  const done = Promise.all(writers.map((w) => new Promise<number | null>((res) => w.on('exit', res))));
  let finished = false;
  void done.then(() => (finished = true));
  let wholeReads = 0;
  while (!finished) {
    const read = reader.get('/lib/big.py', big);
    if (read) {
      assert.deepStrictEqual(read, expected);
      wholeReads++;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(await done, [0, 0, 0]);
  assert.ok(wholeReads > 0, 'the reader read the entry while it was being rewritten');
  assert.deepEqual(readdirSync(cacheDir).filter((n) => !n.endsWith('.ast')), []);
  assert.equal(entries(cacheDir).length, 1);
});

test('the folder: CONVLENS_CACHE_DIR moves it or turns it off, else XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(astCacheDirFor({ HOME: '/home/u' }), '/home/u/.cache/convlens/ast');
  assert.equal(astCacheDirFor({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' }), '/xdg/convlens/ast');
  assert.equal(astCacheDirFor({ HOME: '/home/u', XDG_CACHE_HOME: 'relative' }), '/home/u/.cache/convlens/ast');
  assert.equal(astCacheDirFor({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg', CONVLENS_CACHE_DIR: '/c' }), '/c/ast');
  for (const off of ['', 'off', '0', 'false', 'none', 'OFF']) {
    assert.equal(astCacheDirFor({ HOME: '/home/u', CONVLENS_CACHE_DIR: off }), null, off);
    assert.equal(astDiskCacheFromEnv({ HOME: '/home/u', CONVLENS_CACHE_DIR: off }), undefined, off);
  }
  assert.equal(astDiskCacheFromEnv({ CONVLENS_CACHE_DIR: '/c' })?.dir, '/c/ast');
});

function libraryProject(dir: string, kernel: number): { site: string; user: string; text: string; analyze: (astCache: AstCache) => FileReport } {
  const site = join(dir, 'site-packages');
  mkdirSync(join(site, 'libz'), { recursive: true });
  writeFileSync(join(site, 'libz/__init__.py'), 'from .blocks import make\n');
  writeFileSync(join(site, 'libz/blocks.py'), `import torch.nn as nn\ndef make(w):\n    return nn.Conv2d(3, w, ${kernel})\n`);
  const user = join(dir, 'proj/model.py');
  mkdirSync(join(dir, 'proj'));
  const text = `import torch.nn as nn\nimport libz\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = libz.make(8)\n    def forward(self, x):\n        return self.c(x)\n`;
  writeFileSync(user, text);
  const analyze = (astCache: AstCache): FileReport => {
    forgetLibraryWorld();
    return analyzeFile({
      file: user, text, readFile: (p) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : null),
      isDirectory: (p) => existsSync(p) && statSync(p).isDirectory(),
      searchPaths: [{ path: site, kind: 'environment', source: 'test' }],
      model: 'Net()', inputs: [[1, 3, 16, 16]], astCache,
    });
  };
  return { site, user, text, analyze };
}

test('an analysis stores the library files it parsed, never the user file, and nothing added at run time', (t) => {
  const dir = tempDir(t);
  const { site, user, text, analyze } = libraryProject(dir, 3);
  const cacheDir = join(dir, 'cache');
  const disk = new AstDiskCache({ dir: cacheDir });
  const asked: string[] = [];
  const stored: string[] = [];
  const report = analyze({
    get: (path, t2) => (asked.push(path), disk.get(path, t2)),
    set: (path, t2, module) => (stored.push(path), disk.set(path, t2, module)),
  });
  assert.equal(report.models[0]?.params, 3 * 8 * 9 + 8, JSON.stringify(report.diagnostics));
  const libraryFiles = [join(site, 'libz/__init__.py'), join(site, 'libz/blocks.py')];
  assert.deepEqual([...asked].sort(), libraryFiles);
  assert.deepEqual([...stored].sort(), libraryFiles);
  assert.equal(entries(cacheDir).length, 2);
  assert.equal(disk.get(user, text), null);
  for (const file of libraryFiles) {
    const libText = readFileSync(file, 'utf8');
    assert.deepStrictEqual(disk.get(file, libText), parsePython(libText));
    // The tree the analysis ran carries run-time additions on its nodes: none is written.
    const ran = parsedFile(file, libText).module;
    assert.ok(JSON.stringify(ran, (k, v) => (k === '$site' ? 'SEEN' : v)).includes('SEEN'), 'the run added $site');
    assert.ok(!encode(ran)!.toString('latin1').includes('$site'));
  }
});

test('a library file found in the cache is not parsed: the cached tree is the one run', (t) => {
  const dir = tempDir(t);
  const { site, analyze } = libraryProject(dir, 3);
  const blocks = join(site, 'libz/blocks.py');
  // A cache that answers for blocks.py with the tree of a 5x5 kernel: the analysis must use it.
  const poisoned = parsePython(readFileSync(blocks, 'utf8').replace('Conv2d(3, w, 3)', 'Conv2d(3, w, 5)'));
  const report = analyze({ get: (path) => (path === blocks ? poisoned : null), set: () => {} });
  assert.equal(report.models[0]?.params, 3 * 8 * 25 + 8, JSON.stringify(report.diagnostics));
});

test('a cache that throws is a cache that misses', (t) => {
  const dir = tempDir(t);
  const { analyze } = libraryProject(dir, 3);
  const report = analyze({ get: () => { throw new Error('disk on fire'); }, set: () => { throw new Error('disk on fire'); } });
  assert.equal(report.models[0]?.params, 3 * 8 * 9 + 8, JSON.stringify(report.diagnostics));
});

test('every file of the installed torchvision reads back from an entry exactly as a fresh parse gives it', { skip: !existsSync(TORCHVISION) && 'torchvision is not installed' }, () => {
  const files = pythonFiles(TORCHVISION);
  assert.ok(files.length > 50);
  let encoded = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const bytes = encode(parsePython(text));
    if (!bytes) continue;
    encoded++;
    const module: PyModule | null = decode(bytes, text);
    assert.ok(module, file);
    assert.deepStrictEqual(module, parsePython(text), file);
  }
  assert.equal(encoded, files.length, 'every file can be cached');
});
