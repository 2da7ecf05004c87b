import type { Admin } from 'kafkajs';

/**
 * Waits until every partition of `topics` has a leader. kafkajs's own `waitForLeaders` gives up
 * when a KRaft broker briefly answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created
 * (seen with Kafka 4.1 on a fresh broker); this keeps asking until the metadata is there.
 */
export async function waitForTopicLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready =
        meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() + delay > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs} ms${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
