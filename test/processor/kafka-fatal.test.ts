import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createKafka } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { runKafkaSessionProcessor } from '@chainwatch/session-processor';
import { kafkaBrokers, randomName, makeEvent } from '@chainwatch/testing';
import { produceEvents, randomProcessorTopics, simulationEngine } from './harness';

// A consumer that kafkajs gives up on (crash without restart) must be reported, so the service
// can exit and be restarted; a live process that no longer consumes would hold its partitions.
describe('processor: fatal consumer crash', () => {
  it('calls onFatal when the consumer crashed and kafkajs will not restart it', async () => {
    const kafka = createKafka({
      brokers: kafkaBrokers(),
      clientId: randomName('fatal'),
      logger: createLogger({ name: 'fatal-test', level: 'silent' }),
      retry: { retries: 1, initialRetryTime: 20, maxRetryTime: 100, restartOnFailure: async () => false },
    });
    // The crash is expected here: its error line is captured and asserted, not printed.
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger({
      name: 'fatal-test',
      level: 'warn',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
          done();
        },
      }),
    });
    const topics = randomProcessorTopics();
    let fatal: (err: Error) => void = () => undefined;
    const crashed = new Promise<Error>((resolve) => (fatal = resolve));
    const running = await runKafkaSessionProcessor({
      kafka,
      groupId: randomName('fatal-group'),
      engine: simulationEngine(),
      logger,
      topics,
      partitions: 1,
      punctuateIntervalMs: 0,
      commitIntervalMs: 100,
      // Fails inside the consumer's batch handler, as a broken dependency would.
      onChunk: () => {
        throw new Error('downstream broken');
      },
      onFatal: fatal,
    });
    try {
      await running.ready;
      await produceEvents(kafka, topics.actions, [makeEvent({ trace_id: randomName('t') })]);
      const err = await Promise.race([
        crashed,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000)),
      ]);
      expect(err).not.toBeNull();
      expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'consumer crashed' }));
    } finally {
      await running.stop();
    }
  }, 60_000);
});
