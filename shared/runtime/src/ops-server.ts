/**
 * The operations port of the services that have no HTTP API of their own (the session processor
 * and the trace writer): liveness, readiness and Prometheus metrics on one port, for Kubernetes
 * probes and scrapes. The decision API serves the same three paths from its own fastify app.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The paths served; Kubernetes manifests point their probes at these. */
export const OPS_PATHS = { liveness: '/healthz', readiness: '/readyz', metrics: '/metrics' } as const;

/** What /metrics serves. A prom-client Registry has this shape (runtime does not depend on prom-client). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface OpsServerOptions {
  /** 0 = any free port (tests read the bound one from `OpsServer.port`). */
  readonly port: number;
  /** Default: every interface, since the kubelet and Prometheus reach the pod from outside. */
  readonly host?: string;
  readonly metrics: MetricsSource;
  /** Asked on every /readyz: true while the service does its work (200), false otherwise (503). */
  readonly ready: () => boolean;
}

export interface OpsServer {
  /** The port actually bound. */
  readonly port: number;
  close(): Promise<void>;
}

const json = (body: object): string => `${JSON.stringify(body)}\n`;

/**
 * Serves /healthz (200 while the process answers), /readyz (200 or 503 from `ready()`) and
 * /metrics. Started before the slow part of a service's start-up, so a liveness probe does not
 * kill a pod that is still restoring state: that is what /readyz is for.
 */
export async function serveOps(options: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === OPS_PATHS.liveness) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(json({ status: 'ok' }));
    } else if (path === OPS_PATHS.readiness) {
      const ready = options.ready();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(json({ status: ready ? 'ready' : 'not_ready' }));
    } else if (path === OPS_PATHS.metrics) {
      options.metrics.metrics().then(
        (body) => res.writeHead(200, { 'content-type': options.metrics.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
