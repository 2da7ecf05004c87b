import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@chainwatch/runtime';
import type { SessionProcessor } from './session-processor';

export interface ApprovalFeed {
  stop(): Promise<void>;
}

/**
 * Reads the whole approvals topic into the processor, from the beginning and then as answers
 * arrive. Every processor instance reads all of it (answers are few, and the instance that owns a
 * session is not known to the decision API), so the consumer group is private to this instance
 * and commits nothing: after a restart the topic (compacted, kept a day) is read again, which is
 * how approvals survive restarts even when their session's checkpoint predates them.
 */
export async function startApprovalFeed(options: {
  kafka: Kafka;
  topic: string;
  groupPrefix: string;
  processor: SessionProcessor;
  logger: Logger;
}): Promise<ApprovalFeed> {
  const consumer: Consumer = options.kafka.consumer({
    groupId: `${options.groupPrefix}.approvals.${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (message.value === null || message.value.length === 0) return; // compaction tombstone
      await options.processor.applyApproval(message.value);
    },
  });
  options.logger.info({ topic: options.topic }, 'approval feed started');
  return {
    async stop() {
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
