import type { Admin } from 'kafkajs';
import { pollUntil } from '@chainwatch/runtime';

/**
 * Waits until every partition of `topics` has a leader. kafkajs's own `waitForLeaders` gives up
 * when a KRaft broker briefly answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created
 * (seen with Kafka 4.1 on a fresh broker); this keeps asking until the metadata is there.
 */
export async function waitForTopicLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  let lastError: unknown = null;
  const led = await pollUntil(
    async () => {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
        lastError = null;
        return meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      } catch (err) {
        lastError = err;
        return false;
      }
    },
    { timeoutMs, backoff: { initialMs: 25, factor: 2, maxMs: 500, jitter: 0 } },
  );
  if (!led) {
    const why = lastError instanceof Error ? `: ${lastError.message}` : '';
    throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs} ms${why}`);
  }
}
