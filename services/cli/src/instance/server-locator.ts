/**
 * Where a local client (`simulate`, `replay`) finds Chainwatch: `--url`, else `CHAINWATCH_URL`,
 * else the URL a live `chainwatch start` recorded in the data directory, else the default
 * address. The answer says where it came from, so "cannot reach" can name it.
 */
import { ChainwatchError } from '@chainwatch/runtime';
import { readLiveInstance } from './instance-file';

const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface ServerLocation {
  readonly url: string;
  /** `--url`, `CHAINWATCH_URL`, `<dir>/instance.json` or `default`. */
  readonly source: string;
}

export function locateServer(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): ServerLocation {
  if (explicit) return { url: explicit, source: '--url' };
  if (env.CHAINWATCH_URL) return { url: env.CHAINWATCH_URL, source: 'CHAINWATCH_URL' };
  const dataDir = env.CHAINWATCH_DATA_DIR ?? './data';
  const running = readLiveInstance(dataDir);
  if (running?.url) return { url: running.url, source: `${dataDir}/instance.json` };
  return { url: DEFAULT_URL, source: 'default' };
}

/** Fails with one line (where it looked, how to fix it) unless GET /healthz answers. */
export async function assertReachable(location: ServerLocation, timeoutMs = 5000): Promise<void> {
  let health: URL;
  try {
    health = new URL('/healthz', location.url);
  } catch {
    throw new ChainwatchError('CW_SERVER_UNREACHABLE', `${location.url} (from ${location.source}) is not a URL; pass --url http://HOST:PORT`);
  }
  try {
    const res = await fetch(health, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    if (res.ok) return;
    throw new ChainwatchError('CW_SERVER_UNREACHABLE', `${health.toString()} answered ${res.status}: is that a Chainwatch? Pass --url or set CHAINWATCH_URL`);
  } catch (err) {
    if (err instanceof ChainwatchError) throw err;
    const where = location.source === 'default' ? 'the default address; no CHAINWATCH_URL and no running chainwatch start in the data directory' : location.source;
    throw new ChainwatchError(
      'CW_SERVER_UNREACHABLE',
      `nothing answers at ${location.url} (${where}): start it with \`npm start\`, or pass --url / set CHAINWATCH_URL`,
      { cause: err },
    );
  }
}
