// Every string from the process under inspection (heap names, its output, its exception
// messages) may be hostile: a web app can name a constructor anything, and a terminal obeys
// escape sequences (OSC 8 links, clear-screen). This is the one place such text is made visible
// as data; renderers then escape the result for their medium (HTML, Markdown).

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// C0/C1 controls (terminal escape sequences, table-breaking newlines), invisible and bidi
// formatting characters (which can make a PR comment display something other than what it
// contains), and lone surrogates (which some renderers turn into garbage).
const UNSAFE_CHAR =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A single-line, visible rendering of an untrusted string: control and formatting characters
 * become code-like escapes (`\n`, `\x1b`, `\u202e`), and the result is cut at `maxLength` code
 * points with `…`. Idempotent on its own output (when not cut), so layering is harmless.
 * `keepLayout` keeps tabs and newlines (a target's own output lines).
 */
export function printable(s: string, maxLength = 160, options: { keepLayout?: boolean } = {}): string {
  let out = '';
  let length = 0;
  for (const ch of s) {
    if (length >= maxLength) return `${out}…`;
    if (UNSAFE_CHAR.test(ch) && !(options.keepLayout && (ch === '\t' || ch === '\n'))) {
      const code = ch.charCodeAt(0);
      out += CONTROL_ESCAPES[ch] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
    } else {
      out += ch;
    }
    length++;
  }
  return out;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
