import { describe, expect, it } from 'vitest';
import { argsDigest } from '@chainwatch/schemas';
import { RowMappingError, toAgentActionRow, toDecisionRow, toFindingRow, toRiskSignalRow } from '@chainwatch/clickhouse';
import { makeDecisionRecord, makeEvent, makeFinding, makeRiskSignal } from '@chainwatch/testing';

describe('row mappers', () => {
  it('never carries raw tool arguments; keeps their digest, their entities and the result entities', () => {
    const args = { to: 'Eve@Evil.example', body: 'see https://drop.evil.example/x and IBAN DE89 3704 0044 0532 0130 00', secret: 'p4ss' };
    const event = makeEvent({
      action: {
        kind: 'tool_call',
        tool: 'mail.send',
        args,
        result_entities: { emails: ['bob@corp.example'], urls: [], domains: ['corp.example'], ibans: [], phones: [] },
      },
    });
    const row = toAgentActionRow(event);
    const text = JSON.stringify(row);
    expect(text).not.toContain('p4ss');
    expect(text).not.toContain('"args"');
    expect(row.args_digest).toBe(argsDigest(args));
    expect(row.arg_emails).toEqual(['eve@evil.example']);
    expect(row.arg_domains).toEqual(expect.arrayContaining(['evil.example', 'drop.evil.example']));
    expect(row.arg_ibans).toEqual(['DE89370400440532013000']);
    expect(row.result_emails).toEqual(['bob@corp.example']);
    expect(row.ts).toBe(event.ts);
  });

  it('keeps a producer-supplied args_digest and hashes the credential token id', () => {
    const row = toAgentActionRow(
      makeEvent({
        action: { kind: 'tool_call', tool: 'x', args_digest: 'sha256:given' },
        credential: { token_id: 'jti-123', issued_at: 1_700_000_000_000, expires_at: 1_700_000_600_000, scopes: ['a'], audience: 'api' },
      }),
    );
    expect(row.args_digest).toBe('sha256:given');
    expect(row.credential_token_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('jti-123');
  });

  it('drops the opaque digest state of a risk signal', () => {
    const row = toRiskSignalRow(makeRiskSignal());
    expect(JSON.stringify(row)).not.toContain('OPAQUE-STATE-BLOB');
    expect(row.digest_tools).toEqual(['docs.search']);
  });

  it('maps findings and decisions', () => {
    expect(toFindingRow(makeFinding({ rule_id: 'r1' })).rule_id).toBe('r1');
    expect(toDecisionRow(makeDecisionRecord({ shadow: true })).shadow).toBe(1);
  });

  it.each([
    ['agent_actions', () => toAgentActionRow({ ...makeEvent(), ts: 1_700_000_000 }), /ts/],
    ['agent_actions', () => toAgentActionRow({ ...makeEvent(), event_id: 'not-a-uuid' }), /event_id/],
    ['agent_actions', () => toAgentActionRow({ ...makeEvent(), agent: { id: 'a', type: 't', spiffe_id: 'http://x' } }), /spiffe_id/],
    ['agent_actions', () => toAgentActionRow('"a string"'), /root|expected object/],
    ['findings', () => toFindingRow({ ...makeFinding(), severity: 'apocalyptic' }), /severity/],
    ['risk_signals', () => toRiskSignalRow({ ...makeRiskSignal(), score: 101 }), /score/],
    ['decisions', () => toDecisionRow({ ...makeDecisionRecord(), decision: 'maybe' }), /decision/],
  ])('rejects a bad %s record with a typed error naming the field', (table, map, field) => {
    let err: unknown;
    try {
      map();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RowMappingError);
    expect((err as RowMappingError).table).toBe(table);
    expect((err as RowMappingError).reason).toMatch(field);
  });
});
