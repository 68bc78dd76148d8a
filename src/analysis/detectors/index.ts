import { contextChainDetector } from './contextChain';
import type { Detector } from './detector';
import { eventTargetListenerDetector } from './eventTargetListener';
import { handleOwnerDetector } from './handleOwner';
import { identityMapDetector } from './identityMap';
import { listenerDetector } from './listener';
import { metricCardinalityDetector } from './metricCardinality';
import { observableSubscriberDetector } from './observableSubscriber';
import { redisQueueDetector } from './redisQueue';
import { retainedLargeObjectDetector } from './retainedLargeObject';
import { timerDetector } from './timer';
import { unboundedCollectionDetector } from './unboundedCollection';
import { undisposedPoolDetector } from './undisposedPool';

/** Most specific first: the first detector that recognises a group names it. */
export const DETECTORS: readonly Detector[] = [
  identityMapDetector,
  listenerDetector,
  eventTargetListenerDetector,
  observableSubscriberDetector,
  contextChainDetector,
  timerDetector,
  metricCardinalityDetector,
  handleOwnerDetector,
  undisposedPoolDetector,
  redisQueueDetector,
  retainedLargeObjectDetector,
  unboundedCollectionDetector,
];
