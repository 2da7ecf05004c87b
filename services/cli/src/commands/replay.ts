/**
 * `chainwatch replay FILE`: streams an NDJSON file of AgentActionEvents into a running Chainwatch
 * through POST {url}/v1/events, in batches, with a progress line and a summary of accepted and
 * rejected lines (rejections carry file line numbers).
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ChainwatchError, retry, retryAfterMs, type RetryPolicy } from '@chainwatch/runtime';
import { assertInputFile } from './input-file';

const ReplayOptions = z
  .object({
    file: z.string().min(1),
    /** Base URL of the decision API / `chainwatch start`, e.g. http://127.0.0.1:8080. */
    url: z.url(),
    /** Bearer token with role enforcer; sent, never printed. */
    token: z.string().min(1).optional(),
    batchLines: z.number().int().min(1).max(100_000).default(1000),
    /** A batch is also cut before it exceeds this many bytes (keep under the server's body limit). */
    batchBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(512 * 1024),
    /** How many rejections the summary lists (all are counted). */
    maxRejections: z.number().int().min(0).max(100_000).default(20),
    /** Attempts per batch on 429 / 503 / network errors before giving up. */
    maxAttempts: z.number().int().min(1).max(100).default(8),
    /** At most one progress report per this many ms (a TTY bar wants them often, a log rarely). */
    progressIntervalMs: z.number().int().min(0).max(60_000).default(1000),
  })
  .strict();
export type ReplayOptionsInput = z.input<typeof ReplayOptions>;

export interface ReplayProgress {
  readonly lines: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Lines per second since the start. */
  readonly rate: number;
  readonly elapsedMs: number;
  /** Bytes of the file read so far, and its size (for a progress bar). */
  readonly bytesRead: number;
  readonly totalBytes: number;
}

export interface ReplaySummary {
  /** Non-blank lines sent. */
  readonly lines: number;
  readonly accepted: number;
  readonly rejected: number;
  /** The first `maxRejections` rejections, with 1-based line numbers in the file. */
  readonly rejections: readonly { line: number; error: string }[];
  readonly elapsedMs: number;
}

const BatchAnswer = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.array(z.object({ line: z.number().int().positive(), error: z.string() }).loose()).default([]),
});


export async function runReplay(
  input: ReplayOptionsInput & { onProgress?: (p: ReplayProgress) => void },
): Promise<ReplaySummary> {
  const { onProgress, ...rest } = input;
  const o = ReplayOptions.parse(rest);
  assertInputFile(o.file, 'an NDJSON file', 'give the path of an NDJSON file of AgentActionEvents (one JSON object per line)');
  const totalBytes = statSync(o.file).size;
  let bytesRead = 0;
  const endpoint = new URL('/v1/events', o.url).toString();
  const started = Date.now();
  let lines = 0;
  let accepted = 0;
  let rejected = 0;
  const rejections: { line: number; error: string }[] = [];
  let lastProgress = 0;

  const progress = (force: boolean): void => {
    const now = Date.now();
    if (!onProgress || (!force && now - lastProgress < o.progressIntervalMs)) return;
    lastProgress = now;
    const elapsedMs = now - started;
    onProgress({ lines, accepted, rejected, rate: elapsedMs > 0 ? (lines * 1000) / elapsedMs : 0, elapsedMs, bytesRead, totalBytes });
  };

  let batch: string[] = [];
  let batchFileLines: number[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const answer = await postBatch(endpoint, o.token, `${batch.join('\n')}\n`, o.maxAttempts);
    lines += batch.length;
    accepted += answer.accepted;
    rejected += answer.rejected.length;
    for (const r of answer.rejected) {
      if (rejections.length >= o.maxRejections) break;
      rejections.push({ line: batchFileLines[r.line - 1] ?? -1, error: r.error });
    }
    batch = [];
    batchFileLines = [];
    batchBytes = 0;
    progress(false);
  };

  const reader = createInterface({ input: createReadStream(o.file), crlfDelay: Infinity });
  let fileLine = 0;
  for await (const line of reader) {
    fileLine++;
    const size = Buffer.byteLength(line) + 1;
    bytesRead += size;
    if (line.trim().length === 0) continue;
    if (batch.length > 0 && (batch.length >= o.batchLines || batchBytes + size > o.batchBytes)) await flush();
    batch.push(line);
    batchFileLines.push(fileLine);
    batchBytes += size;
  }
  await flush();
  bytesRead = totalBytes;
  progress(true);
  return { lines, accepted, rejected, rejections, elapsedMs: Date.now() - started };
}

/** Network errors, 429 and 503 are tried again (Retry-After honoured, at most REPLAY_RETRY.maxMs); other answers are final. */
const REPLAY_RETRY: RetryPolicy = { attempts: 8, initialMs: 250, factor: 2, maxMs: 10_000, jitter: 0 };

async function postBatch(endpoint: string, token: string | undefined, body: string, maxAttempts: number): Promise<z.infer<typeof BatchAnswer>> {
  let res: Response;
  try {
    res = await retry(
      () => fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body }),
      {
        policy: { ...REPLAY_RETRY, attempts: maxAttempts },
        failed: (r) => r.status === 429 || r.status === 503,
        delayOf: (failure) => (failure instanceof Response ? retryAfterMs(failure.headers.get('retry-after')) : undefined),
        onRetry: (failure) => void (failure instanceof Response ? failure.body?.cancel().catch(() => undefined) : undefined),
      },
    );
  } catch (err) {
    throw new ChainwatchError('CW_SERVER_UNREACHABLE', `${endpoint} stopped answering (${err instanceof Error ? err.message : String(err)}); is Chainwatch still running?`);
  }
  const text = await res.text();
  // 400 with `rejected` = a batch in which no line was valid: still an answer.
  if (res.ok || res.status === 400) {
    const parsed = BatchAnswer.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
  }
  const detail = errorMessage(text);
  throw new ChainwatchError(
    'CW_INVALID_REQUEST',
    `${endpoint} answered ${res.status}${detail ? `: ${detail}` : ''}${res.status === 413 ? ' (use a smaller --batch-lines)' : ''}`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorMessage(text: string): string {
  const parsed = z.object({ error: z.object({ message: z.string() }) }).safeParse(safeJson(text));
  return parsed.success ? parsed.data.error.message.slice(0, 200) : '';
}
