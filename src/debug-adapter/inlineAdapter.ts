import type { DebugSession } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type * as vscode from 'vscode';
import { ErrorCode, LeakscopeError } from '../common/errors';

/**
 * A DAP session as VS Code's inline adapter. @vscode/debugadapter's sessions match
 * vscode.DebugAdapter only loosely: VS Code hands over opaque messages, the session takes DAP
 * messages, so each one is checked here on its way in.
 */
export class InlineDebugAdapter implements vscode.DebugAdapter {
  constructor(private readonly session: DebugSession) {}

  readonly onDidSendMessage: vscode.Event<vscode.DebugProtocolMessage> = (listener, thisArgs, disposables) => {
    const subscription = this.session.onDidSendMessage(listener, thisArgs);
    disposables?.push(subscription);
    return subscription;
  };

  handleMessage(message: vscode.DebugProtocolMessage): void {
    // The session answers a request by its sequence number and dispatches on its type.
    if (!isProtocolMessage(message))
      throw new LeakscopeError(
        ErrorCode.Internal,
        'VS Code sent the leak check a debug adapter message without a sequence number and a type.',
        false,
      );
    this.session.handleMessage(message);
  }

  dispose(): void {
    this.session.dispose();
  }
}

export function isProtocolMessage(message: object): message is DebugProtocol.ProtocolMessage {
  return 'seq' in message && typeof message.seq === 'number' && 'type' in message && typeof message.type === 'string';
}
