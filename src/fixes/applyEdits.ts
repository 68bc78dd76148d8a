import { ErrorCode, LeakscopeError } from '../common/errors';
import type { TextEdit } from './types';

/**
 * Applies edits to a text. Identical edits (two fixes that insert the same import) count once;
 * edits that overlap otherwise are a conflict, since applying both would garble the code.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const unique = dedupe(edits);
  // Back to front, so earlier offsets stay valid; insertions at one offset keep their given order.
  const ordered = unique
    .map((edit, i) => ({ edit, i }))
    .sort((a, b) => b.edit.start - a.edit.start || b.edit.end - a.edit.end || b.i - a.i);
  let result = text;
  let limit = Infinity;
  for (const { edit } of ordered) {
    if (edit.start < 0 || edit.end < edit.start || edit.end > text.length)
      throw new LeakscopeError(ErrorCode.Internal, `An edit falls outside the file (${edit.start}–${edit.end}).`, false);
    if (edit.end > limit) throw new LeakscopeError(ErrorCode.Internal, `Two edits overlap at offset ${edit.start}.`, false);
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

/** Whether these edits can all be applied together. */
export function editsConflict(edits: readonly TextEdit[]): boolean {
  const sorted = dedupe(edits).sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) return true;
  return false;
}

function dedupe(edits: readonly TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const key = `${e.start}:${e.end}:${e.newText}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
