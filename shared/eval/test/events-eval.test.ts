import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { generateCorpus } from '@chainwatch/simulator';
import { NdjsonError, loadEventLabels, replayEvents, runEventsEval, scoreEvents } from '../src/events-eval';

const nd = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

function engine() {
  const { policy, rules } = loadDefaultPolicy();
  return createDetectionEngine({ policy, rules });
}

function corpusFiles(traces: number, seed: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cw-events-eval-'));
  const c = generateCorpus({ seed, traces, suite: 'enterprise', attackRate: 0.4 });
  writeFileSync(join(dir, 'events.ndjson'), nd(c.events));
  writeFileSync(join(dir, 'labels.ndjson'), nd(c.labels));
  return { dir, corpus: c };
}

describe('eval --events', () => {
  it('assesses each event before observing it, scores labelled sessions, and writes the JSON and per-session files', () => {
    const { dir, corpus } = corpusFiles(120, 'eval-events-test');
    const lines: string[] = [];
    const r = runEventsEval({
      events: join(dir, 'events.ndjson'),
      labels: join(dir, 'labels.ndjson'),
      engine: engine(),
      json: join(dir, 'out.json'),
      sessions: join(dir, 'sessions.ndjson'),
      log: (l) => lines.push(l),
    });
    expect(r.positive.n).toBe(corpus.labels.filter((l) => l.positive).length);
    expect(r.positive.n).toBeGreaterThan(10);
    expect(r.positive.rate).toBeGreaterThanOrEqual(0.9);
    expect(r.benign.rate).toBeLessThanOrEqual(0.02);
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['benign', 'kinds', 'positive']);
    expect(json.positive).toEqual({ n: r.positive.n, flagged: r.positive.flagged, rate: r.positive.rate });
    const sessions = readFileSync(join(dir, 'sessions.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { session_id: string; flagged: boolean; first_flagged_index: number | null; rule_ids: string[] });
    expect(sessions.length).toBe(new Set(corpus.events.map((e) => e.session_id)).size);
    for (const s of sessions) expect(s.flagged).toBe(s.first_flagged_index !== null);
    expect(lines.some((l) => l.includes('positive sessions flagged'))).toBe(true);
  });

  it('counts a flag only at or before the harmful event the label names', () => {
    const { corpus } = corpusFiles(60, 'eval-events-harm');
    const outcomes = replayEvents(engine(), corpus.events);
    const positive = corpus.labels.find((l) => l.positive && l.harmful_event_id !== undefined)!;
    const o = outcomes.get(positive.session_id)!;
    expect(o.flagged).toBe(true);
    const ids = corpus.events.filter((e) => e.session_id === positive.session_id).map((e) => e.event_id);
    const harmIndex = ids.indexOf(positive.harmful_event_id!);
    expect(o.first_flagged_index).toBeLessThanOrEqual(harmIndex);
    // The same session, labelled with an earlier "harmful" event than the first flag: not in time.
    if ((o.first_flagged_index ?? 0) > 0) {
      const early = scoreEvents(outcomes, [{ ...positive, harmful_event_id: ids[0]! }], corpus.events);
      expect(early.positive.flagged).toBe(0);
    }
    const inTime = scoreEvents(outcomes, [positive], corpus.events);
    expect(inTime.positive.flagged).toBe(1);
  });

  it('rejects a bad line with the file, line and reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-events-bad-'));
    writeFileSync(join(dir, 'labels.ndjson'), nd([{ session_id: 's', positive: true, kind: 'x' }]) + '{"session_id": 3}\n');
    expect(() => loadEventLabels(join(dir, 'labels.ndjson'))).toThrow(NdjsonError);
    expect(() => loadEventLabels(join(dir, 'labels.ndjson'))).toThrow(/labels\.ndjson:2: session_id/);
    expect(() => loadEventLabels(join(dir, 'missing.ndjson'))).toThrow(/cannot read \(ENOENT\)/);
  });
});
