// The output formats' names, apart from the formatters: the CLI's argument parser checks
// --format before anything heavy is loaded.

export const FORMATS = ['table', 'json', 'markdown', 'sarif'] as const;
export type FormatName = (typeof FORMATS)[number];

export function isFormatName(name: string): name is FormatName {
  return (FORMATS as readonly string[]).includes(name);
}
