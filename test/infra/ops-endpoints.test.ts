/**
 * The operations port of `chainwatch processor` and `chainwatch trace-writer`, the real commands
 * against the real broker: /healthz answers while the service starts, /readyz is 503 until the
 * processor has restored its partitions (the trace writer: its consumer joined the group), then
 * 200; SIGTERM shuts down cleanly. These are the paths and ports infra/k8s probes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@chainwatch/runtime';
import { runKafkaTraceWriter } from '@chainwatch/trace-writer';
import { REPO_ROOT, runCli, startCli, stopCli } from '../cli/run-cli';
import { testClickHouse, createTestTopic, kafkaBrokers, randomName, testKafka } from '@chainwatch/testing';
import { CollectingPublisher } from '../clickhouse/records';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function status(port: number, path: string): Promise<number | 'refused'> {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 'refused';
  }
}

/**
 * Polls /healthz and /readyz from the moment the process is spawned until /readyz is 200.
 * Returns every distinct (healthz, readyz) pair seen, in order.
 */
async function watchUntilReady(port: number, timeoutMs: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pair = `${await status(port, '/healthz')}/${await status(port, '/readyz')}`;
    if (seen[seen.length - 1] !== pair) seen.push(pair);
    if (pair === '200/200') return seen;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`not ready within ${timeoutMs} ms; seen ${seen.join(' -> ')}`);
}

/**
 * Runs `chainwatch ARGS` the way the image does: infra/Dockerfile's ENTRYPOINT, from the
 * repository root (the image's WORKDIR). In its own process group, so nothing it starts outlives
 * the test even if the entrypoint does not pass SIGTERM on.
 */
function spawnImageEntrypoint(args: readonly string[], env: Record<string, string>): ChildProcess {
  const line = readFileSync(join(REPO_ROOT, 'infra', 'Dockerfile'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ENTRYPOINT '));
  const entrypoint = JSON.parse(line?.slice('ENTRYPOINT '.length) ?? '[]') as string[];
  const [program = '', ...rest] = entrypoint;
  // The image's WORKDIR is /app: its paths are the repository's.
  const executable = program === 'node' ? process.execPath : program.startsWith('/app/') ? join(REPO_ROOT, program.slice('/app/'.length)) : program;
  return spawn(executable, [...rest, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
}

/** SIGTERM to the entrypoint process only, as the kubelet sends it to PID 1; its exit code. */
async function terminate(child: ChildProcess, graceMs: number): Promise<number | string | null> {
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const result = await exited;
  clearTimeout(timer);
  try {
    process.kill(-(child.pid ?? 0), 'SIGKILL');
  } catch {
    // the group is gone: nothing was left behind
  }
  return result;
}

describe('operations endpoints of the standalone services', () => {
  it('chainwatch processor, run by the image entrypoint: live while restoring, ready once restored, exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const prefix = randomName('ops');
    const child = spawnImageEntrypoint(['processor'], {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      PROCESSOR_METRICS_PORT: String(port),
      PROCESSOR_GROUP_ID: `${prefix}-group`,
      PROCESSOR_PARTITIONS: '2',
      PROCESSOR_TOPIC_ACTIONS: `${prefix}.actions`,
      PROCESSOR_TOPIC_DLQ: `${prefix}.dlq`,
      PROCESSOR_TOPIC_RISK_SIGNALS: `${prefix}.signals`,
      PROCESSOR_TOPIC_FINDINGS: `${prefix}.findings`,
      PROCESSOR_TOPIC_SESSION_STATE: `${prefix}.state`,
      PROCESSOR_TOPIC_APPROVALS: `${prefix}.approvals`,
    });
    try {
      const seen = await watchUntilReady(port, 90_000);
      // Live and not yet ready came first: the port is up before the runner restores anything.
      expect(seen).toContain('200/503');
      expect(seen.indexOf('200/503')).toBeLessThan(seen.indexOf('200/200'));
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^process_cpu_user_seconds_total /m);
    } finally {
      // Graceful: final commit, leave the group, close the port, exit 0, within the pod's grace period.
      expect(await terminate(child, 45_000)).toBe(0);
    }
    expect(await status(port, '/healthz')).toBe('refused');
  });

  it('chainwatch trace-writer: live while migrating, ready once its consumer joined the group, on TRACE_WRITER_METRICS_PORT', async () => {
    const port = await freePort();
    const started = startCli(
      ['trace-writer'],
      {
        KAFKA_BROKERS: kafkaBrokers().join(','),
        TRACE_WRITER_METRICS_PORT: String(port),
        TRACE_WRITER_GROUP_ID: randomName('ops-writer'),
        // Its own embedded engine (one per process), or its own database on a ClickHouse server.
        CHAINWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'cw-ops-writer-')),
        CLICKHOUSE_DATABASE: randomName('ops').replace(/-/g, '_'),
      },
      new RegExp(`ops :${port} \\(/healthz /readyz /metrics\\)`),
      120_000,
    );
    const seen = await watchUntilReady(port, 120_000);
    const { child } = await started;
    expect(seen).toContain('200/503');
    expect(seen.indexOf('200/503')).toBeLessThan(seen.indexOf('200/200'));
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);

    expect(await stopCli(child, 30_000)).toBe(0);
    expect(await status(port, '/healthz')).toBe('refused');
  });

  it('a trace writer that cannot start exits instead of holding its open operations port', async () => {
    const port = await freePort();
    const result = await runCli(
      ['trace-writer'],
      { KAFKA_BROKERS: kafkaBrokers().join(','), TRACE_WRITER_METRICS_PORT: String(port), CLICKHOUSE_URL: 'http://127.0.0.1:1' },
      30_000,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/127\.0\.0\.1:1/);
  });

  it('runKafkaTraceWriter().running(): true once the consumer joined its group, false after stop', async () => {
    const ch = await testClickHouse();
    const kafka = testKafka();
    const topic = await createTestTopic({ prefix: 'ops-running', kafka });
    const writer = await runKafkaTraceWriter({
      kafka,
      groupId: randomName('ops-running'),
      topics: { actions: topic },
      client: ch.client,
      database: ch.database,
      batch: { maxRows: 16, maxWaitMs: 100 },
      logger: createLogger({ name: 'ops-running-test', level: 'warn' }),
      metrics: new Registry(),
      dlq: new CollectingPublisher(),
    });
    try {
      // consumer.run() joins the group before it resolves.
      expect(writer.running()).toBe(true);
    } finally {
      await writer.stop();
      await ch.close();
    }
    expect(writer.running()).toBe(false);
  });
});
