/**
 * Exit codes of the hosts that end with one (the `leakscope` command, the `leakscope` launch
 * type), here so that both say the same: 0 ok, 1 a failure the user can act on, 2 bad usage, 3
 * `--fail-on` (`failOn`) met, and 128 + the signal's number when a signal ended the command
 * (SIGHUP 129, SIGINT 130, SIGTERM 143), as shells do.
 */
export const enum ExitCode {
  Ok = 0,
  Failure = 1,
  Usage = 2,
  FailOn = 3,
  Hangup = 129,
  Interrupted = 130,
  Terminated = 143,
}
