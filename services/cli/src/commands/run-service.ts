import { shutdownWithin, type RunningService, type ServiceEnd } from '@chainwatch/runtime';

/** Resolves on the first SIGINT or SIGTERM with the signal's name; `off()` stops listening. */
function firstSignal(): { readonly signal: Promise<string>; off(): void } {
  let off = (): void => undefined;
  const signal = new Promise<string>((resolve) => {
    const onInt = (): void => resolve('SIGINT');
    const onTerm = (): void => resolve('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    off = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  });
  return { signal, off };
}

/**
 * Starts a service and runs it to its end, the same way for every one: prints its summary, waits
 * for SIGINT, SIGTERM or the service ending on its own, then closes it within the shutdown
 * deadline (a second signal exits at once). A signal during start-up closes the service as soon
 * as it is up, within the same deadline. Exit code 1 when the service ended because it failed.
 */
export async function serve(start: () => Promise<RunningService>, print: (line: string) => void = console.log): Promise<number> {
  const signals = firstSignal();
  try {
    const starting = start();
    const first = await Promise.race([starting, signals.signal]);
    if (typeof first === 'string') {
      signals.off();
      await shutdownWithin(async () => (await starting).close());
      return 0;
    }
    const service = first;
    print(service.summary);
    const end: ServiceEnd = await Promise.race([signals.signal.then((reason) => ({ reason, failed: false })), service.ended]);
    service.logger.info({ reason: end.reason }, 'shutting down');
    signals.off();
    await shutdownWithin(() => service.close(), { logger: service.logger });
    return end.failed ? 1 : 0;
  } finally {
    signals.off();
  }
}
