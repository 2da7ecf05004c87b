/**
 * `<data dir>/instance.json`: which process runs `chainwatch start` on a data directory and where
 * it listens. It keeps a second `start` off a data directory in use (with one line naming the
 * first one), and lets local clients (`simulate`, `replay`) find the server without flags.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ChainwatchError } from '@chainwatch/runtime';

const INSTANCE_FILE = 'instance.json';

const InstanceInfo = z.object({
  pid: z.number().int().positive(),
  started_at: z.string(),
  data_dir: z.string(),
  url: z.url().optional(),
});
export type InstanceInfo = z.infer<typeof InstanceInfo>;

function instanceFilePath(dataDir: string): string {
  return join(resolve(dataDir), INSTANCE_FILE);
}

/** The instance recorded in the data directory, when its process is still alive. */
export function readLiveInstance(dataDir: string): InstanceInfo | null {
  let parsed;
  try {
    parsed = InstanceInfo.safeParse(JSON.parse(readFileSync(instanceFilePath(dataDir), 'utf8')));
  } catch {
    return null;
  }
  return parsed.success && isAlive(parsed.data.pid) ? parsed.data : null;
}

/**
 * The embedded ClickHouse engine writes `status` (with its PID) into its directory and locks it
 * while open; a second process opening it gets a native error on stderr. Reading the PID first
 * turns that into our one-line error. Null when no live process holds it.
 */
export function engineHolder(engineDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(engineDir, 'status'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

export class InstanceFile {
  private constructor(
    private readonly path: string,
    private info: InstanceInfo,
  ) {}

  /**
   * Claims the data directory for this process: fails with CW_DATA_DIR_LOCKED when a live
   * `chainwatch start` recorded itself there, or a live process holds the embedded engine under
   * `engineDir`. A record left by a process that is gone is taken over.
   */
  static claim(dataDir: string, engineDir: string | null): InstanceFile {
    const dir = resolve(dataDir);
    const running = readLiveInstance(dir);
    const fix = `stop it, or give this one its own data directory: CHAINWATCH_DATA_DIR=${dir}-2 npm start -- --port N`;
    if (running && running.pid !== process.pid) {
      throw new ChainwatchError(
        'CW_DATA_DIR_LOCKED',
        `${dir} belongs to chainwatch start (pid ${running.pid}${running.url ? `, listening on ${running.url}` : ''}); ${fix}`,
      );
    }
    const holder = engineHolder(engineDir ?? '');
    if (engineDir !== null && holder !== null && holder !== process.pid) {
      throw new ChainwatchError('CW_DATA_DIR_LOCKED', `${dir}: process ${holder} has its embedded ClickHouse open; ${fix}`);
    }
    const file = new InstanceFile(join(dir, INSTANCE_FILE), { pid: process.pid, started_at: new Date().toISOString(), data_dir: dir });
    file.write();
    return file;
  }

  /** Records where this instance listens (clients read it). */
  announce(url: string): void {
    this.info = { ...this.info, url };
    this.write();
  }

  /** Removes the record if it is still ours. */
  release(): void {
    try {
      const current = InstanceInfo.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (current.success && current.data.pid !== process.pid) return;
    } catch {
      return;
    }
    rmSync(this.path, { force: true });
  }

  private write(): void {
    writeFileSync(this.path, `${JSON.stringify(this.info)}\n`, { mode: 0o644 });
  }
}

/** Whether a process with this id exists (EPERM: it exists, owned by someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
