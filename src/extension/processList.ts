import { execFile } from 'node:child_process';
import { basename } from 'node:path';

export interface LocalProcess {
  pid: number;
  command: string;
}

/**
 * Node processes on this machine (the extension host's machine: in a remote window, the
 * container or SSH host), other than the extension host itself and VS Code's own servers.
 */
export function listNodeProcesses(): Promise<LocalProcess[]> {
  if (process.platform === 'win32') return Promise.resolve([]);
  return new Promise((resolve) => {
    execFile('ps', ['-axww', '-o', 'pid=,args='], { maxBuffer: 8 << 20 }, (error, stdout) => {
      if (error) return resolve([]);
      const result: LocalProcess[] = [];
      for (const line of stdout.split('\n')) {
        const match = /^\s*(\d+)\s+(.*)$/.exec(line);
        if (!match) continue;
        const pid = Number(match[1]);
        const command = match[2];
        const exe = basename(command.split(/\s+/)[0]);
        if (pid === process.pid || pid === process.ppid || !/^node(js)?(\.exe)?$|^node\d*$/.test(exe)) continue;
        // VS Code's own servers and extension hosts are Node too; attaching to them helps nobody.
        if (/code-server|vscode-server|\.vscode-server|extensionHost|bootstrap-fork|out\/server-main\.js/.test(command)) continue;
        result.push({ pid, command });
      }
      resolve(result);
    });
  });
}
