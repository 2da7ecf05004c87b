import { describe, expect, it } from 'vitest';
import { isHandledResponseError } from '../src/kafkajs-log-level';

describe('kafkajs error lines', () => {
  it('treats broker answers kafkajs retries or recovers from as warnings', () => {
    const response = (error: string) => isHandledResponseError('Connection', 'Response Metadata(key: 3, version: 6)', { error });
    expect(response('This server does not host this topic-partition')).toBe(true); // UNKNOWN_TOPIC_OR_PARTITION, retried
    expect(response('This server is not the leader for that topic-partition')).toBe(true); // NOT_LEADER, retried
    expect(response('The group is rebalancing, so a rejoin is needed')).toBe(true); // the consumer rejoins
    expect(isHandledResponseError('Producer', 'Failed to send messages: This server is not the leader for that topic-partition', {})).toBe(true);
  });

  it('keeps everything else an error', () => {
    expect(isHandledResponseError('Connection', 'Response Produce(key: 0, version: 7)', { error: 'Topic authorization failed' })).toBe(false);
    expect(isHandledResponseError('Connection', 'Response Produce(key: 0, version: 7)', { error: 'The request included a message larger than the max message size the server will accept' })).toBe(false);
    expect(isHandledResponseError('Connection', 'Connection error: connect ECONNREFUSED', { error: 'This server does not host this topic-partition' })).toBe(false);
    expect(isHandledResponseError('Consumer', 'Response Metadata', { error: 'This server does not host this topic-partition' })).toBe(false);
    expect(isHandledResponseError('Connection', 'Response Metadata', {})).toBe(false);
    expect(isHandledResponseError('Producer', 'Failed to send messages: Topic authorization failed', {})).toBe(false);
    expect(isHandledResponseError('Producer', 'This server is not the leader for that topic-partition', {})).toBe(false);
  });
});
