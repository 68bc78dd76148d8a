import type { FromWebview } from '../src/panel/protocol';

/** What VS Code gives a webview: the only way out is postMessage. */
export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** `acquireVsCodeApi` may be called once per page; every module goes through here. */
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}
