import { describe, expect, it } from 'vitest';
import { TOPICS } from '@chainwatch/schemas';
import { topicNames } from '../src/topic-names';
import { topicSpecs } from '../src/topics';

describe('topic renaming, one way', () => {
  it("completes overrides with the contract's names, checking each", () => {
    const names = topicNames({ actions: 'tenant-a.actions' });
    expect(names.actions).toBe('tenant-a.actions');
    expect(names.findings).toBe(TOPICS.findings);
    expect(() => topicNames({ actions: 'bad/name' })).toThrow();
    expect(() => topicNames({ nope: 'x' } as never)).toThrow(/unknown contract topic nope/);
  });

  it('gives the specs of the renamed topics, only the ones asked for', () => {
    const specs = topicSpecs({ names: { actions: 'a', sessionState: 's' }, only: ['actions', 'sessionState'], partitions: 3 });
    expect(specs.map((s) => [s.topic, s.partitions, s.config['cleanup.policy']])).toEqual([
      ['a', 3, 'delete'],
      ['s', 3, 'compact'],
    ]);
    expect(topicSpecs().map((s) => s.topic).sort()).toEqual(Object.values(TOPICS).sort());
  });
});
