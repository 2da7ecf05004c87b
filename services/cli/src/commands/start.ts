/**
 * `chainwatch start`: parses the flags and runs the all-in-one mode (all-in-one/all-in-one.ts)
 * until SIGINT or SIGTERM; with --simulate, drives simulated traffic into it meanwhile.
 */
import { loadAllInOneConfig, ALL_IN_ONE_DEFAULTS } from '../all-in-one/all-in-one-config';
import { runAllInOne, type AllInOne } from '../all-in-one/all-in-one';
import { parseCliArgs } from './cli-args';
import { serve } from './run-service';

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, 'start');
  const config = loadAllInOneConfig({
    port: values.port,
    host: values.host,
    webhook: values.webhook,
    webhookLevel: values['webhook-level'],
    printLevel: values['print-level'],
  });
  const simulation = new AbortController();
  return serve(async () => {
    const running = await runAllInOne(config, { quiet: values.quiet === true });
    if (values.simulate) void simulate(running, values.rate, simulation.signal);
    return {
      ...running,
      close: async () => {
        simulation.abort();
        await running.close();
      },
    };
  });
}

/** --simulate: realistic traffic at --rate events per second, until the process stops. */
async function simulate(running: AllInOne, rate: string | undefined, signal: AbortSignal): Promise<void> {
  const { runSimulate } = await import('./simulate');
  await runSimulate({
    target: 'http',
    url: running.url,
    token: running.token,
    rate: rate ? Number(rate) : ALL_IN_ONE_DEFAULTS.simulateRate,
    durationSec: 365 * 24 * 3600,
    log: (line) => running.logger.info(line),
    signal,
  }).catch((error: unknown) => running.logger.error({ err: error }, 'simulator stopped'));
}
