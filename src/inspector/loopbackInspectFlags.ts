/**
 * `--inspect=0.0.0.0:9229` (and `-brk`, `-wait`, `--inspect-port`) opens the inspector, which
 * runs any code it is sent, on every interface. A command Leakscope launches keeps its port
 * but gets 127.0.0.1 instead; each change is returned so the host can say so.
 */
const INSPECT_FLAG = /^(--inspect(?:-brk|-wait|-port)?=)(\[[^\]]*\]|[^:]*):(\d+)$|^(--inspect(?:-brk|-wait|-port)?=)([^:\d][^:]*)$/;

export interface FlagChange {
  from: string;
  to: string;
  /** `args` or `NODE_OPTIONS`. */
  where: string;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

function loopback(flag: string): string | undefined {
  const match = INSPECT_FLAG.exec(flag);
  if (!match) return undefined;
  if (match[1] !== undefined) return isLoopbackHost(match[2]) ? undefined : `${match[1]}127.0.0.1:${match[3]}`;
  return isLoopbackHost(match[5]) ? undefined : `${match[4]}127.0.0.1`;
}

export function loopbackInspectFlags(
  args: string[],
  nodeOptions: string | undefined,
): { args: string[]; nodeOptions: string | undefined; changes: FlagChange[] } {
  const changes: FlagChange[] = [];
  const newArgs = args.map((arg) => {
    const to = loopback(arg);
    if (to === undefined) return arg;
    changes.push({ from: arg, to, where: 'args' });
    return to;
  });
  const newOptions = nodeOptions?.replace(/(^|\s)(--inspect(?:-brk|-wait|-port)?=\S+)/g, (whole, space: string, flag: string) => {
    const to = loopback(flag);
    if (to === undefined) return whole;
    changes.push({ from: flag, to, where: 'NODE_OPTIONS' });
    return `${space}${to}`;
  });
  return { args: newArgs, nodeOptions: newOptions, changes };
}
