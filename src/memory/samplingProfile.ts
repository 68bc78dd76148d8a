/** V8's sampling heap profile (CDP `HeapProfiler.SamplingHeapProfile`), as much of it as the analysis reads. */
export interface SamplingProfile {
  head: SamplingNode;
  samples: Array<{ size: number; nodeId: number; ordinal: number }>;
}

export interface SamplingNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string };
  selfSize?: number;
  children: SamplingNode[];
}
