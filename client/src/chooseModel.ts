// ▶ Analyse Class(…): the user chooses the arguments a class that needs them is built with. The
// calls the project makes are offered as picks; the last pick opens the constructor's signature with
// its defaults filled in and `...` where a value is required, and the input box refuses the call
// until those are filled. The server writes the `# convlens: model=…` directive above the class.

import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { SERVER_COMMANDS, type ApplyModelArgs, type ChooseModelArgs, type StatusParams } from '../../server/src/lsp/protocol';
import { signatureTemplate, unfilledParameters } from '../../server/src/lsp/modelChoice';
import { humanCount } from '../../server/src/format/units';

export const CHOOSE_MODEL = 'convlens.chooseModel';

interface CallPick extends vscode.QuickPickItem {
  expression: string;
  /** Open the input box on this text instead of using it as it is. */
  edit: boolean;
}

function relative(file: string): string {
  return vscode.workspace.asRelativePath(file, false);
}

/** The picks: literal calls first (usable as they are), then the others and the signature to fill in. */
function picks(args: ChooseModelArgs): CallPick[] {
  const out: CallPick[] = [];
  const seen = new Set<string>();
  const calls = args.calls.filter((c) => !c.insideClass);
  for (const c of [...calls.filter((c) => c.literal), ...calls.filter((c) => !c.literal)]) {
    const where = `${relative(c.file)}:${c.line}`;
    if (seen.has(`${c.expression}\u0000${where}`)) continue;
    seen.add(`${c.expression}\u0000${where}`);
    out.push({
      label: c.expression,
      description: where,
      detail: c.literal ? 'the call as the project makes it' : 'arguments that are not constants: edit them',
      expression: c.expression,
      edit: !c.literal,
    });
  }
  const template = signatureTemplate(args.signature);
  out.push({
    label: '$(edit) Write the arguments…',
    description: args.signature,
    detail: template?.required.length ? `required: ${template.required.join(', ')}` : 'every parameter has a default',
    expression: template?.expression ?? args.directive,
    edit: true,
  });
  return out;
}

/** A quick pick that also takes a call typed into it (a text no pick matches is that call). */
function pickOrType(items: CallPick[], className: string): Promise<CallPick | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<CallPick>();
    pick.title = `Analyse ${className} built as`;
    pick.placeholder = `A call found in the project, or type one: ${className}(…)`;
    pick.matchOnDescription = true;
    pick.items = items;
    let done = false;
    const finish = (value: CallPick | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidAccept(() => {
      const selected = pick.selectedItems[0] ?? pick.activeItems[0];
      const typed = pick.value.trim();
      finish(selected ?? (typed ? { label: typed, expression: typed, edit: true } : undefined));
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

export async function chooseModel(client: LanguageClient, args: ChooseModelArgs | undefined, nextAnalysis: (uri: string, version: number) => Promise<StatusParams | undefined>): Promise<void> {
  if (!args || typeof args.uri !== 'string' || typeof args.signature !== 'string') {
    void vscode.window.showInformationMessage('ConvLens: use the ▶ Analyse lens above a model class.');
    return;
  }
  const items = picks(args);
  let chosen: CallPick | undefined = items[0];
  if (items.length > 1) {
    chosen = await pickOrType(items, args.className);
    if (!chosen) return;
  }
  let expression = chosen.expression;
  if (chosen.edit || unfilledParameters(expression).length) {
    const first = expression.indexOf('...');
    const typed = await vscode.window.showInputBox({
      title: `Arguments of ${args.className}`,
      prompt: `${args.signature} — written as a # convlens: model= comment above the class`,
      value: expression,
      valueSelection: first >= 0 ? [first, first + 3] : undefined,
      validateInput: (text) => {
        const missing = unfilledParameters(text);
        if (missing.length) return `Fill in ${missing.join(', ')} (each ... is a required parameter)`;
        return /^[A-Za-z_][\w.]*\s*\(.*\)$/s.test(text.trim()) ? null : `Write a call, e.g. ${args.className}(…)`;
      },
    });
    if (!typed) return;
    expression = typed.trim();
  }
  const command: ApplyModelArgs = { uri: args.uri, line: args.line, expression };
  try {
    const version = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri)?.version ?? 0;
    const analysed = nextAnalysis(args.uri, version + 1);
    const applied = await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.applyModel, arguments: [command] });
    if (applied !== true) return;
    const next = await analysed;
    const now = next?.models.find((m) => m.className === args.className);
    const message = now
      ? `$(layers) ${now.name}: ${humanCount(now.params)} params · ${humanCount(now.macs)} MACs${now.incomplete ? ' · incomplete' : ''}`
      : `$(warning) ${expression}: not analysed (see the problems on the directive)`;
    vscode.window.setStatusBarMessage(message, 8000);
  } catch (error) {
    void vscode.window.showErrorMessage(`ConvLens: ${error instanceof Error ? error.message : String(error)}`);
  }
}
