import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  KafkaRecordLog,
  assertBrokerReachable,
  createKafka,
  ensureTopics,
  waitForTopicLeaders,
  topicSpecs,
  type TopicSpec,
} from '@chainwatch/kafka';
import { ChainwatchError, createLogger } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { consumeUntil, createTestTopic, kafkaBrokers, produceJson, randomName, testKafka } from '@chainwatch/testing';

/** kafkajs' ConfigResourceTypes.TOPIC. */
const TOPIC_RESOURCE = 2;
const kafka = testKafka();

/** A pino logger whose JSON lines are kept in memory. */
function capturingLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ name: 'kafka-test', level, destination }), lines };
}

async function topicConfigs(topics: readonly string[], names: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: [...names] })),
    });
    return new Map(
      res.resources.map((r) => [r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue]))]),
    );
  } finally {
    await admin.disconnect();
  }
}

/** The contract's specs under random names, so runs never collide with each other or with services. */
function randomisedSpecs(partitions: number): TopicSpec[] {
  const suffix = randomName('t');
  return topicSpecs({ partitions }).map((s) => ({ ...s, topic: `${s.topic}.${suffix}` }));
}

describe('ensureTopics', () => {
  it('creates every contract topic with its partitions, retention and compaction, and is idempotent', async () => {
    const specs = randomisedSpecs(3);
    const first = await ensureTopics(kafka, specs);
    expect([...first.created].sort()).toEqual(specs.map((s) => s.topic).sort());
    expect(first.drift).toEqual([]);

    const byBase = (base: string) => specs.find((s) => s.topic.startsWith(`${base}.`))!.topic;
    const configs = await topicConfigs(
      specs.map((s) => s.topic),
      ['cleanup.policy', 'retention.ms'],
    );
    expect(configs.get(byBase(TOPICS.riskSignals))?.get('cleanup.policy')).toBe('compact');
    expect(configs.get(byBase(TOPICS.sessionState))?.get('cleanup.policy')).toBe('compact');
    expect(configs.get(byBase(TOPICS.actions))?.get('cleanup.policy')).toBe('delete');
    expect(configs.get(byBase(TOPICS.actions))?.get('retention.ms')).toBe(String(7 * 86_400_000));
    expect(configs.get(byBase(TOPICS.actionsDlq))?.get('retention.ms')).toBe(String(14 * 86_400_000));
    expect(configs.get(byBase(TOPICS.writerDlq))?.get('retention.ms')).toBe(String(14 * 86_400_000));

    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) }).finally(() => admin.disconnect());
    for (const t of meta.topics) expect(t.partitions).toHaveLength(3);

    const second = await ensureTopics(kafka, specs);
    expect(second.created).toEqual([]);
    expect([...second.existing].sort()).toEqual(specs.map((s) => s.topic).sort());
    expect(second.drift).toEqual([]);
  });

  it('reports and logs an existing topic that differs from its spec, without altering it', async () => {
    const topic = await createTestTopic({ prefix: 'drift', partitions: 1, config: { 'cleanup.policy': 'delete' } });
    const spec: TopicSpec = { topic, partitions: 2, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } };
    const { logger, lines } = capturingLogger();

    const result = await ensureTopics(kafka, [spec], { logger });

    expect(result.created).toEqual([]);
    expect(result.drift).toEqual(
      expect.arrayContaining([
        { topic, setting: 'cleanup.policy', expected: 'compact', actual: 'delete' },
        { topic, setting: 'partitions', expected: '2', actual: '1' },
      ]),
    );
    const warnings = lines.filter((l) => l.level === 40 && l.topic === topic);
    expect(warnings.map((w) => w.setting).sort()).toEqual(['cleanup.policy', 'partitions']);
    expect((await topicConfigs([topic], ['cleanup.policy'])).get(topic)?.get('cleanup.policy')).toBe('delete');
  });
});

describe('KafkaRecordLog', () => {
  const log = new KafkaRecordLog(kafka);
  afterAll(() => log.disconnect());

  it('publishes keyed records that a consumer group reads back, same key on the same partition', async () => {
    const topic = await createTestTopic({ prefix: 'record-log', partitions: 3 });
    const records = Array.from({ length: 30 }, (_, i) => ({
      key: `trace-${i % 5}`,
      value: JSON.stringify({ n: i }),
    }));
    await log.publish(topic, records.slice(0, 10));
    await log.publish(topic, records.slice(10));

    const groupId = randomName('record-log-group');
    const got = await consumeUntil({ topic, groupId, count: records.length, timeoutMs: 30_000 });

    expect(got.map((m) => (m.json() as { n: number }).n).sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
    const partitionOfKey = new Map<string, Set<number>>();
    for (const m of got) {
      const set = partitionOfKey.get(m.key!) ?? new Set<number>();
      set.add(m.partition);
      partitionOfKey.set(m.key!, set);
    }
    expect(partitionOfKey.size).toBe(5);
    for (const partitions of partitionOfKey.values()) expect(partitions.size).toBe(1);
    // Order within a key is publish order.
    for (const key of partitionOfKey.keys()) {
      const ns = got.filter((m) => m.key === key).map((m) => (m.json() as { n: number }).n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
  });

  it('publishing nothing is a no-op', async () => {
    await expect(log.publish(randomName('never-created'), [])).resolves.toBeUndefined();
  });
});

describe('assertBrokerReachable', () => {
  it('resolves against the test broker', async () => {
    await expect(assertBrokerReachable(kafkaBrokers(), 10_000)).resolves.toBeUndefined();
  });

  it('fails fast with a one-line CW_KAFKA_UNREACHABLE error for a closed port', async () => {
    const port = await closedPort();
    const started = Date.now();
    const err = await assertBrokerReachable([`127.0.0.1:${port}`], 3000).then(
      () => null,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;

    expect(err).toBeInstanceOf(ChainwatchError);
    const e = err as ChainwatchError;
    expect(e.code).toBe('CW_KAFKA_UNREACHABLE');
    expect(e.retriable).toBe(true);
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain('npm run kafka:start');
    expect(elapsed).toBeLessThan(3000);
  });

  it('rejects a malformed broker address before connecting', async () => {
    await expect(assertBrokerReachable(['not a broker'], 1000)).rejects.toThrow(/host:port/);
  });
});

describe('createKafka', () => {
  it('routes kafkajs logs to the pino logger and drops the partitioner notice', async () => {
    const { logger, lines } = capturingLogger('warn');
    const port = await closedPort();
    const client = createKafka({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'log-routing-test',
      logger,
      retry: { retries: 0 },
    });
    client.producer(); // would print the kafkajs v2 partitioner notice
    const admin = client.admin();
    await expect(admin.connect()).rejects.toThrow();

    const kafkajsLines = lines.filter((l) => l.component === 'kafkajs');
    expect(kafkajsLines.length).toBeGreaterThan(0);
    expect(kafkajsLines.some((l) => l.level === 50 && String(l.msg).includes('Connection error'))).toBe(true);
    expect(lines.some((l) => String(l.msg).includes('partitioner'))).toBe(false);
  });

  it('names the bad option', () => {
    expect(() => createKafka({ brokers: [], clientId: 'x' })).toThrow(/at least one broker/);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('consumeUntil fixture', () => {
  it('with fromBeginning false and onReady, sees only what is produced once it is ready', async () => {
    const topic = await createTestTopic({ prefix: 'fixture' });
    await produceJson(topic, [{ key: 'old', value: { n: 0 } }]);
    const got = await consumeUntil({
      topic,
      fromBeginning: false,
      predicate: (m) => m.key === 'last',
      onReady: () => produceJson(topic, [{ key: 'new', value: { n: 1 } }, { key: 'last', value: { n: 2 } }]),
    });
    expect(got.map((m) => m.key)).toEqual(['new', 'last']);
    expect(got[1]?.json()).toEqual({ n: 2 });
  });

  it('rejects with what it saw when the condition is not met in time', async () => {
    const topic = await createTestTopic({ prefix: 'fixture-timeout' });
    await produceJson(topic, [{ value: 'only' }]);
    await expect(consumeUntil({ topic, count: 2, timeoutMs: 2000 })).rejects.toThrow(/timed out after 2000 ms with 1 message\(s\) of 2/);
  });
});

describe('waitForTopicLeaders', () => {
  it('resolves once a just-created topic has leaders on every partition', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const topic = randomName('leaders');
      await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
      await waitForTopicLeaders(admin, [topic]);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]!.partitions.every((p) => p.leader >= 0)).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });

  it('gives up with the topic name when it never appears', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const topic = randomName('never');
      await expect(waitForTopicLeaders(admin, [topic], 500)).rejects.toThrow(new RegExp(`${topic} have no leader after 500 ms`));
    } finally {
      await admin.disconnect();
    }
  });
});
