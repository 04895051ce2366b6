// Every handler goes through here: an exception becomes an error response (requests) or nothing
// (notifications), plus a log line, and the server carries on.

import { LSPErrorCodes, ResponseError, type Connection } from 'vscode-languageserver';

export type Logger = (message: string) => void;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
}

export function safeRequest<P, R, Rest extends unknown[]>(
  log: Logger,
  name: string,
  handler: (params: P, ...rest: Rest) => R,
): (params: P, ...rest: Rest) => R | ResponseError<void> {
  return (params: P, ...rest: Rest) => {
    try {
      return handler(params, ...rest);
    } catch (error) {
      if (error instanceof ResponseError) return error as ResponseError<void>;
      log(`[${name}] ${describe(error)}`);
      return new ResponseError(LSPErrorCodes.RequestFailed, `ConvLens ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

export function safeNotification<P>(log: Logger, name: string, handler: (params: P) => void): (params: P) => void {
  return (params: P) => {
    try {
      handler(params);
    } catch (error) {
      log(`[${name}] ${describe(error)}`);
    }
  };
}

/** Last line of defence: errors that escape a timer or an immediate are logged, not fatal. */
export function keepAlive(connection: Connection): void {
  process.on('uncaughtException', (error) => connection.console.error(`[uncaught] ${describe(error)}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`[unhandled rejection] ${describe(reason)}`));
}
