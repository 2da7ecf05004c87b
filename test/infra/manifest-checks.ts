/**
 * Checks of the Kubernetes manifests (infra/k8s), the image they run (infra/Dockerfile) and the
 * compose file, against the services' real code: their CLI commands, config schemas and loaders,
 * listening ports and operations paths. No cluster involved: this is what stands in for one.
 *
 * `findProblems` returns one line per problem (empty = valid), so a test can break a manifest on
 * purpose and see which check catches it.
 */
import { posix } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadDecisionApiConfig, DecisionApiEnv } from '@chainwatch/decision-api';
import { ClickHouseConfigSchema, parseClickHouseConfig } from '@chainwatch/clickhouse';
import { PolicyFilesEnv, parseConfig, policyFilesOf } from '@chainwatch/runtime';
import { PROCESSOR_DEFAULTS, ProcessorServiceEnv, loadProcessorServiceConfig } from '@chainwatch/session-processor';
import { TraceWriterConfigSchema, loadTraceWriterConfig } from '@chainwatch/trace-writer';

type Env = Record<string, string>;
type ServiceCommand = 'processor' | 'decision-api' | 'trace-writer';

/** Status a service answers on `path`, while not ready or ready (the real handlers). */
type Responder = (path: string, ready: boolean) => Promise<number>;

/** What a service does under one environment, from its real config loaders. */
interface LoadedService {
  /** The port its probes must use: the ops port, or the API port. */
  readonly port: number;
  /** Interface it binds; undefined = all interfaces. */
  readonly host?: string;
  readonly brokers: readonly string[];
  /** Directories it writes into. */
  readonly writes: readonly string[];
  /** Files it reads that must come from the pod (mounted) or from the image. */
  readonly reads: readonly string[];
  /** More replicas than this do nothing (consumer group members beyond the partition count). */
  readonly maxUsefulReplicas?: number;
}

interface ServiceSpec {
  /** The variables it knows: the `.shape` keys of its zod schemas. */
  readonly schemas: readonly { readonly shape: object }[];
  /** Runs the service's real loaders (they throw ConfigError on a bad environment). */
  load(env: Env): LoadedService;
  /** Shortest grace period that covers its graceful shutdown (comments in infra/k8s say why). */
  readonly minGraceSeconds: number;
}

/** The policy files it loads (PolicyFilesEnv, what every service reads them with); none = the shipped ones. */
const policyReads = (env: Env): string[] => {
  const p = policyFilesOf(parseConfig(PolicyFilesEnv, env));
  return [...(p.catalog ? [p.catalog] : []), ...(p.policy ? [p.policy] : []), ...(p.rules ?? [])];
};

/**
 * The three long-running commands. Grace periods: the processor's final commit is bounded by its
 * runner's shutdown timeout (PROCESSOR_DEFAULTS.shutdownTimeoutMs) plus leaving the group; the trace writer's
 * in-flight insert by the ClickHouse client's 30 s request timeout; the decision API drains
 * in-flight requests and flushes its decision log.
 */
const SERVICES: Readonly<Record<ServiceCommand, ServiceSpec>> = {
  processor: {
    schemas: [ProcessorServiceEnv],
    minGraceSeconds: PROCESSOR_DEFAULTS.shutdownTimeoutMs / 1000 + 10,
    load(env) {
      const config = loadProcessorServiceConfig(env);
      return { port: config.PROCESSOR_METRICS_PORT, brokers: config.KAFKA_BROKERS, writes: [], reads: policyReads(env), maxUsefulReplicas: config.PROCESSOR_PARTITIONS };
    },
  },
  'decision-api': {
    schemas: [DecisionApiEnv, ClickHouseConfigSchema],
    minGraceSeconds: 15,
    load(env) {
      const config = loadDecisionApiConfig(env);
      parseClickHouseConfig(env);
      return {
        port: config.DECISION_API_PORT,
        host: config.DECISION_API_HOST,
        brokers: config.KAFKA_BROKERS,
        writes: [],
        reads: [...policyReads(env), ...(config.JWT_JWKS_FILE ? [config.JWT_JWKS_FILE] : [])],
      };
    },
  },
  'trace-writer': {
    schemas: [TraceWriterConfigSchema, ClickHouseConfigSchema],
    minGraceSeconds: 30 + 10,
    load(env) {
      const config = loadTraceWriterConfig(env);
      // Without a server URL the writer runs the embedded engine in its data directory.
      return { port: config.metricsPort, brokers: config.brokers, writes: config.clickhouse.url ? [] : [config.clickhouse.dataDir], reads: [] };
    },
  },
};

/** Variables the Node runtime itself reads (heap sizing for the decision API: infra/k8s/decision-api.yaml). */
const NODE_RUNTIME_VARIABLES = ['NODE_OPTIONS'] as const;
const namesOf = (spec: ServiceSpec): Set<string> => new Set([...spec.schemas.flatMap((s) => Object.keys(s.shape)), ...NODE_RUNTIME_VARIABLES]);
/** Every variable some Chainwatch service knows. */
const ALL_KNOWN: ReadonlySet<string> = new Set(Object.values(SERVICES).flatMap((s) => [...namesOf(s)]));

// ---- the shapes we read from the YAML (zod: a wrong type is a problem, not a crash) ----

const Labels = z.record(z.string(), z.string());
const Meta = z.object({ name: z.string(), namespace: z.string().optional(), labels: Labels.optional() });
const PortRef = z.union([z.number().int(), z.string()]);
const Probe = z.object({ httpGet: z.object({ path: z.string(), port: PortRef }).optional() });
const Security = z.object({
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.number().int().optional(),
  runAsGroup: z.number().int().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  capabilities: z.object({ drop: z.array(z.string()).optional() }).optional(),
  seccompProfile: z.object({ type: z.string() }).optional(),
});
const Ref = z.object({ name: z.string(), key: z.string() });
// Kubernetes wants every env value and ConfigMap value as a string: an unquoted 9465 is refused.
const EnvVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z.object({ secretKeyRef: Ref.optional(), configMapKeyRef: Ref.optional() }).optional(),
});
const Container = z.object({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).default([]),
  env: z.array(EnvVar).default([]),
  envFrom: z.array(z.object({ configMapRef: z.object({ name: z.string() }).optional(), secretRef: z.object({ name: z.string() }).optional() })).default([]),
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number().int() })).default([]),
  startupProbe: Probe.optional(),
  livenessProbe: Probe.optional(),
  readinessProbe: Probe.optional(),
  lifecycle: z.object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }).optional() }).optional() }).optional(),
  resources: z.object({ requests: z.record(z.string(), z.unknown()).optional(), limits: z.record(z.string(), z.unknown()).optional() }).optional(),
  securityContext: Security.optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() })).default([]),
});
const Volume = z.object({
  name: z.string(),
  emptyDir: z.object({}).passthrough().optional(),
  secret: z.object({ secretName: z.string(), items: z.array(z.object({ key: z.string(), path: z.string() })).optional() }).optional(),
});
const Deployment = z.object({
  kind: z.literal('Deployment'),
  metadata: Meta,
  spec: z.object({
    replicas: z.number().int().default(1),
    selector: z.object({ matchLabels: Labels }),
    template: z.object({
      metadata: z.object({ labels: Labels }),
      spec: z.object({
        containers: z.array(Container).min(1),
        terminationGracePeriodSeconds: z.number().int().optional(),
        automountServiceAccountToken: z.boolean().optional(),
        enableServiceLinks: z.boolean().optional(),
        securityContext: Security.optional(),
        volumes: z.array(Volume).default([]),
      }),
    }),
  }),
});
type Deployment = z.infer<typeof Deployment>;
type Container = z.infer<typeof Container>;
const ConfigMap = z.object({ kind: z.literal('ConfigMap'), metadata: Meta, data: z.record(z.string(), z.string()).default({}) });
const Secret = z.object({
  kind: z.literal('Secret'),
  metadata: Meta,
  data: z.record(z.string(), z.string()).default({}),
  stringData: z.record(z.string(), z.string()).default({}),
});
const Service = z.object({
  kind: z.literal('Service'),
  metadata: Meta,
  spec: z.object({ selector: Labels, ports: z.array(z.object({ name: z.string().optional(), port: z.number().int(), targetPort: PortRef.optional() })).min(1) }),
});
const Budget = z.object({
  kind: z.literal('PodDisruptionBudget'),
  metadata: Meta,
  spec: z.object({ selector: z.object({ matchLabels: Labels }), maxUnavailable: PortRef.optional(), minAvailable: PortRef.optional() }),
});
const Kustomization = z.object({
  kind: z.literal('Kustomization'),
  namespace: z.string().optional(),
  resources: z.array(z.string()),
  images: z.array(z.object({ name: z.string() })).default([]),
});
const Compose = z.object({
  services: z.record(
    z.string(),
    z.object({
      build: z.object({ dockerfile: z.string().optional() }).optional(),
      command: z.array(z.string()).optional(),
      environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      ports: z.array(z.string()).default([]),
    }),
  ),
});

/** The files under check: infra/k8s/* by name, infra/Dockerfile, infra/docker-compose.yml. */
export interface ManifestFiles {
  readonly k8s: ReadonlyMap<string, string>;
  readonly dockerfile: string;
  readonly compose: string;
  /** Whether a path relative to the repository root (= the image's WORKDIR) exists. */
  readonly repoHas: (path: string) => boolean;
  /** The Node.js version pinned in the root package.json (devDependency `node`). */
  readonly pinnedNode?: string;
}

export interface CheckContext {
  /** Commands the real CLI lists in its usage. */
  readonly cliCommands: ReadonlySet<string>;
  readonly responders: Readonly<Record<ServiceCommand, Responder>>;
}

interface Image {
  readonly entrypoint: readonly string[];
  readonly workdir: string;
  readonly uid: number | null;
}

const LOOPBACK = /^(127\.|localhost$|::1$|\[::1\]$)/;
const isLoopbackBroker = (broker: string): boolean => LOOPBACK.test(broker.replace(/:\d+$/, ''));
const isCommand = (c: string): c is ServiceCommand => Object.hasOwn(SERVICES, c);

function parseDockerfile(text: string, problems: string[], pinnedNode?: string): Image {
  const line = (instruction: string): string | undefined =>
    text
      .split('\n')
      .filter((l) => l.trim().toUpperCase().startsWith(`${instruction} `))
      .at(-1)
      ?.trim()
      .slice(instruction.length + 1)
      .trim();
  let entrypoint: string[] = [];
  try {
    entrypoint = z.array(z.string()).parse(JSON.parse(line('ENTRYPOINT') ?? 'null'));
  } catch {
    problems.push('Dockerfile: ENTRYPOINT must be in exec form (a JSON array), so the service is PID 1 and receives SIGTERM');
  }
  if (entrypoint.length > 0 && ['npx', 'npm', 'sh', '/bin/sh', 'bash'].includes(entrypoint[0] ?? '')) {
    problems.push(`Dockerfile: ENTRYPOINT starts ${entrypoint[0]}, which stands between SIGTERM and the service`);
  }
  const base = /^FROM\s+node:(\d+)/im.exec(text)?.[1];
  const pinnedMajor = pinnedNode?.split('.')[0];
  if (pinnedMajor !== undefined && base !== pinnedMajor) {
    problems.push(`Dockerfile: base image runs Node ${base ?? '?'}, but package.json pins Node ${pinnedNode ?? '?'} (FROM node:${pinnedMajor}-...)`);
  }
  const main = entrypoint.find((a) => a.endsWith('services/cli/dist/main.js'));
  if (!main) problems.push('Dockerfile: ENTRYPOINT does not run the built chainwatch CLI (services/cli/dist/main.js)');
  if (entrypoint.includes('tsx') || !/^RUN [^\n]*(npm run build|turbo run build)/m.test(text)) problems.push('Dockerfile: the image must build the services (npm run build) and run the built code, not the sources through tsx');
  const user = line('USER');
  const uid = user && /^\d+(:\d+)?$/.test(user) ? Number(user.split(':')[0]) : null;
  if (uid === null || uid === 0) problems.push(`Dockerfile: USER must be a numeric non-root uid (Kubernetes can only verify runAsNonRoot for those), got ${user ?? 'none'}`);
  return { entrypoint, workdir: line('WORKDIR') ?? '/', uid };
}

/** All documents of the YAML files under infra/k8s, by kind. */
function parseK8s(files: ManifestFiles, problems: string[]) {
  const docs: { file: string; kind: string; value: unknown }[] = [];
  for (const [file, text] of files.k8s) {
    if (!file.endsWith('.yaml') && !file.endsWith('.yml')) continue;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) problems.push(`${file}: YAML error ${doc.errors[0]?.message}`);
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      const kind = z.object({ kind: z.string() }).safeParse(value);
      if (!kind.success) problems.push(`${file}: a document without kind`);
      else docs.push({ file, kind: kind.data.kind, value });
    }
  }
  const all = <T extends z.ZodType>(kind: string, schema: T): { file: string; obj: z.infer<T> }[] =>
    docs.flatMap((d) => {
      if (d.kind !== kind) return [];
      const parsed = schema.safeParse(d.value);
      if (parsed.success) return [{ file: d.file, obj: parsed.data }];
      problems.push(`${d.file}: ${kind}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return [];
    });
  return {
    deployments: all('Deployment', Deployment),
    configMaps: all('ConfigMap', ConfigMap),
    secrets: all('Secret', Secret),
    services: all('Service', Service),
    budgets: all('PodDisruptionBudget', Budget),
    namespaces: all('Namespace', z.object({ metadata: Meta })),
    kustomizations: all('Kustomization', Kustomization),
  };
}

const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** What the checks share: the files, the code's side, and what the manifests say across files. */
interface Inventory {
  readonly files: ManifestFiles;
  readonly ctx: CheckContext;
  readonly image: Image;
  readonly k8s: ReturnType<typeof parseK8s>;
  /** Resources kustomization.yaml applies. */
  readonly listed: ReadonlySet<string>;
  /** Image names kustomization.yaml overrides. */
  readonly imageNames: ReadonlySet<string>;
  readonly configMaps: ReadonlyMap<string, Record<string, string>>;
  readonly secretKeys: ReadonlyMap<string, ReadonlySet<string>>;
  /** Services some Deployment runs (filled by the container checks). */
  readonly deployed: Set<ServiceCommand>;
}

const placeholder = (secret: string, key: string): string => `placeholder-${secret}-${key}`;

/** Every problem found; empty when the manifests, the image and compose agree with the code. */
export async function findProblems(files: ManifestFiles, ctx: CheckContext): Promise<string[]> {
  const problems: string[] = [];
  const image = parseDockerfile(files.dockerfile, problems, files.pinnedNode);
  const k8s = parseK8s(files, problems);
  const { listed, imageNames } = checkKustomization(files, k8s, problems);
  const inv: Inventory = {
    files,
    ctx,
    image,
    k8s,
    listed,
    imageNames,
    configMaps: new Map(k8s.configMaps.filter((c) => listed.has(c.file)).map((c) => [c.obj.metadata.name, c.obj.data])),
    secretKeys: new Map(k8s.secrets.map((s) => [s.obj.metadata.name, new Set([...Object.keys(s.obj.data), ...Object.keys(s.obj.stringData)])])),
    deployed: new Set(),
  };
  problems.push(...(await checkDeployments(inv)));
  problems.push(...checkCompose(files, ctx));
  return problems;
}

/** kustomization.yaml: what it applies, its namespace, and the Secrets (examples only, in that namespace). */
function checkKustomization(files: ManifestFiles, k8s: ReturnType<typeof parseK8s>, problems: string[]): { listed: Set<string>; imageNames: Set<string> } {
  const kustomization = k8s.kustomizations[0]?.obj;
  if (!kustomization) problems.push('kustomization.yaml: missing');
  const listed = new Set(kustomization?.resources ?? []);
  for (const resource of listed) {
    if (!files.k8s.has(resource)) problems.push(`kustomization.yaml: lists ${resource}, which does not exist`);
    if (/\.example\.ya?ml$/.test(resource)) problems.push(`kustomization.yaml: lists ${resource}: example secrets must never be applied`);
  }
  for (const file of files.k8s.keys()) {
    if (/\.ya?ml$/.test(file) && file !== 'kustomization.yaml' && !/\.example\.ya?ml$/.test(file) && !listed.has(file)) {
      problems.push(`kustomization.yaml: does not list ${file}`);
    }
  }
  const namespace = kustomization?.namespace;
  if (!namespace) problems.push('kustomization.yaml: no namespace');
  else if (!k8s.namespaces.some((n) => n.obj.metadata.name === namespace && listed.has(n.file))) problems.push(`kustomization.yaml: no Namespace ${namespace} among its resources`);
  for (const s of k8s.secrets) {
    if (!/\.example\.ya?ml$/.test(s.file)) problems.push(`${s.file}: Secret ${s.obj.metadata.name} with values in git (only *.example.yaml may show a Secret's shape)`);
    if (namespace && s.obj.metadata.namespace !== namespace) problems.push(`${s.file}: Secret ${s.obj.metadata.name} is not in namespace ${namespace}`);
  }
  return { listed, imageNames: new Set((kustomization?.images ?? []).map((i) => i.name)) };
}

/** Every Deployment: pod-level settings, its disruption budget, each container; and every service deployed. */
async function checkDeployments(inv: Inventory): Promise<string[]> {
  const { k8s, listed } = inv;
  const problems: string[] = [];
  for (const { file, obj: d } of k8s.deployments) {
    const where = `${file}: Deployment ${d.metadata.name}`;
    if (!listed.has(file)) continue;
    const pod = d.spec.template.spec;
    if (!selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)) problems.push(`${where}: selector does not match the pod labels`);
    if (pod.automountServiceAccountToken !== false) problems.push(`${where}: automountServiceAccountToken must be false (no Kubernetes API use)`);
    if (pod.enableServiceLinks !== false) problems.push(`${where}: enableServiceLinks must be false (service links inject <SERVICE>_PORT variables, e.g. DECISION_API_PORT)`);
    const budgets = k8s.budgets.filter((b) => listed.has(b.file) && selects(b.obj.spec.selector.matchLabels, d.spec.template.metadata.labels));
    const budget = budgets[0]?.obj.spec;
    if (!budget) problems.push(`${where}: no PodDisruptionBudget selects its pods`);
    else {
      const allowed = typeof budget.maxUnavailable === 'number' ? budget.maxUnavailable : typeof budget.minAvailable === 'number' ? d.spec.replicas - budget.minAvailable : NaN;
      if (!(allowed >= 1 && allowed < d.spec.replicas)) problems.push(`${where}: its PodDisruptionBudget must allow between 1 and replicas-1 pods down (allows ${allowed})`);
    }
    for (const c of pod.containers) problems.push(...(await checkContainer(inv, `${where} container ${c.name}`, d, c)));
  }
  for (const command of Object.keys(SERVICES)) {
    if (!inv.deployed.has(command as ServiceCommand)) problems.push(`no Deployment runs chainwatch ${command}`);
  }
  return problems;
}

/** One container of a Deployment: the command it runs, its environment as the service loads it, probes, resources, security, files, shutdown, routing. */
async function checkContainer(inv: Inventory, where: string, d: Deployment, c: Container): Promise<string[]> {
  const out: string[] = [];
  const { image, ctx } = inv;
  // The command: the image's ENTRYPOINT (the CLI) with one argument, a real command.
  if (c.command) out.push(`${where}: sets command, replacing the image's ENTRYPOINT (${image.entrypoint.join(' ')}); give the service as args`);
  const command = c.args[0] ?? '';
  if (!ctx.cliCommands.has(command)) out.push(`${where}: args ${JSON.stringify(c.args)}: '${command}' is not a chainwatch command (${[...ctx.cliCommands].join(', ')})`);
  if (!isCommand(command)) {
    out.push(`${where}: '${command}' is not one of the services (${Object.keys(SERVICES).join(', ')})`);
    return out;
  }
  inv.deployed.add(command);
  if (c.args.length !== 1) out.push(`${where}: args ${JSON.stringify(c.args)}: the services take no options`);
  const spec = SERVICES[command];
  const imageName = c.image.split('@')[0]?.split(':')[0] ?? c.image;
  if (!inv.imageNames.has(imageName)) out.push(`${where}: image ${c.image} is not in kustomization.yaml images (the override would not apply)`);
  const env = containerEnv(inv, where, c, command, out);
  let loaded: LoadedService;
  try {
    loaded = spec.load(env);
  } catch (err) {
    out.push(`${where}: the environment does not load: ${err instanceof Error ? err.message : String(err)}`);
    return out;
  }
  out.push(...checkLoaded(where, loaded, d.spec.replicas, true));
  out.push(...(await checkProbes(inv, where, c, command, loaded)));
  // Resources.
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  if (req.cpu === undefined || req.memory === undefined || lim.memory === undefined) out.push(`${where}: resources need requests.cpu, requests.memory and limits.memory`);
  out.push(...checkSecurity(inv, where, d, c, loaded), ...checkReads(inv, where, d, c, loaded));
  // Grace period: the whole graceful shutdown, after the preStop hook.
  const preStop = c.lifecycle?.preStop?.exec?.command ?? [];
  const sleep = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
  const grace = d.spec.template.spec.terminationGracePeriodSeconds;
  if (grace === undefined || grace < spec.minGraceSeconds + sleep) {
    out.push(`${where}: terminationGracePeriodSeconds ${grace ?? 'default 30'} is shorter than its shutdown needs (${spec.minGraceSeconds + sleep} s)`);
  }
  // Services routing to these pods must target the port the API listens on.
  for (const s of inv.k8s.services.filter((x) => inv.listed.has(x.file) && selects(x.obj.spec.selector, d.spec.template.metadata.labels))) {
    for (const p of s.obj.spec.ports) {
      const target = portOf(c, p.targetPort ?? p.port);
      if (target !== loaded.port) out.push(`${s.file}: Service ${s.obj.metadata.name} port ${p.port} targets ${p.targetPort ?? p.port} (${target}), not the port the API listens on (${loaded.port})`);
    }
  }
  return out;
}

const portOf = (c: Container, ref: number | string): number | undefined => (typeof ref === 'number' ? ref : c.ports.find((p) => p.name === ref)?.containerPort);

/** The environment as the kubelet builds it (envFrom first, then env entries override), each name checked against what the service knows. */
function containerEnv(inv: Inventory, where: string, c: Container, command: ServiceCommand, out: string[]): Env {
  const own = namesOf(SERVICES[command]);
  const env: Env = {};
  for (const from of c.envFrom) {
    if (from.configMapRef) {
      const data = inv.configMaps.get(from.configMapRef.name);
      if (!data) out.push(`${where}: envFrom ConfigMap ${from.configMapRef.name} is not among the applied manifests`);
      for (const [k, v] of Object.entries(data ?? {})) env[k] = v;
    }
    if (from.secretRef) {
      const keys = inv.secretKeys.get(from.secretRef.name);
      if (!keys) out.push(`${where}: envFrom Secret ${from.secretRef.name} has no example in secrets.example.yaml`);
      for (const k of keys ?? []) env[k] = placeholder(from.secretRef.name, k);
    }
  }
  for (const e of c.env) {
    if (!own.has(e.name)) out.push(`${where}: env ${e.name} is not a variable chainwatch ${command} knows`);
    const secretRef = e.valueFrom?.secretKeyRef;
    const mapRef = e.valueFrom?.configMapKeyRef;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (secretRef) {
      if (!inv.secretKeys.get(secretRef.name)?.has(secretRef.key)) out.push(`${where}: env ${e.name}: Secret ${secretRef.name} key ${secretRef.key} is not in the example secrets`);
      env[e.name] = placeholder(secretRef.name, secretRef.key);
    } else if (mapRef) {
      const value = inv.configMaps.get(mapRef.name)?.[mapRef.key];
      if (value === undefined) out.push(`${where}: env ${e.name}: ConfigMap ${mapRef.name} has no key ${mapRef.key}`);
      else env[e.name] = value;
    } else out.push(`${where}: env ${e.name} has neither value nor valueFrom`);
  }
  for (const name of Object.keys(env)) {
    if (!ALL_KNOWN.has(name)) out.push(`${where}: env ${name} is not a variable any chainwatch service knows`);
  }
  return env;
}

/** Probes: on the port the service listens on, at paths that answer as their role needs. */
async function checkProbes(inv: Inventory, where: string, c: Container, command: ServiceCommand, loaded: LoadedService): Promise<string[]> {
  const out: string[] = [];
  if (!c.ports.some((p) => p.containerPort === loaded.port)) out.push(`${where}: no containerPort ${loaded.port} (the port it listens on)`);
  const roles = [
    ['startupProbe', c.startupProbe, false],
    ['livenessProbe', c.livenessProbe, true],
    ['readinessProbe', c.readinessProbe, true],
  ] as const;
  for (const [role, probe, required] of roles) {
    if (!probe) {
      if (required) out.push(`${where}: no ${role}`);
      continue;
    }
    if (!probe.httpGet) {
      out.push(`${where}: ${role} is not an httpGet probe`);
      continue;
    }
    const port = portOf(c, probe.httpGet.port);
    if (port !== loaded.port) out.push(`${where}: ${role} port ${probe.httpGet.port} (${port}) is not the port it listens on (${loaded.port})`);
    const path = probe.httpGet.path;
    const [notReady, ready] = [await inv.ctx.responders[command](path, false), await inv.ctx.responders[command](path, true)];
    // Liveness must not fail while the service restores or catches up (that is readiness).
    const want = role === 'readinessProbe' ? [503, 200] : [200, 200];
    if (notReady !== want[0] || ready !== want[1]) {
      out.push(`${where}: ${role} path ${path} answers ${notReady} before ready and ${ready} after; a ${role} needs ${want[0]} and ${want[1]}`);
    }
  }
  return out;
}

/** Security: what the restricted Pod Security Standard demands, the image's user, and writable mounts where it writes. */
function checkSecurity(inv: Inventory, where: string, d: Deployment, c: Container, loaded: LoadedService): string[] {
  const out: string[] = [];
  const { image } = inv;
  const pod = d.spec.template.spec;
  const sc = { ...pod.securityContext, ...c.securityContext };
  if (sc.runAsNonRoot !== true) out.push(`${where}: runAsNonRoot must be true`);
  const uid = sc.runAsUser ?? image.uid;
  if (uid === null || uid === 0) out.push(`${where}: runs as root`);
  else if (image.uid !== null && uid !== image.uid) out.push(`${where}: runAsUser ${uid} is not the image's user ${image.uid} (the owner of /app/data)`);
  if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
  if (!sc.capabilities?.drop?.includes('ALL')) out.push(`${where}: capabilities must drop ALL`);
  if (sc.seccompProfile?.type !== 'RuntimeDefault' && sc.seccompProfile?.type !== 'Localhost') out.push(`${where}: seccompProfile must be RuntimeDefault`);
  if (sc.readOnlyRootFilesystem !== true) {
    out.push(`${where}: readOnlyRootFilesystem must be true`);
    return out;
  }
  // tsx, were the image's ENTRYPOINT to run it, caches compiled sources in $TMPDIR and fails without it.
  const writes = [...(image.entrypoint.includes('tsx') ? ['/tmp'] : []), ...loaded.writes.map((w) => posix.resolve(image.workdir, w))];
  for (const dir of writes) {
    const mount = c.volumeMounts.find((m) => dir === m.mountPath || dir.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes.find((v) => v.name === mount?.name);
    if (!mount || mount.readOnly || !volume?.emptyDir) out.push(`${where}: writes ${dir} on a read-only root filesystem: mount an emptyDir there`);
  }
  return out;
}

/** Files it reads: from a mounted Secret that has them, or from the image. */
function checkReads(inv: Inventory, where: string, d: Deployment, c: Container, loaded: LoadedService): string[] {
  const out: string[] = [];
  const { image, files } = inv;
  for (const file of loaded.reads) {
    const path = posix.resolve(image.workdir, file);
    const mount = c.volumeMounts.find((m) => path.startsWith(`${m.mountPath}/`));
    if (!mount) {
      if (!path.startsWith(`${image.workdir}/`) || !files.repoHas(posix.relative(image.workdir, path))) out.push(`${where}: reads ${file}, which is neither mounted nor in the image`);
      continue;
    }
    const secret = d.spec.template.spec.volumes.find((v) => v.name === mount.name)?.secret;
    const name = posix.relative(mount.mountPath, path);
    const provided = secret ? (secret.items ? secret.items.find((i) => i.path === name)?.key : name) : undefined;
    if (!secret || provided === undefined || !inv.secretKeys.get(secret.secretName)?.has(provided)) {
      out.push(`${where}: reads ${file}, but the volume at ${mount.mountPath} does not provide ${name} from a Secret with that key`);
    }
  }
  return out;
}

/** `reached`: something outside the container connects to its port (probes, a Service, a published port). */
function checkLoaded(where: string, loaded: LoadedService, replicas: number, reached: boolean): string[] {
  const out: string[] = [];
  if (loaded.brokers.some(isLoopbackBroker)) out.push(`${where}: KAFKA_BROKERS ${loaded.brokers.join(',')} is loopback: set the cluster's brokers`);
  if (reached && loaded.host !== undefined && LOOPBACK.test(loaded.host)) out.push(`${where}: listens on ${loaded.host}, unreachable from outside the container: set DECISION_API_HOST=0.0.0.0`);
  if (loaded.port === 0) out.push(`${where}: port 0: no operations port to probe`);
  if (loaded.maxUsefulReplicas !== undefined && replicas > loaded.maxUsefulReplicas) out.push(`${where}: ${replicas} replicas but only ${loaded.maxUsefulReplicas} partitions`);
  return out;
}

/** docker-compose.yml: the same names and loaders, for the services built from the image. */
function checkCompose(files: ManifestFiles, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const compose = Compose.safeParse(parseYaml(files.compose, { merge: true }));
  if (!compose.success) problems.push(`docker-compose.yml: ${compose.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const [name, svc] of Object.entries(compose.success ? compose.data.services : {})) {
    if (!svc.build) continue;
    const where = `docker-compose.yml: service ${name}`;
    const command = svc.command?.[0] ?? '';
    if (!ctx.cliCommands.has(command) || !isCommand(command)) {
      problems.push(`${where}: command ${JSON.stringify(svc.command)} is not a chainwatch service command`);
      continue;
    }
    const env: Env = Object.fromEntries(Object.entries(svc.environment ?? {}).map(([k, v]) => [k, String(v)]));
    for (const key of Object.keys(env)) if (!ALL_KNOWN.has(key)) problems.push(`${where}: environment ${key} is not a variable any chainwatch service knows`);
    try {
      const loaded = SERVICES[command].load(env);
      problems.push(...checkLoaded(where, loaded, 1, svc.ports.length > 0));
      for (const published of svc.ports) {
        const containerPort = Number(published.split(':').at(-1));
        if (containerPort !== loaded.port) problems.push(`${where}: publishes container port ${containerPort}, but it listens on ${loaded.port}`);
      }
    } catch (err) {
      problems.push(`${where}: the environment does not load: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}

