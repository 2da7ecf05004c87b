/**
 * Whether `chainwatch start` can listen where it was asked to, checked before the store is opened
 * and migrated, so a port in use costs a second and says how to pick another.
 */
import { createServer } from 'node:net';
import { ChainwatchError } from '@chainwatch/runtime';

/** Listens on host:port and closes again; throws the one-line error for a port that cannot be bound. */
export async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const problem = await tryListen(host, port);
  if (problem) throw await listenError(problem, host, port);
}

/** The same one-line errors for a failed listen() (the port can be taken between check and listen). */
export async function listenError(err: NodeJS.ErrnoException, host: string, port: number): Promise<Error> {
  switch (err.code) {
    case 'EADDRINUSE': {
      const free = await nextFreePort(host, port);
      return new ChainwatchError(
        'CW_PORT_IN_USE',
        `${host}:${port} is already taken (another chainwatch start?); start with --port ${free ?? 'N'} or set CHAINWATCH_PORT${free ? ` (${free} is free)` : ''}`,
        { cause: err },
      );
    }
    case 'EACCES':
      return new ChainwatchError('CW_PORT_IN_USE', `no permission to listen on ${host}:${port}; use a port above 1023 with --port`, { cause: err });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ChainwatchError('CW_PORT_IN_USE', `cannot listen on ${host}: not an address of this machine; use --host 127.0.0.1 (or 0.0.0.0 for every interface)`, { cause: err });
    default:
      return err;
  }
}

function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

async function nextFreePort(host: string, port: number): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(port + 20, 65_535); candidate++) {
    if ((await tryListen(host, candidate)) === null) return candidate;
  }
  return undefined;
}
