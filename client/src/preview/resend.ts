// What a preview host sends a page that just said it is ready. Pure (no `vscode`), so that the
// webview tests check it.

import type { HostMessage } from '../../../webview/src/protocol/messages';

/**
 * The latest message goes to every page that says it is ready (a hidden webview is rebuilt from
 * its HTML when shown again), except the show the page rendered from its own HTML (`shown`).
 */
export function resendOnReady(latest: HostMessage | null, shown: number | undefined): latest is HostMessage {
  if (!latest) return false;
  return !(latest.type === 'show' && shown !== undefined && latest.requestId === shown);
}
