import { fixPlanTool } from './fixPlanTool';
import { runLeakCheckTool } from './leakCheckTool';
import { explainMemoryTool, takeSnapshotTool } from './processTools';
import { compareReportsTool, findingHolderPathTool, reportClassesTool, reportFindingsTool, reportSamplesTool } from './reportTools';
import { diffSnapshotsTool, inspectSnapshotTool } from './snapshotTools';
import type { LeakscopeTool } from './toolDefinition';

/**
 * Every tool, in the order a hunt uses them; the MCP server and VS Code both register exactly these.
 * `satisfies` checks each against LeakscopeTool without widening it, so each keeps its schemas' types.
 */
export const LEAKSCOPE_TOOLS = [
  runLeakCheckTool,
  reportFindingsTool,
  findingHolderPathTool,
  reportSamplesTool,
  reportClassesTool,
  fixPlanTool,
  compareReportsTool,
  explainMemoryTool,
  takeSnapshotTool,
  inspectSnapshotTool,
  diffSnapshotsTool,
] as const satisfies readonly LeakscopeTool[];
