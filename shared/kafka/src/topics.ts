import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { TOPICS } from '@chainwatch/schemas';
import type { Logger } from '@chainwatch/runtime';
import { waitForTopicLeaders } from './topic-leaders';
import { topicNames, type TopicKey, type TopicNames } from './topic-names';

/** What a topic should look like: created with this, and checked against this when it exists. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level configs (`cleanup.policy`, `retention.ms`, ...), values as Kafka prints them. */
  readonly config: Readonly<Record<string, string>>;
}

export interface TopicSpecOptions {
  /**
   * Partitions of agent.actions and of the topics derived from it (default 6). The session-state
   * changelog has the same count as agent.actions, so state partition p belongs to input
   * partition p.
   */
  readonly partitions?: number;
  /** Replication factor of every topic (default 1: one local broker; use 3 in production). */
  readonly replicationFactor?: number;
  /** Topic names (default: the contract's); see `topicNames`. */
  readonly names?: Partial<TopicNames>;
  /** Only these topics (default: every topic of the contract). */
  readonly only?: readonly TopicKey[];
}

const SpecOptions = z.object({
  partitions: z.number().int().min(1).max(10_000).default(6),
  replicationFactor: z.number().int().min(1).max(16).default(1),
});

const DAY_MS = 24 * 60 * 60 * 1000;
const days = (n: number): string => String(n * DAY_MS);

/**
 * The specs of every topic in the contract (TOPICS). Retention: actions 7 days, findings and
 * decisions 30 days (the audit copy lives in ClickHouse), dead-letter queues 14 days; risk
 * signals and session state are compacted (latest value per key is kept); approvals are compacted
 * by binding and kept a day.
 */
export function topicSpecs(options: TopicSpecOptions = {}): readonly TopicSpec[] {
  const { partitions, replicationFactor } = SpecOptions.parse({ partitions: options.partitions, replicationFactor: options.replicationFactor });
  const names = topicNames(options.names);
  // With replicas to spare, acks=all must mean "at least two copies".
  const durability: Record<string, string> = replicationFactor >= 3 ? { 'min.insync.replicas': '2' } : {};
  const deleteAfter = (ms: string): Record<string, string> => ({
    'cleanup.policy': 'delete',
    'retention.ms': ms,
    ...durability,
  });
  const compacted: Record<string, string> = {
    'cleanup.policy': 'compact',
    // Roll segments hourly so the cleaner can compact (it never touches the active segment).
    'segment.ms': String(60 * 60 * 1000),
    // Tombstones (deleted sessions) stay readable for a day so restoring consumers see them.
    'delete.retention.ms': days(1),
    ...durability,
  };
  const configs: Record<TopicKey, Record<string, string>> = {
    actions: deleteAfter(days(7)),
    actionsDlq: deleteAfter(days(14)),
    riskSignals: compacted,
    findings: deleteAfter(days(30)),
    sessionState: compacted,
    decisions: deleteAfter(days(30)),
    // Approvals matter while their bindings live (minutes): compacted by binding, gone after a day.
    approvals: { ...compacted, 'cleanup.policy': 'compact,delete', 'retention.ms': days(1) },
    writerDlq: deleteAfter(days(14)),
  };
  const keys = options.only ?? (Object.keys(TOPICS) as TopicKey[]);
  return keys.map((key) => ({ topic: names[key], partitions, replicationFactor, config: configs[key] }));
}

/** Every contract topic with the default options (6 partitions, replication factor 1). */
export const TOPIC_SPECS: readonly TopicSpec[] = topicSpecs();

/** An existing topic that differs from its spec. */
export interface TopicDrift {
  readonly topic: string;
  /** A config name, or `partitions` / `replication.factor`. */
  readonly setting: string;
  readonly expected: string;
  readonly actual: string | null;
}

export interface EnsureTopicsResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
  readonly drift: readonly TopicDrift[];
}

/** kafkajs' ConfigResourceTypes.TOPIC (the enum is not a named ESM export of kafkajs). */
const CONFIG_RESOURCE_TOPIC = 2;

/**
 * Creates the topics that do not exist yet (waiting for their leaders) and checks the ones that
 * do against their spec. Differences are logged as warnings and returned, never altered: changing
 * retention or compaction of a live topic is an operator's decision. Safe to call concurrently
 * from several instances.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  options: { logger?: Logger } = {},
): Promise<EnsureTopicsResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !present.has(s.topic));
    const created: string[] = [];
    if (missing.length > 0) {
      let made = false;
      try {
        made = await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((s) => ({
            topic: s.topic,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (err) {
        // Another instance created some of them between listTopics and createTopics.
        if (!isAlreadyExists(err)) throw err;
      }
      await waitForTopicLeaders(admin, missing.map((s) => s.topic));
      // false: every one of them was created concurrently by someone else.
      if (made) {
        created.push(...missing.map((s) => s.topic));
        options.logger?.info({ topics: created }, 'created Kafka topics');
      }
    }
    const existing = specs.filter((s) => present.has(s.topic));
    const drift = existing.length > 0 ? await findDrift(admin, existing) : [];
    for (const d of drift) {
      options.logger?.warn(
        { topic: d.topic, setting: d.setting, expected: d.expected, actual: d.actual },
        `Kafka topic ${d.topic} differs from its spec: ${d.setting} is ${d.actual ?? 'unset'}, expected ${d.expected}`,
      );
    }
    return { created, existing: existing.map((s) => s.topic), drift };
  } finally {
    await admin.disconnect();
  }
}

type Admin = ReturnType<Kafka['admin']>;

async function findDrift(admin: Admin, specs: readonly TopicSpec[]): Promise<TopicDrift[]> {
  const drift: TopicDrift[] = [];
  const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({
      type: CONFIG_RESOURCE_TOPIC,
      name: s.topic,
      configNames: Object.keys(s.config),
    })),
  });
  for (const spec of specs) {
    const meta = metadata.topics.find((t) => t.name === spec.topic);
    if (meta) {
      if (meta.partitions.length !== spec.partitions) {
        drift.push({ topic: spec.topic, setting: 'partitions', expected: String(spec.partitions), actual: String(meta.partitions.length) });
      }
      const replicas = meta.partitions[0]?.replicas.length;
      if (replicas !== undefined && replicas !== spec.replicationFactor) {
        drift.push({ topic: spec.topic, setting: 'replication.factor', expected: String(spec.replicationFactor), actual: String(replicas) });
      }
    }
    const entries = described.resources.find((r) => r.resourceName === spec.topic)?.configEntries ?? [];
    for (const [name, expected] of Object.entries(spec.config)) {
      const actual = entries.find((e) => e.configName === name)?.configValue ?? null;
      if (actual === null || normaliseConfig(actual) !== normaliseConfig(expected)) {
        drift.push({ topic: spec.topic, setting: name, expected, actual });
      }
    }
  }
  return drift;
}

/** `compact,delete` and `delete, compact` are the same policy. */
function normaliseConfig(value: string): string {
  return value
    .split(',')
    .map((v) => v.trim())
    .sort()
    .join(',');
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: unknown; errors?: unknown } | null;
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every((x: { type?: unknown }) => x?.type === 'TOPIC_ALREADY_EXISTS');
}
