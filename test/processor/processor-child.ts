/**
 * The session-processor as its own process, for the crash test: configured from the environment
 * like the service, with the real engine. Prints READY once it consumes; SIGTERM shuts down
 * gracefully. The test SIGKILLs it to crash it.
 */
import { createKafka } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { loadProcessorConfig, runKafkaSessionProcessor, topicsFromConfig } from '@chainwatch/session-processor';
import { simulationEngine } from './harness';

const config = loadProcessorConfig();
const logger = createLogger({ name: 'processor-child', level: config.LOG_LEVEL });
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
const running = await runKafkaSessionProcessor({
  kafka,
  groupId: config.PROCESSOR_GROUP_ID,
  engine: simulationEngine(),
  logger,
  topics: topicsFromConfig(config),
  partitions: config.PROCESSOR_PARTITIONS,
  chunkSize: config.PROCESSOR_CHUNK_SIZE,
  punctuateIntervalMs: 0,
  restoreTimeoutMs: config.PROCESSOR_RESTORE_TIMEOUT_MS,
  sessionTimeoutMs: config.PROCESSOR_SESSION_TIMEOUT_MS,
  maxEventBytes: config.PROCESSOR_MAX_EVENT_BYTES,
});
await running.ready;
process.stdout.write(`READY ${running.assignedPartitions().join(',')}\n`);
process.once('SIGTERM', () => {
  running
    .stop()
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});
