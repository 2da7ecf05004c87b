export { ClickHouseConfigSchema, DATABASE_NAME_PATTERN, parseClickHouseConfig, type ClickHouseConfig } from './clickhouse-config';
export { openClickHouse, ensureWritableDir, type ClickHouseHandle } from './clickhouse-factory';
export {
  runMigrations,
  loadMigrations,
  renderMigration,
  MigrationError,
  DEFAULT_MIGRATIONS_DIR,
  type MigrationFile,
  type MigrationOptions,
  type MigrationResult,
} from './migrations';
export { splitSqlStatements } from './sql-statements';
export {
  toAgentActionRow,
  toFindingRow,
  toRiskSignalRow,
  toDecisionRow,
  ROW_MAPPERS,
  RowMappingError,
  TRACE_TABLES,
  type TraceTable,
  type TraceRowByTable,
  type AgentActionRow,
  type FindingRow,
  type RiskSignalRow,
  type DecisionRow,
} from './rows';

export { extractArgEntities, type ArgEntities } from './arg-entities';
export {
  InvestigationStore,
  INVESTIGATION_LIMITS,
  encodeCursor,
  decodeCursor,
  type TimeRange,
  type Timeline,
  type TimelineItem,
  type TraceGraph,
  type TraceGraphNode,
  type TraceGraphEdge,
  type FindingsQuery,
  type FindingItem,
  type FindingsPage,
} from './investigation';
export { ROW_IDENTITY, storedIds, type RowIdentity } from './row-identity';
export { isRowRejection, clickHouseErrorType } from './store-errors';
export { ClickHouseLog, type ClickHouseLogOptions, type KeyedTopic } from './local-log/clickhouse-log';
export { tuneEmbeddedTables, EMBEDDED_OLD_PARTS_LIFETIME_S } from './embedded-tuning';
export { EMBEDDED_MAX_CLEANUP_DELAY_S } from './embedded-tuning';
export { ClickHouseException, chError } from './readonly/clickhouse-exception';
export { MAX_QUERY_BYTES, OUTPUT_FORMATS, bindHttpParams, checkQueryTree, prepareReadOnlyQuery, resolveFormat, unescapeEscaped, type PreparedQuery } from './readonly/read-only-query';
export { openEmbeddedReadOnlySql, type ReadOnlyLimits, type ReadOnlySql } from './readonly/embedded-reader';
export { HELLO_VALUES_SQL, encodeHelloBlock, isDriverHello, type HelloValues } from './readonly/native-protocol';
