/**
 * vitest global setup: decides which real Kafka this test run uses, starts it when needed, and
 * hands its brokers to every worker (`inject('kafkaBrokers')`, and KAFKA_BROKERS).
 *
 *   1. KAFKA_BROKERS set          -> that cluster (checked reachable, never started or stopped here)
 *   2. a Docker engine answers    -> @testcontainers/kafka (Confluent image of Apache Kafka 4.1)
 *   3. otherwise                  -> the local broker from the Apache Kafka jars
 *                                    (infra/kafka/start.sh) on free ports, stopped afterwards
 *
 * CHAINWATCH_TEST_KAFKA=local skips the Docker probe (always use the jars).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { assertBrokerReachable } from '@chainwatch/kafka';
import { BrokerListText } from '@chainwatch/runtime';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
  }
}

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const kafkaScripts = join(repoRoot, 'infra/kafka');
/** Confluent Platform 8.1 ships Apache Kafka 4.1; @testcontainers/kafka drives Confluent images only. */
const CONTAINER_IMAGE = process.env.KAFKA_TEST_IMAGE ?? 'confluentinc/cp-kafka:8.1.1';

interface RunningKafka {
  readonly brokers: string[];
  readonly description: string;
  stop(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kafka = await startKafka();
  process.env.KAFKA_BROKERS = kafka.brokers.join(',');
  project.provide('kafkaBrokers', kafka.brokers);
  console.log(`[chainwatch tests] Kafka: ${kafka.description} at ${kafka.brokers.join(',')}`);
  return () => kafka.stop();
}

async function startKafka(): Promise<RunningKafka> {
  const configured = process.env.KAFKA_BROKERS?.trim();
  if (configured) {
    const brokers = BrokerListText.parse(configured);
    await assertBrokerReachable(brokers, 10_000);
    return { brokers, description: 'KAFKA_BROKERS', stop: async () => undefined };
  }
  if (process.env.CHAINWATCH_TEST_KAFKA !== 'local' && (await dockerAnswers())) {
    return startContainer();
  }
  return startLocalBroker();
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 3000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainer(): Promise<RunningKafka> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(CONTAINER_IMAGE).start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
  return {
    brokers,
    description: `testcontainers ${CONTAINER_IMAGE}`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function startLocalBroker(): Promise<RunningKafka> {
  const { port, controllerPort } = await freePortPair();
  const dataDir = await mkdtemp(join(tmpdir(), 'chainwatch-kafka-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dataDir,
    KAFKA_FRESH: '1',
    KAFKA_OWNER_PID: String(process.pid),
  };
  try {
    await run('bash', [join(kafkaScripts, 'fetch.sh')], { env, timeout: 600_000 });
    await run('bash', [join(kafkaScripts, 'start.sh')], { env, timeout: 180_000 });
  } catch (err) {
    await run('bash', [join(kafkaScripts, 'stop.sh')], { env }).catch(() => undefined);
    const detail = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-12).join('\n') ?? String(err);
    throw new Error(
      `no KAFKA_BROKERS set, no Docker engine answered, and the local Kafka broker (infra/kafka/start.sh) failed to start:\n${detail}\n` +
        'Fix the above (java 17+ and mvn are needed), or start a broker yourself with `npm run kafka:start` and run the tests with KAFKA_BROKERS=127.0.0.1:9092.',
    );
  }
  return {
    brokers: [`127.0.0.1:${port}`],
    description: `local broker from the Apache Kafka jars (data ${dataDir})`,
    stop: async () => {
      await run('bash', [join(kafkaScripts, 'stop.sh')], { env, timeout: 60_000 });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Two consecutive free ports on 127.0.0.1 (client, controller), chosen by the OS. */
async function freePortPair(): Promise<{ port: number; controllerPort: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort(0);
    if (port < 65535 && (await freePort(port + 1).then(() => true, () => false))) {
      return { port, controllerPort: port + 1 };
    }
  }
  throw new Error('could not find two consecutive free TCP ports on 127.0.0.1');
}

function freePort(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolvePort(chosen));
    });
  });
}
