/**
 * One Kafka-mode service as its own process, for the fault suite: `writer` (the trace writer
 * service on the embedded engine of CHAINWATCH_DATA_DIR) or `decision-api`, configured from the
 * environment like the real commands, on the topic names in FAULT_TOPICS (JSON). Prints one line
 * `READY <json>` once it works; SIGTERM shuts it down with the services' deadline. The tests
 * SIGKILL it to crash it.
 */
import { createLogger, shutdownWithin } from '@chainwatch/runtime';

const role = process.argv[2];
const topics = JSON.parse(process.env.FAULT_TOPICS ?? '{}') as Record<string, string>;
const logger = createLogger({ name: `fault-${role}`, level: process.env.LOG_LEVEL ?? 'warn' });

let stop: () => Promise<void>;
if (role === 'writer') {
  const { loadTraceWriterConfig, runTraceWriterService } = await import('@chainwatch/trace-writer');
  const service = await runTraceWriterService(loadTraceWriterConfig(), {
    logger,
    topics: { actions: topics.actions, findings: topics.findings, riskSignals: topics.riskSignals, decisions: topics.decisions, writerDlq: topics.writerDlq },
  });
  process.stdout.write(`READY ${JSON.stringify({ opsPort: service.opsPort })}\n`);
  stop = () => service.close();
} else if (role === 'decision-api') {
  const { loadDecisionApiConfig, runDecisionApiService } = await import('@chainwatch/decision-api');
  const service = await runDecisionApiService(loadDecisionApiConfig(), {
    logger,
    topics: { riskSignals: topics.riskSignals, decisions: topics.decisions, actions: topics.actions, approvals: topics.approvals },
  });
  process.stdout.write(`READY ${JSON.stringify({ url: service.url })}\n`);
  stop = () => service.close();
} else {
  throw new Error(`unknown role ${role}`);
}

process.once('SIGTERM', () => {
  void shutdownWithin(stop, { logger }).then(() => process.exit(0));
});
