/**
 * A unified diff of two versions of a file, as `diff -u` prints it, with `context` lines around
 * each change. Lines are compared whole; the common head and tail are set aside first, so the
 * quadratic part only sees the region that changed.
 */
export function unifiedDiff(before: string, after: string, fileName: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].op === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend over changes closer together than twice the context.
    for (;;) {
      while (end < ops.length && ops[end].op !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next].op === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const slice = ops.slice(start, stop);
    const aStart = slice[0].a;
    const bStart = slice[0].b;
    const aCount = slice.filter((o) => o.op !== '+').length;
    const bCount = slice.filter((o) => o.op !== '-').length;
    hunks.push(`@@ -${aCount ? aStart + 1 : aStart},${aCount} +${bCount ? bStart + 1 : bStart},${bCount} @@`);
    for (const o of slice) hunks.push(`${o.op}${o.text}`);
    i = stop;
  }
  const absolute = /^([\\/]|[A-Za-z]:)/.test(fileName);
  return (
    [absolute ? `--- ${fileName}` : `--- a/${fileName}`, absolute ? `+++ ${fileName}` : `+++ b/${fileName}`, ...hunks].join('\n') + '\n'
  );
}

interface Op {
  op: ' ' | '-' | '+';
  text: string;
  /** Zero-based line in the old and new text where this line is (or would be). */
  a: number;
  b: number;
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ op: ' ', text: a[k], a: k, b: k });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  if (n * m > 4_000_000) {
    midA.forEach((text, k) => ops.push({ op: '-', text, a: head + k, b: head }));
    midB.forEach((text, k) => ops.push({ op: '+', text, a: head + n, b: head + k }));
  } else {
    // Longest common subsequence, walked from the front.
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let x = n - 1; x >= 0; x--) {
      for (let y = m - 1; y >= 0; y--) {
        lcs[x * (m + 1) + y] =
          midA[x] === midB[y] ? lcs[(x + 1) * (m + 1) + y + 1] + 1 : Math.max(lcs[(x + 1) * (m + 1) + y], lcs[x * (m + 1) + y + 1]);
      }
    }
    let x = 0;
    let y = 0;
    while (x < n || y < m) {
      if (x < n && y < m && midA[x] === midB[y]) {
        ops.push({ op: ' ', text: midA[x], a: head + x, b: head + y });
        x++;
        y++;
      } else if (x < n && (y === m || lcs[(x + 1) * (m + 1) + y] >= lcs[x * (m + 1) + y + 1])) {
        ops.push({ op: '-', text: midA[x], a: head + x, b: head + y });
        x++;
      } else {
        ops.push({ op: '+', text: midB[y], a: head + x, b: head + y });
        y++;
      }
    }
  }
  for (let k = tail; k > 0; k--) ops.push({ op: ' ', text: a[a.length - k], a: a.length - k, b: b.length - k });
  return ops;
}
