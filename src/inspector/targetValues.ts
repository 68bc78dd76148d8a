// What Leakscope reads from the target (its probes' answers, its inspector's messages) is
// untrusted: the target's own code runs first and may have replaced what a probe calls. These
// read such values without assuming their shape; each probe checks its answer with them.

/** JSON text from the target, parsed; undefined when it is not JSON (a probe's answer is not when the target replaced JSON.stringify). */
export function parseTargetJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `value[key]` when `value` is an object that has it as its own property, else undefined; nothing is assumed of `value`. */
export function fieldOf(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

/** A size, count or time from the target: a finite number, not below zero. */
export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A whole number from the target (a pid, an exit code, a line: V8 gives -1 where it has none). */
export function isWholeNumber(value: unknown): value is number {
  return Number.isInteger(value);
}

/** A list of texts from the target (a process's argv). */
export function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'string');
}

export function isOptionalText(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}
