import { TopicName } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';

/** A topic of the contract, by its key in TOPICS (`actions`, `riskSignals`, ...). */
export type TopicKey = keyof typeof TOPICS;

/**
 * The actual name of each contract topic. Every component that can run on other names (tests,
 * per-tenant prefixes) takes a `Partial<TopicNames>` of overrides and completes it with
 * `topicNames`: the one way a topic is renamed.
 */
export type TopicNames = { readonly [K in TopicKey]: string };

/** The contract's names, with `overrides` applied (each checked against Kafka's naming rule). */
export function topicNames(overrides: Partial<TopicNames> = {}): TopicNames {
  const names = { ...TOPICS } as Record<TopicKey, string>;
  for (const [key, name] of Object.entries(overrides) as [TopicKey, string | undefined][]) {
    if (name === undefined) continue;
    if (!(key in TOPICS)) throw new Error(`unknown contract topic ${key} (known: ${Object.keys(TOPICS).join(', ')})`);
    names[key] = TopicName.parse(name);
  }
  return names;
}

/** `names` for `keys` only: what a component that reads or writes a few topics holds. */
export function pickTopics<K extends TopicKey>(names: TopicNames, keys: readonly K[]): { readonly [P in K]: string } {
  return Object.fromEntries(keys.map((k) => [k, names[k]])) as { [P in K]: string };
}
