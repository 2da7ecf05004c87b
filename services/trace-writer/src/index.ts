export {
  TraceWriter,
  WriterStoppedError,
  type TraceWriterOptions,
  type WriteControl,
  type WriteResult,
  type RetryPolicy,
} from './trace-writer';
export { runKafkaTraceWriter, type KafkaTraceWriter, type KafkaTraceWriterOptions } from './kafka-trace-writer';
export { attachToLocalLog, attachToMemoryLog, type LocalTraceWriterOptions } from './local-trace-writer';
export { TraceWriterMetrics } from './writer-metrics';
export { TOPIC_TABLES, WRITER_TOPICS } from './topic-tables';
export { parseTraceWriterConfig, TraceWriterConfigSchema, type TraceWriterConfig } from './config';
export { startTraceWriterService, type TraceWriterService } from './trace-writer-service';
