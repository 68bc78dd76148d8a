import type * as vscode from 'vscode';
import { CancellationTokenSource, type CancellationToken } from '../common/cancellation';

/** The core's token from VS Code's: they have the same shape, but the core must not import vscode. */
export function fromVscodeToken(token: vscode.CancellationToken): CancellationToken {
  const source = new CancellationTokenSource();
  if (token.isCancellationRequested) source.cancel();
  else token.onCancellationRequested(() => source.cancel());
  return source.token;
}
