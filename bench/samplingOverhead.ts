/**
 * What the sampling heap profiler costs the service it watches: requests of leakService.js per
 * second of its CPU time, with the profiler off and on (at the interval the sampling check uses),
 * in alternating pairs of rounds on a few freshly started services.
 *
 * Why it is built this way (each choice answers a way an earlier version misled):
 * - CPU time, not wall-clock time, is the rate judged: on this shared 2-core machine the
 *   wall-clock rate of the same round moves several-fold with the neighbours' load. It comes from
 *   the nanosecond counters of every thread of the service (V8's GC helpers included).
 * - The service runs on a core of its own and the client on another (`taskset`, where there
 *   are two): sharing both, the service found several requests waiting at each wake-up whenever
 *   the client got ahead, which made its CPU per request depend on the scheduler, halved the
 *   profiler's measured cost and doubled the spread between pairs.
 * - Every round starts from a collected heap, and only once the service has gone quiet: a major
 *   GC of the 400 MB heap costs more CPU than a round's requests, and V8 sweeps after it on helper
 *   threads; either, landing in one side's rounds, once made "on" look a third faster than "off".
 * - Pairs alternate which side goes first (the second round of a pair runs a few percent faster).
 * - The overhead is the mean over all pairs of 1 − on/off with its 95% confidence interval:
 *   one pair's ratio spreads by about ten points on this machine, so one run of fifteen pairs
 *   landed on either side of the 10% target; the interval says how far a run can be trusted.
 * - Several services, not one long run: the service leaks by design (2.5 kB a request), and a
 *   single service driven through all the pairs would end with a heap twice the one it started with.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { InspectorConnection } from '../src/inspector/connection';
import { requestMany } from '../src/session/workload';
import { DEFAULT_SAMPLING_INTERVAL } from '../src/session/types';
import { startService, stopService } from './leakCheckBench';

/** One round's throughput: requests per wall-clock second and per CPU-second of the service. */
export interface RoundRate {
  wall: number;
  cpu: number;
}

export interface SamplingOverhead {
  samplingInterval: number;
  services: number;
  pairsPerService: number;
  requestsPerRound: number;
  /** Every pair of rounds, in the order run. */
  pairs: Array<{ off: RoundRate; on: RoundRate }>;
  /** Median requests per CPU-second and per wall-clock second, off and on. */
  offPerCpuSecond: number;
  onPerCpuSecond: number;
  offPerSecond: number;
  onPerSecond: number;
  /** Mean over the pairs of 1 − on/off in CPU-time rates, and its 95% confidence interval: what the target is judged on. */
  overhead: number;
  overheadLow: number;
  overheadHigh: number;
  /** The same mean from the wall-clock rates (noisy on a shared machine). */
  wallOverhead: number;
  /** Whether the service and the client ran on cores of their own. */
  pinned: boolean;
}

export const OVERHEAD_TARGET = 0.1;
/** A service is quiet when a window of this long costs it under QUIET_CPU_SECONDS of CPU. */
const QUIET_WINDOW_MS = 100;
const QUIET_CPU_SECONDS = 0.003;
const QUIET_WAIT_MS = 5000;

export async function measureSamplingOverhead(options: {
  records: number;
  services: number;
  pairsPerService: number;
  requestsPerRound: number;
  samplingInterval?: number;
  onPair?: (index: number, pair: { off: RoundRate; on: RoundRate }) => void;
}): Promise<SamplingOverhead> {
  const samplingInterval = options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL;
  const pairs: Array<{ off: RoundRate; on: RoundRate }> = [];
  let pinned = true;
  for (let s = 0; s < options.services; s++) {
    const measured = await measurePairs(options, samplingInterval);
    pinned &&= measured.pinned;
    for (const pair of measured.pairs) {
      options.onPair?.(pairs.length, pair);
      pairs.push(pair);
    }
  }
  const { mean, halfWidth } = meanWithInterval(pairs.map(pairOverhead));
  return {
    samplingInterval,
    services: options.services,
    pairsPerService: options.pairsPerService,
    requestsPerRound: options.requestsPerRound,
    pairs,
    offPerCpuSecond: median(pairs.map((p) => p.off.cpu)),
    onPerCpuSecond: median(pairs.map((p) => p.on.cpu)),
    offPerSecond: median(pairs.map((p) => p.off.wall)),
    onPerSecond: median(pairs.map((p) => p.on.wall)),
    overhead: mean,
    overheadLow: mean - halfWidth,
    overheadHigh: mean + halfWidth,
    wallOverhead: meanWithInterval(pairs.map((p) => 1 - p.on.wall / p.off.wall)).mean,
    pinned,
  };
}

/** The pairs of rounds on one freshly started service. */
async function measurePairs(
  options: { records: number; pairsPerService: number; requestsPerRound: number },
  samplingInterval: number,
): Promise<{ pairs: Array<{ off: RoundRate; on: RoundRate }>; pinned: boolean }> {
  const service = await startService(options.records);
  const connection = await InspectorConnection.connect(service.inspector);
  const pinned = pin(service.pid, 0) && pin(process.pid, 1);
  try {
    const url = `http://127.0.0.1:${service.port}/catalogue`;
    let sent = 0;
    const round = async (): Promise<RoundRate> => {
      await connection.collectGarbage();
      await quiet(service.pid);
      const cpuBefore = cpuSeconds(service.pid);
      const started = process.hrtime.bigint();
      await requestMany(url, options.requestsPerRound, undefined, sent);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = cpuSeconds(service.pid) - cpuBefore;
      sent += options.requestsPerRound;
      return { wall: options.requestsPerRound / wall, cpu: options.requestsPerRound / cpu };
    };
    // One round first, not counted: the service's code is optimised and its sockets warm.
    await round();
    const pairs: Array<{ off: RoundRate; on: RoundRate }> = [];
    for (let i = 0; i < options.pairsPerService; i++) {
      const pair: Partial<Record<'off' | 'on', RoundRate>> = {};
      for (const sampling of i % 2 === 0 ? [false, true] : [true, false]) {
        if (sampling) await connection.startSampling(samplingInterval);
        try {
          pair[sampling ? 'on' : 'off'] = await round();
        } finally {
          if (sampling) await connection.stopSampling();
        }
      }
      pairs.push({ off: pair.off!, on: pair.on! });
    }
    return { pairs, pinned };
  } finally {
    if (pinned) pin(process.pid, undefined);
    await connection.close();
    await stopService(service);
  }
}

/** Moves every thread of `pid` to one core (or back to all of them); false where that cannot be done. */
function pin(pid: number, core: number | undefined): boolean {
  // Not availableParallelism(): it counts the cores this process is pinned to.
  const cores = cpus().length;
  if (process.platform !== 'linux' || cores < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', core === undefined ? `0-${cores - 1}` : String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Waits, at most QUIET_WAIT_MS, until the service's threads have finished what the GC left them. */
async function quiet(pid: number): Promise<void> {
  const end = Date.now() + QUIET_WAIT_MS;
  while (Date.now() < end) {
    const before = cpuSeconds(pid);
    await setTimeout(QUIET_WINDOW_MS);
    if (cpuSeconds(pid) - before < QUIET_CPU_SECONDS) return;
  }
}

/**
 * CPU seconds a process has run, all its threads, from the nanosecond counters of
 * /proc/PID/task/TID/schedstat: /proc/PID/stat counts 10 ms ticks, a few percent of a round.
 */
function cpuSeconds(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return ns / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The mean and the half-width of its 95% confidence interval (Student's t). */
export function meanWithInterval(values: number[]): { mean: number; halfWidth: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, halfWidth: Infinity };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, halfWidth: studentT95(n - 1) * Math.sqrt(variance / n) };
}

/** The two-sided 95% quantile of Student's t with `df` degrees of freedom (Cornish–Fisher; within 0.1% from df 5). */
function studentT95(df: number): number {
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** The share of the service's throughput (per CPU-second) the profiler took in one pair of rounds. */
export function pairOverhead(pair: { off: RoundRate; on: RoundRate }): number {
  return 1 - pair.on.cpu / pair.off.cpu;
}

/** A share as a percentage with one decimal ("0.0%", never "-0.0%"). */
export function percent(share: number): string {
  const text = (share * 100).toFixed(1);
  return `${text === '-0.0' ? '0.0' : text}%`;
}

export function samplingOverheadLine(o: SamplingOverhead): string {
  const rate = (r: number) => r.toFixed(0);
  return [
    `Throughput of the same service with V8's sampling heap profiler off and on, at ${o.samplingInterval} bytes a sample as the sampling check uses (${o.pairs.length} pairs of rounds of ${o.requestsPerRound} requests, alternating, on ${o.services} fresh services, ${o.pinned ? 'the service and the client each on a core of its own' : 'the service and the client sharing the cores (no taskset)'}; rates are medians, the overhead is the mean over the pairs with its 95% confidence interval):`,
    '',
    '| profiler | requests per CPU-second of the service | wall-clock requests/s |',
    '| --- | --- | --- |',
    `| off | ${rate(o.offPerCpuSecond)} | ${rate(o.offPerSecond)} |`,
    `| on | ${rate(o.onPerCpuSecond)} | ${rate(o.onPerSecond)} |`,
    `| overhead | **${percent(o.overhead)}** (${percent(o.overheadLow)} to ${percent(o.overheadHigh)}; target < ${OVERHEAD_TARGET * 100}%) | ${percent(o.wallOverhead)} |`,
    '',
    `Each pair's overhead (CPU-time), in order: ${o.pairs.map((p) => percent(pairOverhead(p))).join(', ')}.`,
  ].join('\n');
}
