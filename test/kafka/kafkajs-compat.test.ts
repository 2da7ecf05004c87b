/**
 * The evidence behind docs/decisions/0001-kafka-4-with-kafkajs.md: the kafkajs features
 * Chainwatch relies on, exercised against the broker of this run (Apache Kafka 4.1.1 when it is
 * the local broker from infra/kafka). If one of these fails on a new broker version, the record
 * says to fall back to Kafka 3.9.x.
 */
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { consumeUntil, createTestTopic, randomName, testKafka } from '@chainwatch/testing';

const { CompressionTypes } = kafkajs;
const TOPIC_RESOURCE = 2; // kafkajs ConfigResourceTypes.TOPIC
const kafka = testKafka('kafkajs-compat-probe');

describe('kafkajs 2.2.4 against the broker', () => {
  it('describes the cluster (ApiVersions + Metadata)', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThan(0);
      expect(cluster.controller).not.toBeNull();
      expect(cluster.clusterId).toMatch(/\S+/);
    } finally {
      await admin.disconnect();
    }
  });

  it('produces with acks=all from an idempotent producer, plain and GZIP, and reads it back', async () => {
    const topic = await createTestTopic({ prefix: 'compat-produce', partitions: 2 });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: 'plain-1' }, { key: 'b', value: 'plain-2' }] });
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: [{ key: 'a', value: 'gzip-1' }],
      });
    } finally {
      await producer.disconnect();
    }
    const got = await consumeUntil({ topic, count: 3 });
    expect(got.map((m) => m.text()).sort()).toEqual(['gzip-1', 'plain-1', 'plain-2']);
  });

  it('runs a consumer group with manual commits and resumes from the committed offset', async () => {
    const topic = await createTestTopic({ prefix: 'compat-group', partitions: 1 });
    const groupId = randomName('compat-group');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })) });

    // First member: read everything, commit only after the third message.
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0;
    const committed = new Promise<void>((resolve, reject) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          seen++;
          if (message.value?.toString() === 'm2') {
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            resolve();
          }
        },
      }).catch(reject);
    });
    await committed;
    await consumer.disconnect();
    expect(seen).toBeGreaterThanOrEqual(3);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] }).finally(() => admin.disconnect());
    expect(offsets[0]?.partitions[0]?.offset).toBe('3');

    // A new member of the same group resumes after the commit.
    await producer.send({ topic, acks: -1, messages: [{ value: 'm5' }] });
    await producer.disconnect();
    const rest = await consumeUntil({ topic, groupId, count: 3 });
    expect(rest.map((m) => m.text())).toEqual(['m3', 'm4', 'm5']);
  });

  it('creates a compacted topic and reads its configs back with describeConfigs', async () => {
    const topic = await createTestTopic({
      prefix: 'compat-compact',
      partitions: 3,
      config: { 'cleanup.policy': 'compact', 'segment.ms': '3600000' },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['cleanup.policy', 'segment.ms'] }],
      });
      const entries = new Map(res.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]));
      expect(entries.get('cleanup.policy')).toBe('compact');
      expect(entries.get('segment.ms')).toBe('3600000');
    } finally {
      await admin.disconnect();
    }
    // Keyed writes and a tombstone are accepted by a compacted topic.
    const producer = kafka.producer();
    await producer.connect();
    await producer
      .send({ topic, acks: -1, messages: [{ key: 's1', value: '{"v":1}' }, { key: 's1', value: '{"v":2}' }, { key: 's2', value: null }] })
      .finally(() => producer.disconnect());
    const got = await consumeUntil({ topic, count: 3 });
    expect(got.filter((m) => m.key === 's2').map((m) => m.value)).toEqual([null]);
  });
});
