import { join } from 'node:path';
import { parseCommandArgs, type CommandContext } from './args';
import { runLaunched } from './runCommand';
import { freePort } from '../inspector/freePort';

/** `leakscope demo`: the whole leak check on the bundled sample order service. */
export async function runDemo(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, json: { type: 'boolean' } });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = join(__dirname, '..', '..', '..', 'samples', 'leakyServer.js');
  context.io.stderr.write(`Leak check of the sample order service (${app}): 1 warm-up, then 5 cycles of 200 requests.\n`);
  return runLaunched(
    process.execPath,
    [app],
    {
      'workload-url': `${base}/orders`,
      requests: '200',
      'ready-url': `${base}/health`,
      warmup: '1',
      cycles: '5',
      out: values.out ?? 'leakscope-demo',
      json: values.json,
    },
    context,
    { PORT: String(port) },
  );
}
