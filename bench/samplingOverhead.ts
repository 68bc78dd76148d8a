/**
 * What the sampling heap profiler costs the service it watches: requests/s of leakService.js
 * with the profiler off and on (at the interval the sampling check uses), in alternating rounds
 * on one running service, so drift (the heap the leak grows, a busy machine) falls on both
 * alike. Each round sends the same number of requests with the check's own HTTP client; each
 * side's rate is the median of its rounds, and the overhead is the median over the pairs of
 * adjacent rounds of 1 − on/off, which cancels the load's drift between pairs. Besides wall-clock requests/s, each round reads the
 * service's CPU time (all its threads) from /proc: requests per CPU-second is the throughput of a service
 * that has its core to itself, and it is what the target is judged on, because on a shared
 * machine the wall-clock rate of the same round moves several-fold with the neighbours' load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout } from 'node:timers/promises';
import { InspectorConnection } from '../src/inspector/connection';
import { requestMany } from '../src/session/workload';
import { DEFAULT_SAMPLING_INTERVAL } from '../src/session/types';
import { startService, stopService } from './leakCheckBench';

export interface SamplingOverhead {
  samplingInterval: number;
  rounds: number;
  requestsPerRound: number;
  /** Median wall-clock requests/s with the profiler off and on, and every round's rate in the order run. */
  offPerSecond: number;
  onPerSecond: number;
  off: number[];
  on: number[];
  /** Median requests per second of the service's CPU time, off and on. */
  offPerCpuSecond: number;
  onPerCpuSecond: number;
  /** Median over the pairs of rounds of 1 − on/off, CPU-time rates: the share of the service's throughput the profiler takes. */
  overhead: number;
  /** The same from the wall-clock rates (noisy on a shared machine). */
  wallOverhead: number;
}

export const OVERHEAD_TARGET = 0.1;
const SETTLE_MS = 300;

export async function measureSamplingOverhead(options: {
  records: number;
  rounds: number;
  requestsPerRound: number;
  samplingInterval?: number;
}): Promise<SamplingOverhead> {
  const samplingInterval = options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL;
  const service = await startService(options.records);
  const connection = await InspectorConnection.connect(service.inspector);
  try {
    const url = `http://127.0.0.1:${service.port}/catalogue`;
    let sent = 0;
    const round = async (): Promise<{ wall: number; cpu: number }> => {
      // Each round starts from a collected heap: a major GC of the 400 MB heap costs more CPU than
      // a round's requests, and the few the leak's growth triggers would land in one side's rounds.
      await connection.collectGarbage();
      // V8 sweeps after a full GC on its helper threads; that CPU is not the round's either.
      await setTimeout(SETTLE_MS);
      const cpuBefore = cpuSeconds(service.pid);
      const started = process.hrtime.bigint();
      await requestMany(url, options.requestsPerRound, undefined, sent);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = cpuSeconds(service.pid) - cpuBefore;
      sent += options.requestsPerRound;
      return { wall: options.requestsPerRound / wall, cpu: options.requestsPerRound / cpu };
    };
    // One round each way first, not counted: the service's code is optimised and its sockets warm.
    await round();
    const off: Array<{ wall: number; cpu: number }> = [];
    const on: Array<{ wall: number; cpu: number }> = [];
    for (let i = 0; i < options.rounds; i++) {
      // Alternate which side goes first, so neither always follows the other's garbage.
      for (const sampling of i % 2 === 0 ? [false, true] : [true, false]) {
        if (sampling) await connection.startSampling(samplingInterval);
        try {
          (sampling ? on : off).push(await round());
        } finally {
          if (sampling) await connection.stopSampling();
        }
      }
    }
    const offPerSecond = median(off.map((r) => r.wall));
    const onPerSecond = median(on.map((r) => r.wall));
    const offPerCpuSecond = median(off.map((r) => r.cpu));
    const onPerCpuSecond = median(on.map((r) => r.cpu));
    return {
      samplingInterval,
      rounds: options.rounds,
      requestsPerRound: options.requestsPerRound,
      offPerSecond,
      onPerSecond,
      off: off.map((r) => r.wall),
      on: on.map((r) => r.wall),
      offPerCpuSecond,
      onPerCpuSecond,
      overhead: 1 - median(on.map((r, i) => r.cpu / off[i].cpu)),
      wallOverhead: 1 - median(on.map((r, i) => r.wall / off[i].wall)),
    };
  } finally {
    await connection.close();
    await stopService(service);
  }
}

/**
 * CPU seconds a process has run, all its threads (V8's GC helpers included), from the
 * nanosecond counters of /proc/PID/task/TID/schedstat: /proc/PID/stat counts 10 ms ticks, a
 * few percent of a round.
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

export function samplingOverheadLine(o: SamplingOverhead): string {
  const rate = (r: number) => r.toFixed(0);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `Throughput of the same service with V8's sampling heap profiler off and on, at ${o.samplingInterval} bytes a sample as the sampling check uses (${o.rounds} pairs of rounds of ${o.requestsPerRound} requests, alternating; rates are medians, the overhead is the median over the pairs):`,
    '',
    '| profiler | requests per CPU-second of the service | wall-clock requests/s (each round, in order) |',
    '| --- | --- | --- |',
    `| off | ${rate(o.offPerCpuSecond)} | ${rate(o.offPerSecond)} (${o.off.map(rate).join(', ')}) |`,
    `| on | ${rate(o.onPerCpuSecond)} | ${rate(o.onPerSecond)} (${o.on.map(rate).join(', ')}) |`,
    `| overhead | **${pct(o.overhead)}** (target < ${OVERHEAD_TARGET * 100}%) | ${pct(o.wallOverhead)} |`,
  ].join('\n');
}
