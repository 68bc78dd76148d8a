/** "parse" = read the file into the tool's model; "full" = parse + dominators + retained sizes. */
export type Phase = 'parse' | 'full' | 'diff';

/** A few numbers each tool reports about what it computed, to show the runs did comparable work. */
export type Check = Record<string, number>;

export interface Tool {
  name: string;
  label: string;
  /**
   * Node flags the tool runs with. The JS-heap-bound peers need a raised heap limit (their users
   * raise it too); Leakscope keeps its data off the JS heap and runs as \`leakscope\` ships.
   */
  nodeFlags?: string[];
  /** Loads the tool's modules, outside the timed part. */
  load?(): Promise<void>;
  /** `files` is one snapshot, or `[before, after]` for "diff". A missing phase is shown as n/a. */
  phases: Partial<Record<Phase, (files: string[]) => Promise<Check>>>;
}
