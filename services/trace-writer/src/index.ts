export { TraceWriter, WriterStoppedError, type TraceWriterOptions, type WriteControl, type WriteResult } from './trace-writer';
export { runKafkaTraceWriter, type KafkaTraceWriter, type KafkaTraceWriterOptions } from './kafka-trace-writer';
export { attachToLocalLog, attachToMemoryLog, type LocalTraceWriterOptions } from './local-trace-writer';
export { TraceWriterMetrics } from './writer-metrics';
export { TOPIC_TABLES, WRITER_TOPICS, topicTables, type StoredTopicKey, type WriterTopics } from './topic-tables';
export { TRACE_WRITER_DEFAULTS } from './defaults';
export { loadTraceWriterConfig, TraceWriterConfigSchema, type TraceWriterConfig } from './config';
export { runTraceWriterService, type TraceWriterService, type TraceWriterServiceDeps } from './service';
