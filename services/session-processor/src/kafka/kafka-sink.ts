import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { ProcessorSink, TopicRecords } from '../processor-sink';

/**
 * Produces a chunk's outputs with acks=all, split into requests of at most `maxRequestBytes`
 * so that no partition's record batch exceeds the broker's message.max.bytes (1 MiB default).
 * Requests go out one after another, which keeps per-key order.
 */
export class KafkaSink implements ProcessorSink {
  constructor(
    private readonly producer: Producer,
    private readonly options: { timeoutMs?: number; maxRequestBytes?: number } = {},
  ) {}

  async send(batches: readonly TopicRecords[]): Promise<void> {
    const limit = this.options.maxRequestBytes ?? 768 * 1024;
    let request = new Map<string, Message[]>();
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (request.size === 0) return;
      const topicMessages: TopicMessages[] = [...request].map(([topic, messages]) => ({ topic, messages }));
      request = new Map();
      bytes = 0;
      await this.producer.sendBatch({ topicMessages, acks: -1, timeout: this.options.timeoutMs ?? 30_000 });
    };
    for (const b of batches) {
      for (const r of b.records) {
        const size = (r.key?.length ?? 0) + (r.value?.length ?? 0) + 64;
        if (bytes + size > limit && bytes > 0) await flush();
        let messages = request.get(b.topic);
        if (!messages) {
          messages = [];
          request.set(b.topic, messages);
        }
        messages.push(r.partition === undefined ? { key: r.key, value: r.value } : { key: r.key, value: r.value, partition: r.partition });
        bytes += size;
      }
    }
    await flush();
  }
}
