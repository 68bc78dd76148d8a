import type { HeapGraph } from '../../snapshot/heapGraph';
import type { Finding, RetainerGroup } from '../types';

/** What a detector looks at: one group that grew across the cycles, and the graph it lives in. */
export interface DetectorInput {
  group: RetainerGroup;
  graph: HeapGraph;
  /** Ordinal of the holder in `graph`, and of each node on its retainer path (root side first). */
  holder: number;
  pathNodes: number[];
  /** Ordinals of the group's samples, in `group.samples` order (-1 where one was not found). */
  sampleNodes: number[];
}

/** The part of a finding a detector decides; the rest (path, classes, growth, source) is common. */
export type FindingDraft = Pick<Finding, 'kind' | 'title' | 'confidence' | 'fix' | 'explanation'>;

export interface Detector {
  /** The detector's own name; several detectors may report the same finding kind. */
  id: string;
  title: string;
  /** A finding when the group matches this anti-pattern's shape, else undefined. */
  detect(input: DetectorInput): FindingDraft | undefined;
}
