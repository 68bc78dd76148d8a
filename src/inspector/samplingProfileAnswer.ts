import { ErrorCode, LeakscopeError } from '../common/errors';
import type { SamplingNode, SamplingProfile } from '../memory/samplingProfile';
import { fieldOf, isAmount, isWholeNumber } from './targetValues';

/**
 * `HeapProfiler.getSamplingProfile`'s answer, read field by field into a fresh profile: the
 * names and URLs in it are the target's, and the analysis walks its tree and sums its sizes, so
 * a node of another shape is one sentence here rather than NaN or a crash there. The tree is
 * walked with a stack: a deep recursion in the target makes a deep profile.
 */
export function samplingProfileOf(answer: unknown): SamplingProfile {
  const malformed = (what: string) =>
    new LeakscopeError(ErrorCode.TargetUnreachable, `The target's sampling heap profile is malformed (${what}), so it cannot be read.`);
  const head = nodeOf(fieldOf(answer, 'head'));
  if (!head) throw malformed('its head node');
  const pending: Array<[unknown, SamplingNode]> = [[fieldOf(answer, 'head'), head]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [raw, node] = item;
    const children = fieldOf(raw, 'children');
    if (!Array.isArray(children)) throw malformed(`the children of node ${node.id}`);
    for (const rawChild of children) {
      const child = nodeOf(rawChild);
      if (!child) throw malformed(`a child of node ${node.id}`);
      node.children.push(child);
      pending.push([rawChild, child]);
    }
  }
  const rawSamples = fieldOf(answer, 'samples');
  if (!Array.isArray(rawSamples)) throw malformed('its samples');
  const samples = rawSamples.map((s) => {
    const size = fieldOf(s, 'size');
    const nodeId = fieldOf(s, 'nodeId');
    const ordinal = fieldOf(s, 'ordinal');
    if (!isAmount(size) || !isAmount(nodeId) || !isAmount(ordinal)) throw malformed('a sample');
    return { size, nodeId, ordinal };
  });
  return { head, samples };
}

/** A node without its children (the walk adds them), or undefined when its fields are not what V8 sends. */
function nodeOf(raw: unknown): SamplingNode | undefined {
  const id = fieldOf(raw, 'id');
  const selfSize = fieldOf(raw, 'selfSize');
  const frame = fieldOf(raw, 'callFrame');
  const functionName = fieldOf(frame, 'functionName');
  const url = fieldOf(frame, 'url');
  const lineNumber = fieldOf(frame, 'lineNumber');
  const columnNumber = fieldOf(frame, 'columnNumber');
  const scriptId = fieldOf(frame, 'scriptId');
  if (!isAmount(id) || (selfSize !== undefined && !isAmount(selfSize))) return undefined;
  if (typeof functionName !== 'string' || typeof url !== 'string') return undefined;
  if (!isWholeNumber(lineNumber) || !isWholeNumber(columnNumber)) return undefined;
  if (scriptId !== undefined && typeof scriptId !== 'string') return undefined;
  return {
    id,
    callFrame: {
      functionName,
      url,
      lineNumber,
      columnNumber,
      ...(scriptId === undefined ? {} : { scriptId }),
    },
    ...(selfSize === undefined ? {} : { selfSize }),
    children: [],
  };
}
