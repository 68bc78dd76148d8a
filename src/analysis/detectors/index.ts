import type { Detector } from './detector';
import { listenerDetector } from './listener';
import { retainedLargeObjectDetector } from './retainedLargeObject';
import { timerDetector } from './timer';
import { unboundedCollectionDetector } from './unboundedCollection';

/** Most specific first: the first detector that recognises a group names it. */
export const DETECTORS: readonly Detector[] = [listenerDetector, timerDetector, retainedLargeObjectDetector, unboundedCollectionDetector];
