// Where ConvLens keeps what it may recompute (parsed library files, compiled code): one folder for
// the CLI and the language server. Light on purpose: the start-up path reads it before anything else.

import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * `$CONVLENS_CACHE_DIR` when that is set (set to the empty string, `0`, `off`, `false` or `none`,
 * caching is off: null), else `$XDG_CACHE_HOME/convlens`, else `~/.cache/convlens`. Null when no
 * folder can be named.
 */
export function convlensCacheDir(env: Record<string, string | undefined>): string | null {
  const override = env.CONVLENS_CACHE_DIR;
  if (override !== undefined) {
    if (/^(|0|off|false|none)$/i.test(override.trim())) return null;
    return override;
  }
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'convlens');
  let home = env.HOME ?? env.USERPROFILE;
  if (!home) {
    try {
      home = homedir();
    } catch {
      return null;
    }
  }
  return home ? join(home, '.cache', 'convlens') : null;
}
