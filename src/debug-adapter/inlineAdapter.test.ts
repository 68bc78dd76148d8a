import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { isLeakscopeError } from '../common/errors';
import { InlineDebugAdapter, isProtocolMessage } from './inlineAdapter';
import { LeakCheckSession } from './leakCheckSession';

test('the inline adapter hands DAP messages to the session and its answers back', () => {
  const adapter = new InlineDebugAdapter(new LeakCheckSession());
  const sent: vscode.DebugProtocolMessage[] = [];
  const subscriptions: { dispose(): unknown }[] = [];
  adapter.onDidSendMessage((message) => sent.push(message), undefined, subscriptions);
  assert.equal(subscriptions.length, 1);
  adapter.handleMessage({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'leakscope' } });
  const [response] = sent;
  assert.ok(response && 'type' in response && 'command' in response && 'request_seq' in response);
  assert.deepEqual([response.type, response.command, response.request_seq], ['response', 'initialize', 1]);
  adapter.dispose();
});

test('a message without a sequence number and a type is refused, not handed to the session', () => {
  const adapter = new InlineDebugAdapter(new LeakCheckSession());
  for (const message of [{}, { seq: '1', type: 'request' }, { seq: 1 }, { seq: 1, type: 2 }]) {
    assert.equal(isProtocolMessage(message), false, JSON.stringify(message));
    assert.throws(() => adapter.handleMessage(message), isLeakscopeError);
  }
  assert.ok(isProtocolMessage({ seq: 1, type: 'request', command: 'initialize' }));
  adapter.dispose();
});
