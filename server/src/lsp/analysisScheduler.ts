// When to analyse what. Analysis is synchronous and can take a while on a big file, so it never
// runs inside a request: edits arm a debounce timer per document, due documents queue up, and
// each is analysed in its own setImmediate turn so requests queued meanwhile are answered in
// between (from the latest completed report). A newer version supersedes a pending one simply by
// being the text that is read when the turn comes. Results are cached by text, and documents that
// import a changed file are analysed again.

import type { FileReport } from '../engine/report';
import type { PyModule } from '../engine/python/ast';
import type { OpenDocument, DocumentStore } from './documentStore';
import type { AnalysisOutput } from './runAnalysis';

/** Things derived from a report on demand, shared by every version with the same text. */
export interface Derived {
  [key: string]: unknown;
}

export interface CompletedAnalysis {
  uri: string;
  path: string;
  /** The document version the report describes. */
  version: number;
  text: string;
  report: FileReport;
  dependencies: Set<string>;
  durationMs: number;
  /** The AST the analysis read (Python), shared with the engine's parse cache. */
  syntaxTree: PyModule | null;
  derived: Derived;
}

export interface SchedulerHooks {
  /** `complete`: with what a keystroke's analysis may defer (the valid input sizes). */
  analyze(doc: OpenDocument, text: string, complete: boolean): AnalysisOutput;
  /** Changes whenever a setting that affects the report changes. */
  settingsKey(): string;
  completed(result: CompletedAnalysis, fromCache: boolean): void;
  failed(doc: OpenDocument, error: unknown): void;
}

// Enough for undo/redo across a few edits; each entry holds a report and its derived indexes.
const CACHE_LIMIT = 6;

/** Quiet time after which a keystroke's report gets what it deferred (a pause in typing). */
const COMPLETE_AFTER_MS = 600;

/** A report some of whose models deferred their valid-size scan. */
export function isDeferred(report: FileReport): boolean {
  return report.models.some((m) => m.validSizesDeferred);
}

export class AnalysisScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly completeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Documents due for analysis, oldest first. */
  private readonly due = new Set<string>();
  private turn: ReturnType<typeof setImmediate> | null = null;
  private readonly latestByUri = new Map<string, CompletedAnalysis>();
  /** Most recently used last. */
  private readonly cache = new Map<string, CompletedAnalysis>();

  constructor(
    private readonly store: DocumentStore,
    private readonly hooks: SchedulerHooks,
    public debounceMs: number,
  ) {}

  /** Analyse `uri` after `delayMs` of quiet (a later call restarts the wait). */
  schedule(uri: string, delayMs = this.debounceMs): void {
    this.cancelCompletion(uri);
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
    if (delayMs <= 0) {
      this.markDue(uri);
      return;
    }
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.markDue(uri);
      }, delayMs),
    );
  }

  /** The newest report of a document, possibly for an older version than the text on screen. */
  latest(uri: string): CompletedAnalysis | undefined {
    return this.latestByUri.get(uri);
  }

  /** True while an analysis of `uri` is waiting (debounce or queue). */
  pending(uri: string): boolean {
    return this.timers.has(uri) || this.due.has(uri);
  }

  /**
   * The newest report of `uri` with nothing deferred: a keystroke's report is completed now (one
   * more analysis of the same text, same version) when something needs what it deferred, such as
   * a hover on the model. Undefined when there is no report or its document is closed.
   */
  complete(uri: string): CompletedAnalysis | undefined {
    const latest = this.latestByUri.get(uri);
    if (!latest || !isDeferred(latest.report)) return latest;
    const doc = this.store.get(uri);
    if (!doc) return latest;
    const key = this.keyOf(uri, latest.text);
    let output: AnalysisOutput;
    try {
      output = this.hooks.analyze(doc, latest.text, true);
    } catch (error) {
      this.hooks.failed(doc, error);
      return latest;
    }
    const result = this.resultOf(latest.uri, latest.path, latest.version, latest.text, output);
    this.remember(key, result);
    this.publish(result, false);
    return result;
  }

  forget(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
    this.cancelCompletion(uri);
    this.due.delete(uri);
    this.latestByUri.delete(uri);
    this.invalidate(uri);
  }

  /** Drops cached reports of `uri` (something it imports changed). */
  invalidate(uri: string): void {
    for (const [key, value] of this.cache) if (value.uri === uri) this.cache.delete(key);
  }

  /** Drops every cached report (settings changed). */
  invalidateAll(): void {
    this.cache.clear();
  }

  /** Open documents whose last analysis read `path`. */
  dependentsOf(path: string): string[] {
    const uris: string[] = [];
    for (const [uri, result] of this.latestByUri) if (result.dependencies.has(path)) uris.push(uri);
    return uris;
  }

  private markDue(uri: string): void {
    this.due.delete(uri);
    this.due.add(uri);
    if (!this.turn) this.turn = setImmediate(() => this.runNext());
  }

  private runNext(): void {
    this.turn = null;
    const next = this.due.values().next();
    if (next.done) return;
    const uri = next.value;
    this.due.delete(uri);
    try {
      this.analyseNow(uri);
    } finally {
      if (this.due.size && !this.turn) this.turn = setImmediate(() => this.runNext());
    }
  }

  private analyseNow(uri: string): void {
    const doc = this.store.get(uri);
    if (!doc) return;
    const text = doc.document.getText();
    const version = doc.document.version;
    const key = this.keyOf(uri, text);
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      this.publish({ ...cached, version }, true);
      return;
    }
    let output: AnalysisOutput;
    try {
      output = this.hooks.analyze(doc, text, false);
    } catch (error) {
      this.hooks.failed(doc, error);
      return;
    }
    const result = this.resultOf(uri, doc.path, version, text, output);
    this.remember(key, result);
    this.publish(result, false);
  }

  /** Caches a report as the most recently used, replacing one of the same text. */
  private remember(key: string, result: CompletedAnalysis): void {
    this.cache.delete(key);
    this.cache.set(key, result);
    while (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
  }

  private keyOf(uri: string, text: string): string {
    return `${uri}\u0000${this.hooks.settingsKey()}\u0000${text}`;
  }

  private resultOf(uri: string, path: string, version: number, text: string, output: AnalysisOutput): CompletedAnalysis {
    return {
      uri,
      path,
      version,
      text,
      report: output.report,
      dependencies: output.dependencies,
      durationMs: output.durationMs,
      syntaxTree: output.syntaxTree,
      derived: {},
    };
  }

  private publish(result: CompletedAnalysis, fromCache: boolean): void {
    this.latestByUri.set(result.uri, result);
    this.store.trim(result.uri, result.version);
    this.hooks.completed(result, fromCache);
    if (isDeferred(result.report)) this.completeWhenQuiet(result.uri);
  }

  /** A pause in typing completes the report, so that the hover finds it done. */
  private completeWhenQuiet(uri: string): void {
    this.cancelCompletion(uri);
    const timer = setTimeout(() => {
      this.completeTimers.delete(uri);
      if (!this.pending(uri)) this.complete(uri);
    }, COMPLETE_AFTER_MS);
    // The server's process may end while a pause is awaited.
    timer.unref?.();
    this.completeTimers.set(uri, timer);
  }

  private cancelCompletion(uri: string): void {
    const timer = this.completeTimers.get(uri);
    if (timer) clearTimeout(timer);
    this.completeTimers.delete(uri);
  }
}
