import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/**
 * The panel's page: one bundled script and one stylesheet from the extension, a nonce CSP that
 * allows nothing else (no network, no inline code). Data arrives by postMessage only.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, api: typeof vscode, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(api.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(api.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style.toString()}" nonce="${nonce}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
