import type * as vscode from 'vscode';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { InspectorConnection } from '../inspector/connection';

/** The session types of VS Code's JavaScript debugger (js-debug) that run or attach to Node. */
const JS_DEBUG_NODE_TYPES = new Set(['pwa-node', 'node', 'node-terminal', 'pwa-extensionHost']);
/** How long a launch session may take to start the child session its program runs in. */
const CHILD_WAIT_MS = 10_000;
/** js-debug leaves a request on a session without a target unanswered: stop waiting on it. */
const PROXY_TIMEOUT_MS = 10_000;

export interface DebugConnection {
  session: vscode.DebugSession;
  connection: InspectorConnection;
}

/**
 * The debug sessions of this window, and an inspector connection to the process one of them
 * debugs. js-debug runs a launched or attached program in a child session of the one launch.json
 * started; only that child has a target, so the CDP proxy is asked of it.
 */
export class DebugSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly api: typeof vscode,
    private readonly log: (line: string) => void,
    onTerminate: (session: vscode.DebugSession) => void,
  ) {
    if (api.debug.activeDebugSession) this.sessions.set(api.debug.activeDebugSession.id, api.debug.activeDebugSession);
    this.subscriptions = [
      api.debug.onDidStartDebugSession((s) => this.sessions.set(s.id, s)),
      api.debug.onDidTerminateDebugSession((s) => {
        this.sessions.delete(s.id);
        onTerminate(s);
      }),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  /**
   * Connects to the process `session` debugs: one of its child sessions (waiting briefly for the
   * first to start), else the session itself. Throws a sentence when none gives an endpoint.
   */
  async connect(session: vscode.DebugSession): Promise<DebugConnection> {
    if (!JS_DEBUG_NODE_TYPES.has(session.type)) {
      throw new LeakscopeError(
        ErrorCode.TargetUnreachable,
        `The debug session "${session.name}" is of type "${session.type}"; Leakscope profiles Node.js sessions of VS Code's JavaScript debugger.`,
      );
    }
    let children = this.childrenOf(session);
    if (children.length === 0 && !session.parentSession) {
      this.log(`Waiting for "${session.name}" to start its program's session`);
      children = await this.firstChild(session);
    }
    let lastError: Error | undefined;
    for (const candidate of [...children, session]) {
      try {
        return { session: candidate, connection: await this.connectTo(candidate) };
      } catch (e) {
        lastError = e as Error;
        this.log(`No inspector endpoint from "${candidate.name}": ${lastError.message}`);
      }
    }
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      `The debug session "${session.name}" gave no inspector endpoint${lastError ? ` (${lastError.message})` : ''}.`,
      true,
      { cause: lastError },
    );
  }

  private childrenOf(session: vscode.DebugSession): vscode.DebugSession[] {
    return [...this.sessions.values()].filter((s) => s.parentSession?.id === session.id);
  }

  private firstChild(session: vscode.DebugSession): Promise<vscode.DebugSession[]> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        started.dispose();
        resolve(this.childrenOf(session));
      };
      const timer = setTimeout(done, CHILD_WAIT_MS);
      const started = this.api.debug.onDidStartDebugSession((s) => {
        if (s.parentSession?.id === session.id) done();
      });
    });
  }

  private async connectTo(session: vscode.DebugSession): Promise<InspectorConnection> {
    this.log(`Asking the JavaScript debugger for an inspector endpoint of "${session.name}"`);
    const address = await within(
      // `false`: no tunnel to the UI side. Leakscope is a workspace extension, so it runs on the
      // machine js-debug and the program run on (the container, the SSH host); a tunnelled
      // address would be the browser's or the desktop's, which it cannot reach.
      this.api.commands.executeCommand<{ host: string; port: number; path?: string } | undefined>(
        'extension.js-debug.requestCDPProxy',
        session.id,
        false,
      ),
      PROXY_TIMEOUT_MS,
      'the JavaScript debugger did not answer',
    );
    if (!address) throw new Error('the JavaScript debugger does not know this session');
    const url = `ws://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}${address.path ?? ''}`;
    this.log(`Connecting to ${url}`);
    const pending = InspectorConnection.connect(url, { jsDebugProxy: true });
    try {
      return await within(pending, PROXY_TIMEOUT_MS, `the endpoint ${url} did not answer`);
    } catch (e) {
      // A connection that opens after we gave up must not stay open.
      void pending.then(
        (c) => c.close(),
        () => undefined,
      );
      throw e;
    }
  }
}

function within<T>(promise: Thenable<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}
