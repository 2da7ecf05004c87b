/**
 * infra/k8s, infra/Dockerfile and infra/docker-compose.yml checked against the services' code
 * (no cluster here: this test is the validation). The checks live in manifest-checks.ts; the
 * second half breaks the manifests one way at a time and expects each break to be reported.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessView } from '@chainwatch/decision-api';
import { serveOps, type OpsServer } from '@chainwatch/runtime';
import { REPO_ROOT, runCli } from '../cli/run-cli';
import { FakeEngine } from '../decision-api/fake-engine';
import { buildHarness, type Harness } from '../decision-api/harness';
import { findProblems, type CheckContext, type ManifestFiles } from './manifest-checks';

const K8S_DIR = join(REPO_ROOT, 'infra', 'k8s');

function repoFiles(): ManifestFiles {
  return {
    k8s: new Map(readdirSync(K8S_DIR).map((f) => [f, readFileSync(join(K8S_DIR, f), 'utf8')])),
    dockerfile: readFileSync(join(REPO_ROOT, 'infra', 'Dockerfile'), 'utf8'),
    compose: readFileSync(join(REPO_ROOT, 'infra', 'docker-compose.yml'), 'utf8'),
    repoHas: (path) => existsSync(join(REPO_ROOT, path)),
    pinnedNode: (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.node,
  };
}

let ctx: CheckContext;
let ops: OpsServer | null = null;
const apis: Harness[] = [];

beforeAll(async () => {
  // The commands the real CLI offers, from its own usage text.
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  const cliCommands = new Set([...help.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1] as string));
  expect(cliCommands).toContain('processor');

  // The processor's and the trace writer's operations port (the helper both serve it with).
  let opsReady = false;
  ops = await serveOps({ port: 0, host: '127.0.0.1', metrics: { contentType: 'text/plain', metrics: async () => '' }, ready: () => opsReady });
  const opsPort = ops.port;
  const opsResponder = async (path: string, ready: boolean): Promise<number> => {
    opsReady = ready;
    return (await fetch(`http://127.0.0.1:${opsPort}${path}`)).status;
  };
  // The decision API's own routes, without a token (as the kubelet calls them): a view that never
  // caught up, and one that has.
  const engine = new FakeEngine();
  const notReadyApi = await buildHarness(engine, {}, new InProcessView(engine, { caughtUp: () => false }));
  const readyApi = await buildHarness(engine, {}, new InProcessView(engine, { caughtUp: () => true }));
  apis.push(notReadyApi, readyApi);
  const apiResponder = async (path: string, ready: boolean): Promise<number> =>
    (await (ready ? readyApi : notReadyApi).api.app.inject({ method: 'GET', url: path })).statusCode;

  ctx = { cliCommands, responders: { processor: opsResponder, 'trace-writer': opsResponder, 'decision-api': apiResponder } };
});

afterAll(async () => {
  await ops?.close();
  await Promise.all(apis.map((a) => a.close()));
});

describe('infra/k8s manifests agree with the code', () => {
  it('every Deployment, the kustomization, the Dockerfile and docker-compose.yml pass every check', async () => {
    expect(await findProblems(repoFiles(), ctx)).toEqual([]);
  });

  it('the kustomization applies the example secrets never, and every other manifest', () => {
    const files = repoFiles();
    const kustomization = files.k8s.get('kustomization.yaml') ?? '';
    expect([...files.k8s.keys()].filter((f) => f.endsWith('.example.yaml'))).toEqual(['secrets.example.yaml']);
    expect(kustomization).not.toMatch(/^\s*-\s*\S*\.example\.yaml/m);
  });
});

/** One deliberate break: replace `from` (which must occur exactly once) with `to` in `file`. */
interface Break {
  readonly what: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** The problem the checks must report. */
  readonly expect: RegExp;
}

const BREAKS: readonly Break[] = [
  // the command
  { what: 'a misspelt command', file: 'processor.yaml', from: 'args: [processor]', to: 'args: [procesor]', expect: /'procesor' is not a chainwatch command/ },
  { what: 'a CLI command that is not a service', file: 'trace-writer.yaml', from: 'args: [trace-writer]', to: 'args: [migrate]', expect: /'migrate' is not one of the services/ },
  { what: 'a command replacing the entrypoint', file: 'processor.yaml', from: 'args: [processor]', to: 'command: [chainwatch]\n          args: [processor]', expect: /sets command, replacing the image's ENTRYPOINT/ },
  // env names
  { what: 'an unknown inline variable', file: 'processor.yaml', from: '- name: PROCESSOR_PARTITIONS', to: '- name: PROCESSOR_PARTITION', expect: /env PROCESSOR_PARTITION is not a variable chainwatch processor knows/ },
  { what: "another service's variable set inline", file: 'processor.yaml', from: '- name: PROCESSOR_PARTITIONS', to: '- name: TRACE_WRITER_BATCH_MAX_ROWS', expect: /env TRACE_WRITER_BATCH_MAX_ROWS is not a variable chainwatch processor knows/ },
  { what: 'an unknown ConfigMap variable', file: 'configmap.yaml', from: '  LOG_LEVEL: info', to: '  LOGLEVEL: info', expect: /env LOGLEVEL is not a variable any chainwatch service knows/ },
  { what: 'an unknown Secret key via envFrom', file: 'trace-writer.yaml', from: '            - configMapRef:\n                name: chainwatch-env', to: '            - configMapRef:\n                name: chainwatch-env\n            - secretRef:\n                name: chainwatch-jwks', expect: /env jwks\.json is not a variable any chainwatch service knows/ },
  // env values, through the real loaders
  { what: 'a value the loader refuses', file: 'processor.yaml', from: 'value: "6"', to: 'value: "six"', expect: /environment does not load: .*PROCESSOR_PARTITIONS/ },
  { what: 'an unquoted number (Kubernetes wants strings)', file: 'processor.yaml', from: 'value: "6"', to: 'value: 6', expect: /Deployment: .*env.*expected string/ },
  { what: 'no JWKS for the decision API', file: 'decision-api.yaml', from: '- name: JWT_JWKS_FILE', to: '- name: JWT_JWKS_FILEX', expect: /environment does not load: .*JWT_JWKS_FILE/ },
  { what: 'the loopback default broker', file: 'configmap.yaml', from: 'KAFKA_BROKERS: kafka-bootstrap.kafka.svc.cluster.local:9092', to: 'KAFKA_BROKERS: 127.0.0.1:9092', expect: /KAFKA_BROKERS 127\.0\.0\.1:9092 is loopback/ },
  { what: 'the decision API on loopback', file: 'decision-api.yaml', from: 'value: 0.0.0.0', to: 'value: 127.0.0.1', expect: /listens on 127\.0\.0\.1/ },
  { what: 'a Secret key that does not exist', file: 'trace-writer.yaml', from: 'key: CLICKHOUSE_PASSWORD', to: 'key: PASSWORD', expect: /Secret chainwatch-clickhouse key PASSWORD is not in the example secrets/ },
  { what: 'more processors than partitions', file: 'processor.yaml', from: 'value: "6"', to: 'value: "2"', expect: /3 replicas but only 2 partitions/ },
  // ports and paths
  { what: 'the ops port moved without the probes', file: 'processor.yaml', from: 'value: "9465"', to: 'value: "9466"', expect: /livenessProbe port ops \(9465\) is not the port it listens on \(9466\)/ },
  { what: 'a probe on a numeric wrong port', file: 'trace-writer.yaml', from: 'readinessProbe:\n            httpGet: { path: /readyz, port: ops }', to: 'readinessProbe:\n            httpGet: { path: /readyz, port: 9465 }', expect: /readinessProbe port 9465 \(9465\) is not the port it listens on \(9464\)/ },
  { what: 'a path the service does not serve', file: 'processor.yaml', from: 'livenessProbe:\n            httpGet: { path: /healthz, port: ops }', to: 'livenessProbe:\n            httpGet: { path: /health, port: ops }', expect: /livenessProbe path \/health answers 404/ },
  { what: 'liveness on the readiness path', file: 'decision-api.yaml', from: 'livenessProbe:\n            httpGet: { path: /healthz, port: http }', to: 'livenessProbe:\n            httpGet: { path: /readyz, port: http }', expect: /livenessProbe path \/readyz answers 503 before ready/ },
  { what: 'readiness on the liveness path', file: 'trace-writer.yaml', from: 'readinessProbe:\n            httpGet: { path: /readyz, port: ops }', to: 'readinessProbe:\n            httpGet: { path: /healthz, port: ops }', expect: /readinessProbe path \/healthz answers 200 before ready/ },
  { what: 'no readiness probe', file: 'processor.yaml', from: 'readinessProbe:', to: 'readinessProbeX:', expect: /container processor: no readinessProbe/ },
  { what: 'a Service targeting the wrong port', file: 'decision-api.yaml', from: 'targetPort: http', to: 'targetPort: 9090', expect: /Service decision-api port 8080 targets 9090/ },
  // resources, security, shutdown
  { what: 'no memory limit', file: 'trace-writer.yaml', from: '              memory: 512Mi', to: '', expect: /resources need requests\.cpu, requests\.memory and limits\.memory/ },
  { what: 'root allowed', file: 'processor.yaml', from: 'runAsNonRoot: true', to: 'runAsNonRoot: false', expect: /runAsNonRoot must be true/ },
  { what: 'a user other than the image', file: 'decision-api.yaml', from: 'runAsUser: 1000', to: 'runAsUser: 2000', expect: /runAsUser 2000 is not the image's user 1000/ },
  { what: 'a writable root filesystem', file: 'decision-api.yaml', from: 'readOnlyRootFilesystem: true', to: 'readOnlyRootFilesystem: false', expect: /readOnlyRootFilesystem must be true/ },
  { what: 'privilege escalation', file: 'trace-writer.yaml', from: 'allowPrivilegeEscalation: false', to: 'allowPrivilegeEscalation: true', expect: /allowPrivilegeEscalation must be false/ },
  { what: 'capabilities kept', file: 'processor.yaml', from: 'drop: [ALL]', to: 'drop: [NET_RAW]', expect: /capabilities must drop ALL/ },
  { what: 'the trace writer on the embedded engine, read-only', file: 'configmap.yaml', from: '  CLICKHOUSE_URL: http://clickhouse.clickhouse.svc.cluster.local:8123\n', to: '', expect: /trace-writer: writes \/app\/data\/clickhouse on a read-only root filesystem/ },
  { what: 'the JWKS file not mounted', file: 'decision-api.yaml', from: 'value: /etc/chainwatch/jwks/jwks.json', to: 'value: /etc/chainwatch/keys/jwks.json', expect: /reads \/etc\/chainwatch\/keys\/jwks\.json, which is neither mounted nor in the image/ },
  { what: 'a grace period shorter than the shutdown', file: 'processor.yaml', from: 'terminationGracePeriodSeconds: 45', to: 'terminationGracePeriodSeconds: 10', expect: /terminationGracePeriodSeconds 10 is shorter than its shutdown needs \(25 s\)/ },
  { what: 'service links on', file: 'decision-api.yaml', from: 'enableServiceLinks: false', to: 'enableServiceLinks: true', expect: /enableServiceLinks must be false/ },
  { what: 'no PodDisruptionBudget', file: 'trace-writer.yaml', from: 'kind: PodDisruptionBudget', to: 'kind: ConfigMapX', expect: /Deployment trace-writer: no PodDisruptionBudget selects its pods/ },
  { what: 'a budget that blocks every drain', file: 'processor.yaml', from: 'maxUnavailable: 1\n  selector', to: 'maxUnavailable: 0\n  selector', expect: /PodDisruptionBudget must allow between 1 and replicas-1 pods down \(allows 0\)/ },
  // the kustomization and the image
  { what: 'the example secrets applied', file: 'kustomization.yaml', from: '  - configmap.yaml', to: '  - configmap.yaml\n  - secrets.example.yaml', expect: /lists secrets\.example\.yaml: example secrets must never be applied/ },
  { what: 'a missing resource file', file: 'kustomization.yaml', from: '  - configmap.yaml', to: '  - configmap.yaml\n  - network-policy.yaml', expect: /lists network-policy\.yaml, which does not exist/ },
  { what: 'a manifest left out', file: 'kustomization.yaml', from: '  - trace-writer.yaml\n', to: '', expect: /does not list trace-writer\.yaml[\s\S]*no Deployment runs chainwatch trace-writer/ },
  { what: 'an image the override misses', file: 'processor.yaml', from: 'image: chainwatch', to: 'image: chainwatch-processor', expect: /image chainwatch-processor is not in kustomization\.yaml images/ },
  { what: 'npx as entrypoint', file: 'Dockerfile', from: 'ENTRYPOINT ["/app/node_modules/.bin/node",', to: 'ENTRYPOINT ["npx", "node",', expect: /ENTRYPOINT starts npx/ },
  { what: 'the sources through tsx', file: 'Dockerfile', from: '"services/cli/dist/main.js"]', to: '"--import", "tsx", "services/cli/src/main.ts"]', expect: /does not run the built chainwatch CLI/ },
  { what: 'an image that does not build', file: 'Dockerfile', from: 'npm ci --include=dev && npm run build &&', to: 'npm ci --include=dev &&', expect: /must build the services/ },
  { what: 'a base image on another Node major', file: 'Dockerfile', from: 'FROM node:24-bookworm-slim', to: 'FROM node:20-bookworm-slim', expect: /base image runs Node 20, but package.json pins Node 24/ },
  { what: 'an image running as root', file: 'Dockerfile', from: 'USER 1000:1000', to: 'USER root', expect: /USER must be a numeric non-root uid/ },
  // docker compose
  { what: 'an unknown compose variable', file: 'docker-compose.yml', from: '      JWT_ISSUER: https://issuer.example.org', to: '      JWT_ISUER: https://issuer.example.org', expect: /service decision-api: environment JWT_ISUER is not a variable/ },
  { what: 'a compose API bound to loopback', file: 'docker-compose.yml', from: '      DECISION_API_HOST: 0.0.0.0\n', to: '', expect: /docker-compose\.yml: service decision-api: listens on 127\.0\.0\.1/ },
];

function broken(b: Break): ManifestFiles {
  const files = repoFiles();
  const replace = (text: string): string => {
    const count = text.split(b.from).length - 1;
    if (count !== 1) throw new Error(`break '${b.what}': '${b.from}' occurs ${count} times in ${b.file}`);
    return text.replace(b.from, b.to);
  };
  if (b.file === 'Dockerfile') return { ...files, dockerfile: replace(files.dockerfile) };
  if (b.file === 'docker-compose.yml') return { ...files, compose: replace(files.compose) };
  const k8s = new Map(files.k8s);
  k8s.set(b.file, replace(k8s.get(b.file) ?? ''));
  return { ...files, k8s };
}

describe('each check fails on a manifest broken on purpose', () => {
  it.each(BREAKS.map((b) => [b.what, b] as const))('%s', async (_what, b) => {
    const problems = await findProblems(broken(b), ctx);
    expect(problems.join('\n')).toMatch(b.expect);
  });
});
