// Code lenses for the text on screen. VS Code draws a code lens response on the editor as it is
// when the response arrives, without checking that the text is still the one it asked about: the
// answer to a request sent just before the user pressed Enter puts every lens below the new line
// one line too high, until VS Code asks again (a quarter of a second later or more). The server
// answers each request for the text it has when the request comes, so asking again until the
// document did not change while a request was out gives lenses that fit the text on screen.

import type { CancellationToken, CodeLens, ProviderResult, TextDocument } from 'vscode';

/** Enough for a pause in typing; while the user keeps typing, the last answer is used. */
const MAX_ATTEMPTS = 3;

type ProvideCodeLenses = (document: TextDocument, token: CancellationToken) => ProviderResult<CodeLens[]>;

/** `middleware.provideCodeLenses` for vscode-languageclient. */
export async function freshCodeLenses(document: TextDocument, token: CancellationToken, next: ProvideCodeLenses): Promise<CodeLens[] | null | undefined> {
  let result: CodeLens[] | null | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const version = document.version;
    result = await next(document, token);
    if (token.isCancellationRequested || document.version === version) return result;
  }
  return result;
}
