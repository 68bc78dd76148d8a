import type { Detector } from './detector';
import { identityMapDetector } from './identityMap';
import { listenerDetector } from './listener';
import { metricCardinalityDetector } from './metricCardinality';
import { redisQueueDetector } from './redisQueue';
import { retainedLargeObjectDetector } from './retainedLargeObject';
import { timerDetector } from './timer';
import { unboundedCollectionDetector } from './unboundedCollection';
import { undisposedPoolDetector } from './undisposedPool';

/** Most specific first: the first detector that recognises a group names it. */
export const DETECTORS: readonly Detector[] = [
  identityMapDetector,
  listenerDetector,
  timerDetector,
  metricCardinalityDetector,
  undisposedPoolDetector,
  redisQueueDetector,
  retainedLargeObjectDetector,
  unboundedCollectionDetector,
];
