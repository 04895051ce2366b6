// The desktop-VS Code suite (`npm run test:electron`), for contributors with VS Code on their
// machine: builds the extension, bundles the suite, and starts VS Code with @vscode/test-electron
// on a temporary copy of examples/, the extension loaded from this folder.
//
// VS Code comes from CONVLENS_VSCODE_EXECUTABLE (the path of a desktop `code` binary) or is
// downloaded by @vscode/test-electron (stable, or CONVLENS_VSCODE_VERSION). The download needs
// update.code.visualstudio.com; machines without it (this project's CI among them) cannot run
// this suite: it says so and exits 1. CI runs the code-server suite in test/e2e/ instead.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const tmp = mkdtempSync(join(tmpdir(), 'convlens-electron-'));
  try {
    const suite = join(tmp, 'suite.js');
    await esbuild.build({
      entryPoints: [join(import.meta.dirname, 'suite/index.ts')],
      outfile: suite,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'warning',
    });
    const workspace = join(tmp, 'workspace');
    mkdirSync(workspace);
    for (const f of readdirSync(join(ROOT, 'examples'))) if (f.endsWith('.py')) cpSync(join(ROOT, 'examples', f), join(workspace, f));
    const code = await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      ...(process.env.CONVLENS_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.CONVLENS_VSCODE_EXECUTABLE } : {}),
      ...(process.env.CONVLENS_VSCODE_VERSION ? { version: process.env.CONVLENS_VSCODE_VERSION } : {}),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', join(tmp, 'user-data')],
    });
    return code;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`test:electron: ${message}`);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|download/i.test(message)) {
      console.error(
        'test:electron: VS Code could not be downloaded here. Set CONVLENS_VSCODE_EXECUTABLE to a desktop VS Code binary, ' +
          'or run the code-server suite instead: test/e2e/setup.sh && npm run test:e2e',
      );
    }
    return 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
