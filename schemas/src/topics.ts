/** Kafka topic names of the contract. */
export const TOPICS = {
  actions: 'agent.actions',
  actionsDlq: 'agent.actions.dlq',
  riskSignals: 'chainwatch.risk-signals',
  findings: 'chainwatch.findings',
  sessionState: 'chainwatch.session-state',
  decisions: 'chainwatch.decisions',
  approvals: 'chainwatch.approvals',
  writerDlq: 'chainwatch.trace-writer.dlq',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
