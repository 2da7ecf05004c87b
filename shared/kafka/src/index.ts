export type { LogRecord, OutgoingRecord, RecordPublisher, RecordHandler, HandlerContext, Subscription, SubscribeOptions, LocalLog } from './record-log';
export { MemoryLog } from './memory-log';
export { createKafka, type CreateKafkaOptions } from './kafka-client';
export {
  TOPIC_SPECS,
  topicSpecs,
  ensureTopics,
  type TopicSpec,
  type TopicSpecOptions,
  type TopicDrift,
  type EnsureTopicsResult,
} from './topics';
export { topicNames, pickTopics, type TopicKey, type TopicNames } from './topic-names';
export { KafkaRecordLog, type KafkaRecordLogOptions } from './kafka-record-log';
export { assertBrokerReachable } from './broker-reachable';
export { waitForTopicLeaders } from './topic-leaders';
export { followTopic, type FollowedTopic } from './follow-topic';
