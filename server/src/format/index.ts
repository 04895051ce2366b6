// One entry for every output format, so the CLI (and later the editor's "copy report") pick a
// format by name.

import type { FileReport } from '../engine/report';
import { formatJson } from './json';
import { formatMarkdown } from './markdown';
import { formatSarif } from './sarif';
import type { FormatName } from './names';
import { formatTable } from './table';

export { FORMATS, type FormatName, isFormatName } from './names';

export interface FormatOptions {
  color: boolean;
  toolVersion: string;
  /** torchinfo's depth (table, markdown, json); undefined: every layer. */
  depth?: number;
}

export function formatReport(report: FileReport, format: FormatName, options: FormatOptions): string {
  switch (format) {
    case 'table':
      return formatTable(report, { color: options.color, depth: options.depth });
    case 'json':
      return formatJson(report, options.depth);
    case 'markdown':
      return formatMarkdown(report, options.depth);
    case 'sarif':
      return formatSarif(report, { toolVersion: options.toolVersion });
  }
}
