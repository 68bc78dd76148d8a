import type * as vscode from 'vscode';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { errorText, parseInput, type LeakscopeTool } from '../mcp/toolDefinition';
import { LEAKSCOPE_TOOLS } from '../mcp/tools';
import { readConfig, Settings } from './contributions';

/**
 * The Leakscope tools for agent mode, the same definitions `leakscope mcp` serves. A tool that
 * launches or attaches asks first (it can run code in the process), and only in a trusted workspace.
 */
export function registerLanguageModelTools(api: typeof vscode, output: vscode.OutputChannel): vscode.Disposable[] {
  return LEAKSCOPE_TOOLS.map((tool) => api.lm.registerTool(tool.name, languageModelTool(api, tool, output)));
}

function languageModelTool(api: typeof vscode, tool: LeakscopeTool, output: vscode.OutputChannel): vscode.LanguageModelTool<object> {
  const cwd = () => api.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  return {
    prepareInvocation(options) {
      const invocationMessage = `${tool.title}…`;
      if (!tool.confirmation) return { invocationMessage };
      let input;
      try {
        input = parseInput(tool, options.input);
      } catch {
        return { invocationMessage }; // invoke reports the mistake
      }
      const { title, message } = tool.confirmation(input, { cwd: cwd() });
      return { invocationMessage, confirmationMessages: { title, message: new api.MarkdownString().appendText(message) } };
    },
    async invoke(options, token) {
      try {
        if (!tool.readOnly && !api.workspace.isTrusted) {
          throw new LeakscopeError(
            ErrorCode.InvalidArgument,
            `${tool.title} launches or attaches to a process, which Leakscope does not do from an untrusted workspace; trust the workspace first.`,
          );
        }
        const answer = await tool.run(parseInput(tool, options.input), {
          token,
          progress: () => {},
          cwd: cwd(),
          nodePath: readConfig(api, Settings.NodePath).trim() || undefined,
          targetOutput: (line) => output.appendLine(line),
        });
        return new api.LanguageModelToolResult([new api.LanguageModelTextPart(`${answer.summary}\n${JSON.stringify(answer.structured)}`)]);
      } catch (e) {
        throw new Error(errorText(e), { cause: e });
      }
    },
  };
}
