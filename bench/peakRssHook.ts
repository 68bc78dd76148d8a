/**
 * Preloaded (`node --require out/bench/peakRssHook.js bin/leakscope.js …`) into a CLI run the
 * benchmark times: at exit it writes the process's peak RSS (worker threads included) to the file
 * `$LEAKSCOPE_BENCH_PEAK_FILE` names. The CLI itself runs unchanged.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.LEAKSCOPE_BENCH_PEAK_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
