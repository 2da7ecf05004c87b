import { describe, expect, it } from 'vitest';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { InProcessView } from '@chainwatch/decision-api';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { SessionProcessor, attachProcessorToLocalLog, localLogSink } from '@chainwatch/session-processor';
import { makeEvent } from '@chainwatch/testing';

// The all-in-one wiring of `chainwatch start`: under continuous ingestion the actions topic is
// never empty, so the decision API's view must count as current because the processor reports
// each handled batch, not only when the backlog happens to be zero.
describe('attachProcessorToLocalLog', () => {
  it('reports each handled batch, so an in-process view is fresh while records are still pending', async () => {
    const engine = createDetectionEngine(loadDefaultPolicy());
    const log = new MemoryLog();
    const neverCaughtUp = () => false;
    const view = new InProcessView(engine, { caughtUp: neverCaughtUp });
    expect(view.ready()).toBe(false);

    const processor = new SessionProcessor({ engine, sink: localLogSink(log), logger: createLogger({ name: 'test', level: 'silent' }), punctuateIntervalMs: 0 });
    const reported: number[] = [];
    const sub = await attachProcessorToLocalLog(log, processor, {
      onProcessed: (now) => {
        reported.push(now);
        view.markFresh(now);
      },
    });
    const event = makeEvent({ session_id: 'sess-live' });
    await log.publish(TOPICS.actions, [{ key: event.trace_id, value: JSON.stringify(event) }]);
    await log.idle();

    expect(reported.length).toBeGreaterThanOrEqual(1);
    expect(view.ready()).toBe(true);
    expect(view.ageMs(reported.at(-1)! + 5)).toBe(5);
    expect(engine.signal('sess-live')?.seq).toBe(1);
    await sub.close();
  });
});
