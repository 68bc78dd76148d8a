import { devtools } from './devtools';
import { heapsnapshotParser } from './heapsnapshotParser';
import { leakscope } from './leakscope';
import { memlab } from './memlab';
import type { Tool } from './tool';
import { vscode } from './vscode';

/** In table order. */
export const TOOLS: readonly Tool[] = [leakscope, heapsnapshotParser, memlab, devtools, vscode];

export function findTool(name: string): Tool {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new Error(`unknown tool "${name}"; known: ${TOOLS.map((t) => t.name).join(', ')}`);
  return tool;
}
