// What a person does in the VS Code workbench, as playwright-core steps: open a file, go to a
// line, read the code lenses on screen, hover a word, read the Problems panel, run a quick fix,
// type. Every reader returns text taken from the DOM; the scenarios decide what it must say.

import type { FrameLocator, Locator, Page } from 'playwright-core';


export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `accept` holds; returns the last value read, or throws with it after `timeoutMs`. */
export async function waitFor<T>(what: string, read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > timeoutMs) {
      const seen = last === undefined ? String(lastError) : JSON.stringify(last, null, 1).slice(0, 2000);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await sleep(everyMs);
  }
}

export class Workbench {
  /** Where screenshotStep() writes, and the file-name prefix of the scenario running. */
  shots: { dir: string; prefix: string } | null = null;

  constructor(readonly page: Page) {}

  async load(url: string, folder: string): Promise<void> {
    await this.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  get editor(): Locator {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /**
   * Opens a workspace file with Quick Open (Ctrl+P) and waits until its editor shows text. The row
   * is clicked once the list shows only matches: Enter can beat the filter to the first row.
   */
  async openFile(name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+P');
      const input = this.page.locator('.quick-input-widget input.input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(name);
      const rows = this.page.locator('.quick-input-list .monaco-list-row');
      // Liveness, not speed: the first search indexes the folder, slow on a loaded machine.
      // Other files may match the name loosely (unet_model.py for unet.py): the row whose file name
      // is exactly it. Playwright's click waits for it and retries while the list re-renders.
      const exactName = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      const row = rows.filter({ has: this.page.locator('.label-name', { hasText: exactName }) }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.click({ timeout: 30_000 });
      try {
        await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 5000 });
        await this.editor.locator('.view-lines .view-line').first().waitFor({ timeout: 20_000 });
        return;
      } catch (error) {
        if (attempt === 2) throw error;
      }
    }
  }

  /**
   * Moves the cursor to a 1-based line (and column) with Go to Line, which reveals it in the
   * middle, and checks the status bar's "Ln L, Col C" (Enter can beat the picker to the value).
   */
  async goTo(line: number, column?: number): Promise<void> {
    const want = column === undefined ? `Ln ${line},` : `Ln ${line}, Col ${column}`;
    for (let attempt = 0; ; attempt++) {
      await this.focusEditor();
      await this.page.keyboard.press('Control+G');
      const input = this.page.locator('.quick-input-widget input.input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(column === undefined ? `:${line}` : `:${line}:${column}`);
      await sleep(50);
      await this.page.keyboard.press('Enter');
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
      const at = await waitFor('the cursor position', () => this.cursor(), (c) => c.startsWith(want), 2000).catch(() => null);
      if (at) return;
      if (attempt === 2) throw new Error(`Go to Line ${want} did not move the cursor: ${await this.cursor()}`);
    }
  }

  /** The status bar's cursor position, `Ln 25, Col 17`. */
  async cursor(): Promise<string> {
    return ((await this.page.locator('#status\\.editor\\.selection').innerText().catch(() => '')) ?? '').trim();
  }

  async focusEditor(): Promise<void> {
    await this.page.keyboard.press('Escape');
    // Ctrl+1 focuses the first editor group without moving the cursor.
    await this.page.keyboard.press('Control+1');
  }

  // Callbacks passed to evaluate() run in the page: no named inner functions there (tsx's
  // keepNames would wrap them in a `__name` helper the page does not have).

  /** The text of every code lens on screen, top to bottom. */
  async lenses(): Promise<string[]> {
    return this.editor.locator('.codelens-decoration').evaluateAll((els) =>
      els
        .map((e) => ({ rect: e.getBoundingClientRect(), text: (e.textContent ?? '').replace(/\u00a0/g, ' ').trim() }))
        .filter((e) => e.rect.height > 0 && e.rect.bottom > 0 && e.rect.top < window.innerHeight)
        .sort((a, b) => a.rect.top - b.rect.top)
        .map((e) => e.text),
    );
  }

  /**
   * The code lens row directly above the first line on screen that contains `lineText`: between
   * the bottom of the line before it and its top (null when that gap holds no lens).
   */
  async lensAbove(lineText: string): Promise<string | null> {
    return this.editor.evaluate((root, needle) => {
      const lines = Array.from(root.querySelectorAll('.view-line'));
      const line = lines.find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(needle));
      if (!line) return null;
      const lineTop = line.getBoundingClientRect().top;
      let previousBottom = -Infinity;
      for (const l of lines) {
        const r = l.getBoundingClientRect();
        if (l !== line && r.height > 0 && r.bottom <= lineTop + 0.5 && r.bottom > previousBottom) previousBottom = r.bottom;
      }
      let best: { bottom: number; text: string } | null = null;
      for (const e of Array.from(root.querySelectorAll('.codelens-decoration'))) {
        const r = e.getBoundingClientRect();
        if (r.height === 0 || r.bottom > lineTop + 1 || r.top < previousBottom - 1) continue;
        if (!best || r.bottom > best.bottom) best = { bottom: r.bottom, text: (e.textContent ?? '').replace(/\u00a0/g, ' ').trim() };
      }
      return best ? best.text : null;
    }, lineText);
  }

  /** Waits until the lens row above the line with `lineText` satisfies `accept`, and returns it. */
  async waitLens(lineText: string, accept: (lens: string) => boolean, timeoutMs = 20_000): Promise<string> {
    const lens = await waitFor(`the lens above "${lineText}"`, () => this.lensAbove(lineText), (t) => t !== null && accept(t), timeoutMs);
    return lens ?? '';
  }

  /** Screen coordinates of the middle of `word` on the first line on screen that contains
   *  `lineText`; `covered` names what lies over it there (null: the word itself). */
  async wordPosition(lineText: string, word: string): Promise<{ x: number; y: number; covered: string | null } | null> {
    return this.editor.evaluate(
      (root, [needle, w]) => {
        const line = Array.from(root.querySelectorAll('.view-line')).find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(needle));
        if (!line) return null;
        const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
        const at = text.indexOf(w, Math.max(0, text.indexOf(needle)));
        if (at < 0) return null;
        // A DOM range over the word's characters, across token spans.
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let seen = 0;
        let started = false;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const len = (n.textContent ?? '').length;
          if (!started && at < seen + len) {
            range.setStart(n, at - seen);
            started = true;
          }
          if (started && at + w.length <= seen + len) {
            range.setEnd(n, at + w.length - seen);
            break;
          }
          seen += len;
        }
        const r = range.getBoundingClientRect();
        if (!(r.width > 0)) return null;
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        // What the mouse would touch there: the line, or something drawn over it.
        const top = document.elementFromPoint(x, y);
        const covered = top && !line.contains(top) ? `${top.tagName.toLowerCase()}.${Array.from(top.classList).join('.')}` : null;
        return { x, y, covered };
      },
      [lineText, word] as const,
    );
  }

  /** Hovers `word` on the line that contains `lineText` and returns the hover's text once it matches `expect`. */
  async hover(lineText: string, word: string, expect: RegExp, timeoutMs = 15_000): Promise<string> {
    const content = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents');
    const started = Date.now();
    let seen = '';
    while (Date.now() - started < timeoutMs) {
      const at = await this.wordPosition(lineText, word);
      if (!at) throw new Error(`"${word}" in a line with "${lineText}" is not on screen`);
      if (at.covered) {
        // Covered where the mouse would go (hovering there shows the cover's hover, not ours):
        // the text is scrolled a few lines towards the middle of the editor, the cursor kept.
        seen = `"${word}" is covered by ${at.covered}`;
        const box = await this.editor.boundingBox();
        await this.focusEditor();
        for (let i = 0; i < 3; i++) await this.page.keyboard.press(box && at.y < box.y + box.height / 2 ? 'Control+ArrowUp' : 'Control+ArrowDown');
        await sleep(200);
        continue;
      }
      await this.page.mouse.move(2, 2);
      await sleep(50);
      await this.page.mouse.move(at.x, at.y, { steps: 2 });
      try {
        const match = content.filter({ hasText: expect }).first();
        await match.waitFor({ timeout: 3000 });
        return (await match.innerText()).trim();
      } catch {
        seen = (await content.allInnerTexts().catch(() => [])).join(' | ');
      }
    }
    throw new Error(`no hover matching ${expect} over "${word}" in "${lineText}" within ${timeoutMs} ms; seen: ${seen.slice(0, 500)}`);
  }

  async hideHover(): Promise<void> {
    await this.page.mouse.move(2, 2);
    await this.page.keyboard.press('Escape');
  }

  /** Opens the Problems panel and returns each marker row (file rows are the tree's level 1). */
  async problems(): Promise<{ file: string; text: string; severity: string }[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ timeout: 10_000 });
    }
    return panel.locator('.monaco-list-row').evaluateAll((rows) => {
      const out: { file: string; text: string; severity: string }[] = [];
      let file = '';
      for (const row of rows) {
        const text = (row.textContent ?? '').replace(/\u00a0/g, ' ').trim();
        // The marker's icon says its severity (codicon-error, -warning, -info).
        const icon = /codicon-(error|warning|info)\b/.exec(row.innerHTML)?.[1] ?? (row.getAttribute('aria-label') ?? '').slice(0, 80);
        if (row.getAttribute('aria-level') === '1') file = (row.querySelector('.label-name')?.textContent ?? text).trim();
        else out.push({ file, text, severity: icon });
      }
      return out;
    });
  }

  /** ConvLens's status bar item: its text, and whether it shows the ⚠ (warning) icon. */
  async convlensStatus(): Promise<{ text: string; warning: boolean } | null> {
    const item = this.page.locator('.statusbar-item', { has: this.page.locator('.codicon-layers') }).first();
    if (!(await item.isVisible().catch(() => false))) return null;
    return { text: (await item.innerText()).replace(/\s+/g, ' ').trim(), warning: (await item.locator('.codicon-warning').count()) > 0 };
  }

  /** Hides the bottom panel (Problems, Output, …) so the editor has the window's height. */
  async closePanel(): Promise<void> {
    const panel = this.page.locator('.part.panel.bottom');
    if (await panel.isVisible().catch(() => false)) {
      await this.page.keyboard.press('Control+J');
      await panel.waitFor({ state: 'hidden', timeout: 10_000 });
    }
  }

  /**
   * Expands the Explorer's "Up-sampling Preview" view (a webview view) and returns its content
   * frame. The folder tree is collapsed so the preview gets the side bar's height.
   */
  async openPreviewView(): Promise<FrameLocator> {
    const folders = this.page.locator('.pane-header', { has: this.page.locator('.title', { hasText: /^workspace$/i }) }).first();
    if ((await folders.getAttribute('aria-expanded').catch(() => null)) === 'true') await folders.click();
    const header = this.page.locator('.pane-header', { hasText: /Up-sampling Preview/i }).first();
    await header.waitFor({ timeout: 20_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    return this.previewFrame();
  }

  /** The preview page inside its webview: outer iframe (host page), then #active-frame (content). */
  previewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready >> nth=0').frameLocator('#active-frame');
  }

  /** Notification toasts and centre entries with the error icon. */
  async errorNotifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item')
      .filter({ has: this.page.locator('.codicon-error') })
      .allInnerTexts();
  }

  /** Where the keyboard focus is: the active element's tag and classes (for failure messages). */
  async focused(): Promise<string> {
    return this.page.evaluate(() => {
      const a = document.activeElement;
      return a ? `${a.tagName.toLowerCase()}.${String(a.className).split(/\s+/).slice(0, 4).join('.')}` : 'nothing';
    });
  }

  /**
   * Runs a quick fix by its title at the cursor (Ctrl+. opens the code action menu); returns when
   * it was clicked. The menu closes when the editor loses focus before it is read, so a menu that
   * did not show is asked for once more, with the focus put back on the editor.
   */
  async quickFix(title: string): Promise<{ clicked: number; attempts: number; focus: string[]; rows: string[] }> {
    const item = this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    const focus: string[] = [];
    for (let attempt = 1; ; attempt++) {
      focus.push(await this.focused());
      await this.page.keyboard.press('Control+.');
      try {
        await item.waitFor({ timeout: 5000 });
      } catch (error) {
        if (attempt === 2) throw new Error(`no "${title}" in the code action menu (focus before each Ctrl+.: ${focus.join(', ')}): ${String(error)}`);
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('Control+1');
        continue;
      }
      const rows = (await this.page.locator('.action-widget .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      const clicked = Date.now();
      await item.click();
      await item.waitFor({ state: 'detached', timeout: 10_000 });
      return { clicked, attempts: attempt, focus, rows };
    }
  }

  /** Collapses the Explorer's preview view and shows the folder tree again. */
  async closePreviewView(): Promise<void> {
    const header = this.page.locator('.pane-header', { hasText: /Up-sampling Preview/i }).first();
    if ((await header.getAttribute('aria-expanded').catch(() => null)) === 'true') await header.click();
    const folders = this.page.locator('.pane-header', { has: this.page.locator('.title', { hasText: /^workspace$/i }) }).first();
    if ((await folders.getAttribute('aria-expanded').catch(() => null)) === 'false') await folders.click();
  }

  /** Text of the active editor's line (1-based) as the model holds it, read via the DOM after revealing it. */
  async lineText(line: number): Promise<string> {
    await this.goTo(line);
    return this.editor.evaluate((root) => {
      const current = root.querySelector('.current-line');
      const top = current?.getBoundingClientRect().top ?? -1;
      const l = Array.from(root.querySelectorAll('.view-line')).find((v) => Math.abs(v.getBoundingClientRect().top - top) < 2);
      return (l?.textContent ?? '').replace(/\u00a0/g, ' ');
    });
  }

  /** Runs a command from the Command Palette by its title, e.g. `ConvLens: Show Layer Table`. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
  }

  /** The rows of the open quick pick, once it lists `expect`; then clicks the row holding `choose`. */
  async pick(choose: string, expect = choose): Promise<string[]> {
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    const texts = await waitFor(`the quick pick to list ${expect}`, () => rows.allInnerTexts(), (t) => t.some((r) => r.includes(expect)), 10_000, 50);
    await rows.filter({ hasText: choose }).first().click();
    return texts;
  }

  /** Answers an open input box: its value replaced by `text`, then Enter. Returns the value it offered. */
  async answerInput(text: string): Promise<string> {
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ timeout: 10_000 });
    // After a quick pick the same widget becomes the input box a moment later: until the pick's list
    // has gone, the input read is the pick's empty filter (both callers offer a value).
    const list = this.page.locator('.quick-input-list');
    const offered = await waitFor('the input box with its offered value', async () => ((await list.isVisible()) ? '' : input.inputValue()), (v) => v !== '', 10_000, 50);
    await input.fill(text);
    await sleep(50);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    return offered;
  }

  async statusBarItems(): Promise<string[]> {
    return this.page.locator('.statusbar-item').allInnerTexts();
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }

  /** A screenshot in the middle of a scenario, next to the scenario's own. */
  async screenshotStep(name: string): Promise<void> {
    if (this.shots) await this.page.screenshot({ path: `${this.shots.dir}/${this.shots.prefix}-${name}.png` });
  }
}
