import { TOPICS } from '@chainwatch/schemas';
import type { TraceTable } from '@chainwatch/clickhouse';

/** Which table each consumed topic lands in. chainwatch.session-state is internal and not stored. */
export const TOPIC_TABLES: Readonly<Record<string, TraceTable>> = {
  [TOPICS.actions]: 'agent_actions',
  [TOPICS.findings]: 'findings',
  [TOPICS.riskSignals]: 'risk_signals',
  [TOPICS.decisions]: 'decisions',
};

/** Every topic the trace writer consumes. */
export const WRITER_TOPICS: readonly string[] = Object.keys(TOPIC_TABLES);
