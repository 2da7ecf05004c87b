import kafkajs from 'kafkajs';
import { ChainwatchError, parseBrokers, withTimeout } from '@chainwatch/runtime';
import { kafkajsBootstrap } from './bootstrap-brokers';

const { Kafka: KafkaClient, logLevel } = kafkajs;

/**
 * Resolves when one of `brokers` answers a metadata request within `timeoutMs`; otherwise throws
 * ChainwatchError CW_KAFKA_UNREACHABLE with a one-line message naming the brokers and how to
 * start the local broker. For boot-time checks, so a missing broker is a clear error, not a
 * minute of kafkajs retries.
 */
export async function assertBrokerReachable(brokers: readonly string[], timeoutMs = 5000): Promise<void> {
  const list = parseBrokers(brokers);
  const bootstrap = kafkajsBootstrap(list);
  const kafka = new KafkaClient({
    brokers: bootstrap.brokers,
    socketFactory: bootstrap.socketFactory,
    clientId: 'chainwatch-reachability-check',
    connectionTimeout: Math.max(100, Math.min(timeoutMs, 3000)),
    requestTimeout: Math.max(100, timeoutMs),
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await withTimeout(
      (async () => {
        await admin.connect();
        await admin.describeCluster();
      })(),
      timeoutMs,
      'metadata request',
    );
  } catch (err) {
    throw new ChainwatchError(
      'CW_KAFKA_UNREACHABLE',
      `no broker answered at ${list.join(',')} (${oneLine(err)}); start the local broker with \`npm run kafka:start\` or set KAFKA_BROKERS to a reachable cluster`,
      { cause: err },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
