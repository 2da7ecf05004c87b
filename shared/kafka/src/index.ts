export type { LogRecord, OutgoingRecord, RecordPublisher, RecordHandler, Subscription } from './record-log';
export { MemoryLog } from './memory-log';
