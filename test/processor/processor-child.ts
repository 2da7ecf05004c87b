/**
 * The session-processor as its own process, for the crash test: the service itself
 * (`runProcessorService`), configured from the environment, with the simulator's engine. Prints
 * READY once it consumes; SIGTERM shuts down gracefully. The test SIGKILLs it to crash it.
 */
import { createLogger } from '@chainwatch/runtime';
import { loadProcessorServiceConfig, runProcessorService } from '@chainwatch/session-processor';
import { simulationEngine } from './harness';

// No operations port (several children may run at once) and no idle eviction during the test.
const config = loadProcessorServiceConfig({ ...process.env, PROCESSOR_METRICS_PORT: '0', PROCESSOR_PUNCTUATE_INTERVAL_MS: '0' });
const logger = createLogger({ name: 'processor-child', level: config.LOG_LEVEL });
const service = await runProcessorService(config, { engine: simulationEngine(), logger });
await service.runner.ready;
process.stdout.write(`READY ${service.runner.assignedPartitions().join(',')}\n`);
process.once('SIGTERM', () => {
  service
    .close()
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});
