export {
  DEFAULT_TOPICS,
  PROCESSOR_DEFAULTS,
  ProcessorConfigSchema,
  loadProcessorConfig,
  topicsFromConfig,
  type ProcessorConfig,
  type ProcessorTopics,
} from './config';
export { createProcessorMetrics, type ProcessorMetrics } from './metrics';
export { DLQ_RAW_MAX_BYTES, decodeEvent, dlqRecord, type DecodeResult, type DlqIssue, type DlqRecord, type InputRecord, type InvalidReason } from './event-decoder';
export type { OutputRecord, ProcessorSink, TopicRecords } from './processor-sink';
export { MAX_CLOCK_SKEW_MS, SessionProcessor, type ProcessStats, type SessionProcessorOptions, type StateEntry } from './session-processor';
export { KafkaSink } from './kafka-sink';
export { ensureProcessorTopics, processorTopicSpecs } from './processor-topics';
export { readStateTopic, type ReadStateOptions } from './state-restorer';
export { runKafkaSessionProcessor, type ChunkReport, type KafkaSessionProcessor, type KafkaSessionProcessorOptions } from './kafka-runner';
export { attachProcessorToLocalLog, localLogSink, attachProcessorToMemoryLog, memoryLogSink, type LocalProcessorOptions } from './local-runner';
