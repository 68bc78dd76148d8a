/** Fewer new objects (or pending timers) than this tell nothing about a bound: a leak and a cache look alike. */
export const MIN_BOUND_EVIDENCE = 16;
