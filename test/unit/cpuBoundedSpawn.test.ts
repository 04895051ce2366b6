// The tests' bound on child processes is CPU time, not wall-clock time (issue 15): a busy machine
// delays a child but does not stop it; a child that spins is stopped whatever the load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnCpuBounded } from '../support/cpuBoundedSpawn';

test('a child that spins is stopped by the kernel after its CPU seconds, and the reason says so', () => {
  const r = spawnCpuBounded(process.execPath, ['-e', 'for (;;) {}'], 1);
  assert.ok(r.signal === 'SIGXCPU' || r.signal === 'SIGKILL', `signal ${r.signal}`);
  assert.match(r.stoppedBy ?? '', /more than 1 s of CPU time/);
});

test('a child that waits longer than its CPU seconds, using no CPU, ends by itself with its own status', () => {
  const r = spawnCpuBounded(process.execPath, ['-e', 'setTimeout(() => { console.log("done"); process.exit(3); }, 1500)'], 1);
  assert.equal(r.signal, null);
  assert.equal(r.status, 3);
  assert.equal(r.stdout.trim(), 'done');
  assert.equal(r.stoppedBy, null);
});

test('arguments reach the command as given, spaces and quotes included (no shell re-reading)', () => {
  const r = spawnCpuBounded(process.execPath, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', 'a b', '"$HOME"', "it's"], 5);
  assert.deepEqual(JSON.parse(r.stdout), ['a b', '"$HOME"', "it's"]);
});
