import type { FixRule } from '../types';
import { boundArray } from './boundArray';
import { boundCache } from './boundCache';
import { boundLabel } from './boundLabel';
import { contextChainBreak } from './contextChainBreak';
import { eventTargetListenerRemove } from './eventTargetListenerRemove';
import { hoistPool } from './hoistPool';
import { keepNeededFields } from './keepNeededFields';
import { listenerRemove } from './listenerRemove';
import { lruCacheTtlOnly } from './lruCacheTtlOnly';
import { observableUnsubscribe } from './observableUnsubscribe';
import { ormForkPerRequest } from './ormForkPerRequest';
import { redisOfflineQueue } from './redisOfflineQueue';
import { timerClear } from './timerClear';

/** Every rule, listed by hand (a bundler cannot follow a readdir). Order is the order diagnostics are reported in at one position. */
export const RULES: readonly FixRule[] = [
  keepNeededFields,
  boundArray,
  boundCache,
  timerClear,
  listenerRemove,
  eventTargetListenerRemove,
  observableUnsubscribe,
  contextChainBreak,
  hoistPool,
  ormForkPerRequest,
  boundLabel,
  redisOfflineQueue,
  lruCacheTtlOnly,
];
