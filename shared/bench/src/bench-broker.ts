/**
 * A Kafka broker of the bench's own (infra/kafka/start.sh: Apache Kafka from the Maven Central
 * jars, KRaft, on free ports, a fresh data directory), so that it can be pinned to a core like
 * any other process under test. Stopped (and its data removed) by stop().
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './decision-targets/targets';
import { pinProcess, type CorePlan } from './pinning';
import { REPO_ROOT } from './repo-paths';

const run = promisify(execFile);

export interface BenchBroker {
  readonly brokers: string[];
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startBenchBroker(plan: CorePlan, core: number): Promise<BenchBroker> {
  const scripts = join(REPO_ROOT, 'infra', 'kafka');
  const dataDir = mkdtempSync(join(tmpdir(), 'chainwatch-bench-kafka-'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_DATA_DIR: dataDir, KAFKA_FRESH: '1', KAFKA_OWNER_PID: String(process.pid) };
  const stop = async (): Promise<void> => {
    await run('bash', [join(scripts, 'stop.sh')], { env, timeout: 60_000 }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await run('bash', [join(scripts, 'fetch.sh')], { env, timeout: 600_000 });
    await run('bash', [join(scripts, 'start.sh')], { env, timeout: 180_000 });
    const pid = Number(readFileSync(join(dataDir, 'broker.pid'), 'utf8').trim());
    pinProcess(plan, pid, core);
    return { brokers: [`127.0.0.1:${port}`], pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
