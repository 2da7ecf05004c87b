import { createServer, type Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { openClickHouse, runMigrations } from '@chainwatch/clickhouse';
import { createKafka, ensureTopics, TOPIC_SPECS } from '@chainwatch/kafka';
import { createLogger, type Logger } from '@chainwatch/runtime';
import type { TraceWriterConfig } from './config';
import { runKafkaTraceWriter } from './kafka-trace-writer';

export interface TraceWriterService {
  stop(): Promise<void>;
}

/**
 * The standalone trace-writer service: migrates ClickHouse, makes sure the topics exist, consumes
 * them into ClickHouse and serves Prometheus metrics on /metrics.
 */
export async function startTraceWriterService(config: TraceWriterConfig, logger?: Logger): Promise<TraceWriterService> {
  const log = logger ?? createLogger({ name: 'trace-writer', level: config.logLevel });
  const ch = await openClickHouse(config.clickhouse, log);
  await runMigrations({ client: ch.client, database: ch.database, ttlDays: config.clickhouse.ttlDays, logger: log });
  const kafka = createKafka({ brokers: config.brokers, clientId: 'chainwatch-trace-writer', logger: log });
  await ensureTopics(kafka, TOPIC_SPECS, { logger: log });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const runner = await runKafkaTraceWriter({
    kafka,
    groupId: config.groupId,
    client: ch.client,
    database: ch.database,
    batch: config.batch,
    retry: { maxMs: config.retryMaxMs },
    logger: log,
    metrics: registry,
  });
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(config.metricsPort, resolve));
  log.info({ clickhouse: ch.location, mode: ch.mode, metrics_port: config.metricsPort }, 'trace writer started');
  return {
    stop: async () => {
      await runner.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ch.close();
    },
  };
}
