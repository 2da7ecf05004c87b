/** @chainwatch/eval: replays labelled traces through the detection core and reports detection and flag rates. */
export { runEval, evalDataset, type DatasetResult, type RunEvalOptions } from './run-eval';
export { loadDataset, loadLabels, type Dataset, type ReplaySession, type ReplayStep, type LabelRow } from './dataset';
export { breakdown, type Breakdown, type GroupCounts } from './breakdown';
export { buildBaselineFromText, type BaselineBuild } from './baseline-build';
export {
  runEventsEval,
  replayEvents,
  scoreEvents,
  requestFromEvent,
  loadEvents,
  loadEventLabels,
  readNdjsonFile,
  NdjsonError,
  EventLabel,
  type EventsEvalResult,
  type RateCount,
  type SessionOutcome,
  type RunEventsEvalOptions,
} from './events-eval';
export { writeSessions } from './run-eval';
export { holdOut, formatHoldOut, GRID, type HoldOutResult, type SuiteRates, type Weights } from './leave-one-out';
