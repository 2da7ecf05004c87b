import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, parseConfig } from '../src/config';
import { brokerAddress, parseBrokers } from '../src/settings/brokers';
import { formatDuration, parseDurationMs } from '../src/settings/duration';
import { PolicyFilesEnv, policyFilesOf } from '../src/settings/policy-files';

const problem = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('no ConfigError');
};

describe('KAFKA_BROKERS: one parser', () => {
  const Schema = z.object({ KAFKA_BROKERS: env.brokers() });

  it('defaults to the local broker and splits a comma-separated list', () => {
    expect(parseConfig(Schema, {}).KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(parseConfig(Schema, { KAFKA_BROKERS: ' kafka-0.kafka:9092 , 10.0.0.7:19092 ' }).KAFKA_BROKERS).toEqual(['kafka-0.kafka:9092', '10.0.0.7:19092']);
  });

  it('accepts IPv6 brokers in brackets, as Kafka writes them', () => {
    expect(parseConfig(Schema, { KAFKA_BROKERS: '[::1]:9092,[2001:db8::7]:9093' }).KAFKA_BROKERS).toEqual(['[::1]:9092', '[2001:db8::7]:9093']);
    expect(brokerAddress('[::1]:9092')).toEqual({ host: '::1', port: 9092, ipv6: true });
    expect(brokerAddress('broker-1:9092')).toEqual({ host: 'broker-1', port: 9092, ipv6: false });
  });

  it('refuses what no client could connect to, naming the variable', () => {
    for (const bad of ['localhost', 'host:99999', 'host:0', '::1:9092', '[not-v6]:9092', 'a b:1', ',']) {
      expect(problem(() => parseConfig(Schema, { KAFKA_BROKERS: bad })), bad).toMatch(/^invalid configuration: KAFKA_BROKERS/);
    }
    expect(() => parseBrokers([])).toThrow(/at least one broker/);
    const Required = z.object({ KAFKA_BROKERS: env.brokers(null) });
    expect(problem(() => parseConfig(Required, {}))).toMatch(/KAFKA_BROKERS: required/);
  });
});

describe('topic names', () => {
  const Schema = z.object({ TOPIC: env.topic('agent.actions') });
  it('defaults, and refuses names Kafka would refuse', () => {
    expect(parseConfig(Schema, {}).TOPIC).toBe('agent.actions');
    expect(parseConfig(Schema, { TOPIC: 'tenant-a.agent_actions' }).TOPIC).toBe('tenant-a.agent_actions');
    for (const bad of ['a/b', '..', 'x'.repeat(250), 'sp ace']) expect(problem(() => parseConfig(Schema, { TOPIC: bad })), bad).toMatch(/TOPIC:/);
  });
});

describe('durations', () => {
  it('reads units and bare numbers in the setting unit', () => {
    expect(parseDurationMs('1500')).toBe(1500);
    expect(parseDurationMs('90', 's')).toBe(90_000);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('15m')).toBe(900_000);
    expect(parseDurationMs('12h')).toBe(43_200_000);
    expect(parseDurationMs('30d')).toBe(2_592_000_000);
    expect(parseDurationMs('1.5s')).toBeNull();
    expect(parseDurationMs('soon')).toBeNull();
    expect(formatDuration(900_000)).toBe('15m');
    expect(formatDuration(1500)).toBe('1500ms');
  });

  it('as a setting: the old millisecond form, a unit, bounds named in the message', () => {
    const Schema = z.object({ APPROVAL_TTL_MS: env.duration(900_000, { min: 1000 }), JWT_MAX_LIFETIME_S: env.duration(86_400, { unit: 's', min: 60 }) });
    expect(parseConfig(Schema, {})).toEqual({ APPROVAL_TTL_MS: 900_000, JWT_MAX_LIFETIME_S: 86_400 });
    expect(parseConfig(Schema, { APPROVAL_TTL_MS: '60000', JWT_MAX_LIFETIME_S: '12h' })).toEqual({ APPROVAL_TTL_MS: 60_000, JWT_MAX_LIFETIME_S: 43_200 });
    expect(parseConfig(Schema, { APPROVAL_TTL_MS: '5m' }).APPROVAL_TTL_MS).toBe(300_000);
    expect(problem(() => parseConfig(Schema, { APPROVAL_TTL_MS: '10' }))).toMatch(/APPROVAL_TTL_MS: must be between 1s and any length \(got "10"\)/);
    expect(problem(() => parseConfig(Schema, { APPROVAL_TTL_MS: 'soon' }))).toMatch(/APPROVAL_TTL_MS: must be a duration/);
    expect(problem(() => parseConfig(Schema, { JWT_MAX_LIFETIME_S: '1500ms' }))).toMatch(/JWT_MAX_LIFETIME_S: must be whole seconds/);
  });
});

describe('policy files', () => {
  it('reads the three variables into paths, absent ones left to the shipped files', () => {
    expect(policyFilesOf(parseConfig(PolicyFilesEnv, {}))).toEqual({});
    const here = import.meta.filename;
    expect(policyFilesOf(parseConfig(PolicyFilesEnv, { CHAINWATCH_CATALOG: here, CHAINWATCH_RULES: `${here}, ${import.meta.dirname}` }))).toEqual({
      catalog: here,
      rules: [here, import.meta.dirname],
    });
  });
});

describe('policy files that do not exist', () => {
  it('are a configuration error naming the variable', () => {
    expect(problem(() => parseConfig(PolicyFilesEnv, { CHAINWATCH_POLICY: '/no/such/policy.yaml' }))).toMatch(/CHAINWATCH_POLICY: no such file or directory/);
    expect(problem(() => parseConfig(PolicyFilesEnv, { CHAINWATCH_RULES: `${import.meta.dirname}, /no/such/rules` }))).toMatch(/CHAINWATCH_RULES.1: no such file or directory/);
  });
});
