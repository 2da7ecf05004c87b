import type { Kafka } from 'kafkajs';
import { ensureTopics, topicSpecs, type TopicSpec } from '@chainwatch/kafka';
import { ChainwatchError, retry, type Logger } from '@chainwatch/runtime';
import { PROCESSOR_DEFAULTS, type ProcessorTopics } from '../config';

/**
 * The contract's specs (partitions, retention, compaction) of every topic the processor reads or
 * writes, under the names this processor is configured with.
 */
export function processorTopicSpecs(topics: ProcessorTopics, partitions: number, replicationFactor: number): TopicSpec[] {
  return [
    ...topicSpecs({
      partitions,
      replicationFactor,
      names: {
        actions: topics.actions,
        actionsDlq: topics.dlq,
        riskSignals: topics.riskSignals,
        findings: topics.findings,
        sessionState: topics.sessionState,
        approvals: topics.approvals,
      },
      only: ['actions', 'actionsDlq', 'riskSignals', 'findings', 'sessionState', 'approvals'],
    }),
  ];
}

/**
 * Creates missing topics with explicit configs (drift on existing ones is logged) and checks the
 * invariant restore depends on: the state topic has at least as many partitions as the input,
 * because the checkpoint of a trace read from input partition p is written to state partition p.
 */
export async function ensureProcessorTopics(
  kafka: Kafka,
  topics: ProcessorTopics,
  options: { partitions: number; replicationFactor: number; logger?: Logger },
): Promise<void> {
  const specs = processorTopicSpecs(topics, options.partitions, options.replicationFactor);
  // Right after creation a broker may not know the new partitions yet (metadata propagation):
  // that answer is retriable, so try again for a few seconds before giving up.
  await retry(() => ensureTopics(kafka, specs, options.logger ? { logger: options.logger } : {}), {
    policy: PROCESSOR_DEFAULTS.retry.topicSetup,
    retriable: isRetriable,
    onRetry: (err, failures) => options.logger?.warn({ err, attempt: failures }, 'topic set-up not ready yet; retrying'),
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topics.actions, topics.sessionState] });
    const count = (name: string): number => meta.topics.find((t) => t.name === name)?.partitions.length ?? 0;
    const inputs = count(topics.actions);
    const state = count(topics.sessionState);
    if (state < inputs) {
      throw new ChainwatchError(
        'CW_CONFIG_INVALID',
        `${topics.sessionState} has ${state} partitions but ${topics.actions} has ${inputs}: the state topic needs at least as many`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}

function isRetriable(err: unknown): boolean {
  const e = err as { retriable?: unknown; type?: unknown; cause?: unknown } | null;
  if (e?.retriable === true) return true;
  return e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' || e?.type === 'LEADER_NOT_AVAILABLE';
}
