/**
 * `chainwatch decision-api` as a service: config (DecisionApiEnv) → dependencies (Kafka client,
 * topics, detection engine, live view, publisher, investigation store) → run (the fastify app,
 * listening) → close.
 */
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine, type ToolCatalog } from '@chainwatch/core';
import { loadShellPort } from '@chainwatch/shell';
import { KafkaRecordLog, assertBrokerReachable, createKafka, ensureTopics, followTopic, topicNames, topicSpecs, type FollowedTopic, type TopicNames } from '@chainwatch/kafka';
import { NEVER_ENDS, createLogger, policyFilesOf, type Logger, type RunningService } from '@chainwatch/runtime';
import { InvestigationStore, openClickHouse, parseClickHouseConfig } from '@chainwatch/clickhouse';
import { buildDecisionApi, listenDecisionApi, type DecisionApi } from './app';
import type { JwksSource } from './auth/jwt-verifier';
import { apiOptionsFromEnv, type DecisionApiEnv } from './config';
import { catalogSensitivity } from './decisions/sensitivity';
import { KafkaSignalView } from './live-view/kafka-signal-view';

export interface DecisionApiService extends RunningService {
  readonly api: DecisionApi;
  readonly view: KafkaSignalView;
  /** Base URL the API listens on. */
  readonly url: string;
  /** Stop accepting requests, flush the decision log, stop consuming. */
  close(): Promise<void>;
}

/**
 * The decision API as a standalone service over Kafka: the live view consumes the compacted
 * risk-signal topic from its start, decisions and ingested events are published with a
 * KafkaRecordLog. Listens at once; /readyz turns 200 when the view has caught up.
 */
export async function runDecisionApiService(
  config: DecisionApiEnv,
  options: {
    logger?: Logger;
    engine?: DetectionEngine;
    catalog?: ToolCatalog;
    /** Topic names (tests); default: the contract's (see topicNames). */
    topics?: Partial<Pick<TopicNames, 'riskSignals' | 'decisions' | 'actions' | 'approvals'>>;
  } = {},
): Promise<DecisionApiService> {
  const logger = options.logger ?? createLogger({ name: 'decision-api', level: config.LOG_LEVEL });
  await assertBrokerReachable(config.KAFKA_BROKERS);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
  const topics = topicNames(options.topics);
  await ensureTopics(kafka, topicSpecs({ names: topics, only: ['riskSignals', 'decisions', 'actions', 'approvals'] }), { logger });

  // The configured policy files (the shipped ones by default) unless the caller brings its own.
  let { engine, catalog } = options;
  if (!engine || !catalog) {
    const policy = loadDefaultPolicy(policyFilesOf(config));
    catalog ??= policy.catalog;
    engine ??= createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, shell: await loadShellPort() });
  }
  const view = new KafkaSignalView({
    kafka,
    engine,
    logger,
    topic: topics.riskSignals,
    checkIntervalMs: Math.max(50, Math.min(1000, Math.floor(config.VIEW_STALE_MS / 4))),
  });
  const publisher = new KafkaRecordLog(kafka, { logger });
  await publisher.connect();

  // Investigation endpoints need a ClickHouse server (the embedded engine belongs to one process:
  // the trace writer's). Opened best-effort: an absent ClickHouse never blocks decisions.
  const investigation = await openInvestigationStore(logger);

  const keys: JwksSource = config.JWT_JWKS_URL ? { jwksUrl: config.JWT_JWKS_URL } : { jwksFile: config.JWT_JWKS_FILE as string };
  const api = await buildDecisionApi({
    view,
    publisher,
    logger,
    auth: { ...keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, maxLifetimeS: config.JWT_MAX_LIFETIME_S },
    ...(investigation ? { investigation: { store: investigation.store } } : {}),
    options: {
      ...apiOptionsFromEnv(config),
      defaultMetrics: true,
      isSensitive: catalogSensitivity(catalog),
      topics: { decisions: topics.decisions, actions: topics.actions, approvals: topics.approvals },
    },
  });
  void view.start().catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'risk-signal view failed to start'));
  // Binding states from the other instances: an approval given at any replica counts at every one.
  const approvals: FollowedTopic = await followTopic({
    kafka,
    topic: topics.approvals,
    groupPrefix: `chainwatch-decision-api-approvals-${api.service.instanceId}`,
    onRecord: async (value) => {
      const adopted = api.service.adopt(value, Date.now());
      if (adopted.result === 'invalid') logger.warn({ issue: adopted.issue }, 'invalid approval record skipped');
    },
    logger,
  });
  const url = await listenDecisionApi(api, { host: config.DECISION_API_HOST, port: config.DECISION_API_PORT });
  logger.info({ url, shadow: config.SHADOW_MODE }, 'decision API listening');

  return {
    api,
    view,
    url,
    logger,
    summary: `chainwatch decision-api: listening on ${url}`,
    ended: NEVER_ENDS,
    async close() {
      await api.app.close();
      await approvals.stop();
      await view.close();
      await publisher.disconnect();
      await investigation?.close();
    },
  };
}

async function openInvestigationStore(logger: Logger): Promise<{ store: InvestigationStore; close(): Promise<void> } | null> {
  if (!process.env.CLICKHOUSE_URL) {
    logger.info('CLICKHOUSE_URL not set: investigation endpoints are off in the standalone decision API');
    return null;
  }
  try {
    const ch = await openClickHouse(parseClickHouseConfig(process.env), logger);
    return { store: new InvestigationStore(ch.client, ch.database), close: () => ch.close() };
  } catch (err) {
    logger.error({ err: err instanceof Error ? err.message : String(err) }, 'ClickHouse unavailable: investigation endpoints are off');
    return null;
  }
}
