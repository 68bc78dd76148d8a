export { parseSnapshot } from './parser';
export { HeapSnapshot } from './heapSnapshot';
export { HeapGraph, analyzeSnapshot, loadHeapGraph } from './heapGraph';
export type * from './types';
