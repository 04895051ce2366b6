// The open documents: their text per version, and the edits since each version, so that a report
// computed for an older version can still be placed on the current text.

import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { endOfInsertion, type RangeEdit } from './positionMap';
import { uriToPath } from './uris';

interface VersionedEdit {
  /** The version this edit produced. */
  version: number;
  /** null: the whole text was replaced; nothing maps across it. */
  edit: RangeEdit | null;
}

export interface OpenDocument {
  uri: string;
  path: string;
  document: TextDocument;
  edits: VersionedEdit[];
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    const doc: OpenDocument = { uri, path: uriToPath(uri), document: TextDocument.create(uri, languageId, version, text), edits: [] };
    this.docs.set(uri, doc);
    return doc;
  }

  /** Applies the changes of one didChange, in order (each range is in the text left by the previous one). */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    for (const change of changes) {
      if ('range' in change) {
        const start = change.range.start;
        doc.edits.push({ version, edit: { start, end: change.range.end, newEnd: endOfInsertion(start, change.text) } });
      } else {
        doc.edits.push({ version, edit: null });
      }
    }
    doc.document = TextDocument.update(doc.document, [...changes], version);
    return doc;
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  byPath(path: string): OpenDocument | undefined {
    for (const doc of this.docs.values()) if (doc.path === path) return doc;
    return undefined;
  }

  /** The edits that lead from `version` to the current text; null when one of them replaced everything. */
  editsSince(uri: string, version: number): RangeEdit[] | null {
    const doc = this.docs.get(uri);
    if (!doc) return null;
    const edits: RangeEdit[] = [];
    for (const e of doc.edits) {
      if (e.version <= version) continue;
      if (!e.edit) return null;
      edits.push(e.edit);
    }
    return edits;
  }

  /** Forgets edits up to `version`: no report older than it will be asked about again. */
  trim(uri: string, version: number): void {
    const doc = this.docs.get(uri);
    if (doc) doc.edits = doc.edits.filter((e) => e.version > version);
  }
}
