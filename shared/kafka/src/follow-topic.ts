import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@chainwatch/runtime';

export interface FollowedTopic {
  stop(): Promise<void>;
}

/**
 * Reads a whole (small) topic in this process, from its beginning and then as records arrive:
 * the broadcast pattern, for state every instance must hold (approval answers, for example).
 * The consumer group is private to this instance and commits nothing, so a restart reads the
 * topic again: the topic, compacted and retained, is the durable copy. Tombstones are skipped;
 * `onRecord` is awaited record by record, in partition order.
 */
export async function followTopic(options: {
  kafka: Kafka;
  topic: string;
  /** Prefix of the private consumer group's id (a random suffix is added). */
  groupPrefix: string;
  onRecord: (value: Buffer, key: string | null) => Promise<unknown>;
  logger: Logger;
}): Promise<FollowedTopic> {
  const consumer = options.kafka.consumer({
    groupId: `${options.groupPrefix}.${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (message.value === null || message.value.length === 0) return;
      try {
        await options.onRecord(message.value, message.key === null ? null : message.key.toString('utf8'));
      } catch (err) {
        // One bad record must not stop the follower (nor be retried forever).
        options.logger.warn({ topic: options.topic, err: err instanceof Error ? err.message : String(err) }, 'followed record not applied');
      }
    },
  });
  options.logger.info({ topic: options.topic }, 'following topic');
  return {
    async stop() {
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
