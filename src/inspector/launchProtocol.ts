/** What the launch preload and Leakscope tell each other: environment names and the files it writes. */

/** The launch's private directory, where each process writes `<pid>.json` and, on exit, `<pid>.exit`. */
export const LAUNCH_DIR_ENV = 'LEAKSCOPE_LAUNCH_DIR';
/** `pid:start-time` of the Leakscope process; the launched processes end when it is gone. */
export const OWNER_ENV = 'LEAKSCOPE_OWNER';

/** `<dir>/<pid>.json`. */
export interface ProcessReport {
  pid: number;
  ppid: number;
  argv: string[];
  execArgv: string[];
  webSocketUrl?: string;
  /** An inspector address the command asked for on a non-loopback interface, closed and reopened on 127.0.0.1. */
  movedFrom?: string;
}

/** `<dir>/<pid>.exit`, written when the process exits the ordinary way (a signal leaves none). */
export interface ExitRecord {
  code: number;
}
