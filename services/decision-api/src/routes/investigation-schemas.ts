/**
 * What the investigation endpoints answer, as zod schemas for the OpenAPI document. The store's
 * TypeScript types must stay assignable to them (checked below at compile time), and a test
 * parses real answers with them, so the document cannot drift from the code.
 */
import { z } from 'zod';
import type { FindingsPage, Timeline, TraceGraph } from '@chainwatch/clickhouse';

const ts = z.number().int().nonnegative().meta({ description: 'Epoch milliseconds' });

export const TimelineItem = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('action'),
    ts,
    id: z.string().meta({ description: 'event_id' }),
    agent_id: z.string(),
    agent_type: z.string(),
    action_kind: z.string(),
    tool: z.string(),
    operation: z.string(),
    resource: z.string(),
    data_class: z.string(),
    destination: z.string(),
    outcome: z.string(),
    args_digest: z.string().meta({ description: 'Digest of the tool arguments; the arguments themselves are never stored' }),
  }),
  z.object({
    kind: z.literal('finding'),
    ts,
    id: z.string().meta({ description: 'finding_id' }),
    detector: z.string(),
    rule_id: z.string().meta({ description: 'See docs/rules.md for every rule id' }),
    severity: z.string(),
    confidence: z.number(),
    message: z.string(),
    evidence_event_ids: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('decision'),
    ts,
    id: z.string().meta({ description: 'decision_id' }),
    decision: z.string(),
    enforced: z.string(),
    score: z.number(),
    level: z.string(),
    tool: z.string().nullable(),
    shadow: z.boolean(),
  }),
]);

export const TimelineResponse = z
  .object({
    session_id: z.string(),
    from: ts,
    to: ts,
    items: z.array(TimelineItem).meta({ description: 'Actions, findings and decisions in time order' }),
    truncated: z.boolean().meta({ description: 'More items exist in the range than `limit`' }),
  })
  .meta({ id: 'SessionTimeline' });

export const TraceGraphResponse = z
  .object({
    trace_id: z.string(),
    nodes: z.array(
      z.object({
        id: z.string().meta({ description: 'session_id' }),
        title: z.string().meta({ description: 'agent type' }),
        subTitle: z.string().meta({ description: 'agent id' }),
        mainStat: z.number().nullable().meta({ description: 'latest risk score' }),
        secondaryStat: z.string().meta({ description: 'latest level' }),
        detail__agent_id: z.string(),
        detail__events: z.number(),
        detail__first_ts: ts,
        detail__last_ts: ts,
        detail__parent_session_id: z.string(),
      }),
    ),
    edges: z.array(z.object({ id: z.string(), source: z.string(), target: z.string() })),
  })
  .meta({ id: 'TraceGraph', description: 'Grafana Node Graph frames: one node per session, one edge per observed delegation' });

export const StoredFinding = z
  .object({
    finding_id: z.string(),
    ts,
    session_id: z.string(),
    trace_id: z.string(),
    agent_type: z.string(),
    detector: z.string(),
    rule_id: z.string().meta({ description: 'See docs/rules.md for every rule id' }),
    rule_version: z.number().int(),
    severity: z.string(),
    confidence: z.number(),
    message: z.string(),
    evidence_event_ids: z.array(z.string()),
    tags: z.array(z.string()),
  })
  .meta({ id: 'StoredFinding' });

export const FindingsPageResponse = z
  .object({
    items: z.array(StoredFinding).meta({ description: 'Newest first' }),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next (older) page; null on the last page' }),
  })
  .meta({ id: 'FindingsPage' });

// Compile-time: what the store returns fits what the document promises.
type Fits<Actual, Documented> = Actual extends Documented ? true : never;
export const STORE_TYPES_FIT: [
  Fits<Timeline, z.output<typeof TimelineResponse>>,
  Fits<TraceGraph, z.output<typeof TraceGraphResponse>>,
  Fits<FindingsPage, z.output<typeof FindingsPageResponse>>,
] = [true, true, true];
