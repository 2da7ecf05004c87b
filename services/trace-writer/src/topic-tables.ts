import { TOPICS } from '@chainwatch/schemas';
import type { TopicNames } from '@chainwatch/kafka';
import type { TraceTable } from '@chainwatch/clickhouse';

/** The contract topics the writer stores, by key. chainwatch.session-state is internal and not stored. */
export type StoredTopicKey = 'actions' | 'findings' | 'riskSignals' | 'decisions';

/** Which table each stored topic lands in. */
const TABLE_OF: Readonly<Record<StoredTopicKey, TraceTable>> = {
  actions: 'agent_actions',
  findings: 'findings',
  riskSignals: 'risk_signals',
  decisions: 'decisions',
};

/**
 * The topics a writer stores, by contract key, under their actual names (see topicNames), and its
 * dead-letter topic. Absent: every stored topic under the contract's name; given: only the stored
 * topics it names (tests store one or two).
 */
export type WriterTopics = Partial<Pick<TopicNames, StoredTopicKey | 'writerDlq'>>;

/** Topic name → table for `topics` (see WriterTopics). */
export function topicTables(topics?: WriterTopics): Readonly<Record<string, TraceTable>> {
  const named = Object.keys(TABLE_OF).filter((k) => topics?.[k as StoredTopicKey] !== undefined) as StoredTopicKey[];
  const keys = topics === undefined || named.length === 0 ? (Object.keys(TABLE_OF) as StoredTopicKey[]) : named;
  return Object.fromEntries(keys.map((k) => [topics?.[k] ?? TOPICS[k], TABLE_OF[k]]));
}

/** Topic → table under the contract's names. */
export const TOPIC_TABLES: Readonly<Record<string, TraceTable>> = topicTables();

/** Every topic the trace writer consumes. */
export const WRITER_TOPICS: readonly string[] = Object.keys(TOPIC_TABLES);
