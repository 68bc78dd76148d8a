/**
 * Preloaded (`node --require out/bench/peakRssHook.js bin/leakscope.js …`) into a CLI run the
 * benchmark times: at exit it writes the process's peak RSS and CPU time (worker threads
 * included) to the file `$LEAKSCOPE_BENCH_PEAK_FILE` names. The CLI itself runs unchanged. CPU
 * time is what a busy shared machine inflates least: wall time there can be several times it.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.LEAKSCOPE_BENCH_PEAK_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
  });
}
