export { makeDecisionRecord, makeEvent, makeFinding, makeRiskSignal } from './events';
export { switchableClient, testClickHouse, type SwitchableClient, type TestClickHouse } from './clickhouse';
export {
  consumeUntil,
  createTestTopic,
  kafkaBrokers,
  produceJson,
  randomName,
  testKafka,
  waitFor,
  type ConsumeUntilOptions,
  type ConsumedMessage,
  type JsonRecord,
  type TestTopicOptions,
} from './kafka';
export { duplicateKeysIn, duplicates, topLevelKeys } from './log-lines';
