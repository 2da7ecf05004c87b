/**
 * Per-session behaviour state (DESIGN §3). Updated in O(1) per event, bounded: tool names are
 * interned to small integers, entities and event ids are kept as 52-bit hashes, every list and map
 * has a cap. Serialises to a compact JSON object (interned ids written back as names) for
 * checkpoints and the risk signal digest.
 */
import type { Detector, Severity } from '@chainwatch/schemas';
import { type Pairs, pairsEntries, pairsFrom, pairsGet, pairsHas, pairsSet, pairsSize } from './flat-map';
import { fnv1a32, hash52 } from './hash';
import type { Interner } from './interner';

export const CAPS = {
  recentTools: 8,
  seenIds: 16,
  toolCounts: 64,
  transitions: 96,
  destinations: 32,
  destinationNames: 6,
  resources: 32,
  outputEntities: 256,
  sourceEvents: 16,
  scopes: 16,
  principals: 8,
  tokens: 4,
  findings: 16,
  evidence: 4,
  onceKeys: 32,
  taintEvidence: 3,
  newToolTimes: 8,
  approvals: 8,
  shellDownloads: 8,
  shellEncrypted: 8,
  shellMade: 16,
  shellShown: 8,
  shellShownChars: 512,
} as const;

/**
 * Where a value (a recipient, host, account, path) first appeared, from the most to the least
 * trusted: the organisation's own address space (`internal`), the task text (`task`), the
 * principal's own data, an internal directory, a system of record, content written by others
 * (`third_party`), the open web (`web`), another agent's output (`agent`); `unseen` is a value nothing showed the agent
 * (invented); `none` means the action has no such value.
 */
export const PROVENANCE = ['none', 'internal', 'task', 'own', 'directory', 'system', 'unseen', 'third_party', 'agent', 'web'] as const;
export type Provenance = (typeof PROVENANCE)[number];
export const PROV: Readonly<Record<Provenance, number>> = { none: 0, internal: 1, task: 2, own: 3, directory: 4, system: 5, unseen: 6, third_party: 7, agent: 8, web: 9 };
/** Trust of a tool output, as stored with the entities it introduced (index into OUTPUT_TRUSTS). */
export const TRUST_CODES = ['system', 'own', 'directory', 'third_party', 'agent', 'web'] as const;
export type TrustCode = (typeof TRUST_CODES)[number];

/** A finding held in state: the strongest one per rule (scoring uses only that). */
export interface ActiveFinding {
  readonly rule: string;
  readonly ver: number;
  readonly det: Detector;
  readonly sev: Severity;
  readonly conf: number;
  readonly ts: number;
  readonly ev: readonly string[];
  readonly msg: string;
  /** Place in the order of a decision (registry/detector-rules.ts); absent in older state = evidence. */
  readonly role?: 'authority' | 'evidence' | 'heuristic' | 'context';
  /** Weighs on every later decision of the session. */
  readonly stk?: boolean;
}

/**
 * A human approval of one exact action in this session (decision API step-up answered "approve"):
 * while unexpired, the action with digest `d` does not raise the findings of `rules`. It unlocks
 * the action once on each path: the request path stops honouring it once the decision API let
 * the action through (`used`), the stream path once the action's own event was observed (`ran`).
 * Lives in the session's state, so checkpoints and risk signals carry it.
 */
export interface SessionApproval {
  /** Approval binding id (the key that makes re-delivery idempotent). */
  readonly id: string;
  /** Engine digest of the approved action (engine/action-digest.ts). */
  readonly d: string;
  readonly rules: readonly string[];
  /** Expiry, epoch ms. */
  readonly exp: number;
  /** The decision API allowed the approved action (request path). */
  readonly used: boolean;
  /** The approved action's event was observed (stream path). */
  readonly ran: boolean;
}

/**
 * Union of two approval lists by id: a flag (used, ran) set on any copy stays set; newest expiry kept;
 * bounded to CAPS.approvals (latest expiries win). Returns `a` itself when `b` adds nothing.
 */
export function mergeApprovals(a: readonly SessionApproval[], b: readonly SessionApproval[]): readonly SessionApproval[] {
  if (b.length === 0) return a;
  if (a.length === 0 && b.length <= CAPS.approvals) return b;
  const byId = new Map<string, SessionApproval>();
  for (const x of a) byId.set(x.id, x);
  let changed = false;
  for (const x of b) {
    const cur = byId.get(x.id);
    if (cur === undefined) {
      byId.set(x.id, x);
      changed = true;
    } else if (x.exp > cur.exp || (x.used && !cur.used) || (x.ran && !cur.ran)) {
      byId.set(x.id, { ...cur, exp: Math.max(cur.exp, x.exp), used: cur.used || x.used, ran: cur.ran || x.ran });
      changed = true;
    }
  }
  if (!changed) return a;
  const all = [...byId.values()];
  if (all.length > CAPS.approvals) all.sort((p, q) => p.exp - q.exp).splice(0, all.length - CAPS.approvals);
  return all;
}

/** An integer V8 keeps inline in an object field (a "small integer", 31 bits on every build). */
function isSmall(n: number): boolean {
  return Number.isInteger(n) && n >= -0x40000000 && n < 0x40000000 && !Object.is(n, -0);
}

/** Shared empty list: state lists stay unallocated until first written (copy-on-write). */
const NONE: readonly never[] = Object.freeze([]);

/** Appends to a bounded list, dropping the oldest; allocates an exact-size array (no growth slack). */
function ring<T>(list: readonly T[], v: T, cap: number): T[] {
  return list.length >= cap ? [...list.slice(list.length - cap + 1), v] : list.concat(v);
}

function added<T>(list: readonly T[], v: T, cap: number, rotate: boolean): readonly T[] {
  if (list.includes(v)) return list;
  if (list.length >= cap) return rotate ? [...list.slice(1), v] : list;
  return list === NONE ? [v] : (list as T[]).concat(v);
}

export interface Taint {
  rank: number;
  ts: number;
  ev: readonly string[];
  /** Session whose tainted output was handed to this one, when the taint came across sessions. */
  from: string | null;
}

/**
 * Where an entity of a tool output came from. Packed in state as one number per entity:
 * slot (4 bits: index into the session's source events) | trust (3 bits) | pointed (1 bit) |
 * inherited (1 bit) | the source event's index in the session (the rest).
 */
export interface EntitySource {
  readonly eventId: string | null;
  /** The tool whose output introduced the value ('' when unknown). */
  readonly tool: string;
  readonly trust: TrustCode;
  /**
   * The call that returned it was one the task pointed at (its arguments are named in the task
   * text): the user sent the agent to that content.
   */
  readonly pointed: boolean;
  /** Carried from the delegating session (the value was in tool output there, then in this task). */
  readonly inherited: boolean;
  readonly seq: number;
}

/** Bits of SessionState.trustedKinds. */
export const ENTITY_KIND = { iban: 1, email: 2, url: 4, phone: 8 } as const;

const SRC_SLOT = 16;
const SRC_TRUST = 8;
const SRC_POINTED = 128;
const SRC_INHERITED = 256;
const SRC_SEQ = 512;

export class SessionState {
  // identity
  sid: string;
  tid: string;
  parent: string | null = null;
  depth = 0;
  agentId = '';
  spiffe = '';
  principal = '';
  /** Other principals seen besides the first (usually empty). */
  principals: readonly string[] = NONE;
  taskId = '';
  // task envelope
  taskScopes: readonly string[] | null = null;
  allowedTools: number[] | null = null;
  allowedDest: readonly string[] | null = null;
  /** Sorted 52-bit hashes of the intent's keys (see engine/intent-keys.ts). */
  intent: readonly number[] | null = null;
  // activity
  events = 0;
  toolCounts: Pairs = null;
  recent: readonly number[] = NONE;
  transitions: Pairs = null;
  taint: Taint | null = null;
  dests: Pairs = null;
  /** Resources touched: 52-bit hash → event index of first touch (capped). */
  resources: Pairs = null;
  destNames: readonly string[] = NONE;
  externalSends = 0;
  outEnt: Pairs = null;
  srcEvents: string[] | null = null;
  /** Tool names of srcEvents, same slots. */
  srcTools: string[] | null = null;
  /**
   * Kinds of value (ENTITY_KIND bits) that a trusted source (the principal's own data, a directory,
   * a system of record) has put in front of the agent: an account from content that contradicts
   * one the system of record gave is the swap of a business e-mail compromise.
   */
  trustedKinds = 0;
  /**
   * Shell: files the session downloaded (52-bit hash of the path key → PROV code of the URL's
   * origin), for download → execute across calls; capped.
   */
  shellDl: Pairs = null;
  /** Shell: 52-bit hashes of the path keys of files the session encrypted (encrypt → delete the original). */
  shellEnc: readonly number[] = NONE;
  /** Shell: 52-bit hashes of the path keys of files and directories the session's commands created (its own to remove). */
  shellMade: readonly number[] = NONE;
  /**
   * Shell: command lines outputs showed (the producer's `commands` entities, at most 512 characters
   * each), kept as text so a command that is one part of a shown line is traced to it; capped.
   */
  shellShown: readonly string[] = NONE;
  scopesUsed: readonly string[] = NONE;
  tokens: readonly string[] = NONE;
  authority: readonly string[] | null = null;
  /** For each of the last few new tools: event index and timestamp, interleaved (growth, bursts). */
  newTools: readonly number[] = NONE;
  // risk
  findings: readonly ActiveFinding[] = NONE;
  /** 32-bit hashes of once-per-session finding keys. */
  once: readonly number[] = NONE;
  seen: readonly number[] = NONE;
  seq: unknown = null;
  approvals: readonly SessionApproval[] = NONE;
  /**
   * Four small fields in one integer (each field of an object costs 8 bytes): agentType
   * (interned id, bits 0-15), ceiling + 1 (bits 16-18), maxRank + 1 (bits 19-21) and classMask
   * (bits 22-26). Read and written through the accessors below.
   */
  private small = 0;
  /** firstTs (epoch ms). */
  private t0 = 0;
  /** lastTs − firstTs as a small integer, or the time itself boxed (see `lastTs`). */
  private dt: number | { readonly v: number } = 0;
  /** score × 10 as a small integer, or the score itself boxed (see `score`). */
  private sc10: number | { readonly v: number } = 0;

  constructor(sid: string, tid: string) {
    this.sid = sid;
    this.tid = tid;
  }

  /** Time of the session's first event (epoch ms). */
  get firstTs(): number {
    return this.t0;
  }

  set firstTs(ts: number) {
    const last = this.lastTs;
    this.t0 = ts;
    this.lastTs = last;
  }

  /**
   * Time of the latest event. Held as the difference from firstTs: a small integer (inline in
   * the object) for any session shorter than 12 days, where an absolute time would be one more
   * boxed double per session. Other differences keep the time itself in a box, never a double
   * field: one double would switch the field to boxed doubles for every session.
   */
  get lastTs(): number {
    const d = this.dt;
    return typeof d === 'number' ? this.t0 + d : d.v;
  }

  set lastTs(ts: number) {
    const d = ts - this.t0;
    this.dt = isSmall(d) && this.t0 + d === ts ? d : { v: ts };
  }

  /** Score of the last signal (0-100, one decimal: scoring rounds to tenths), held as tenths like lastTs. */
  get score(): number {
    const x = this.sc10;
    return typeof x === 'number' ? x / 10 : x.v;
  }

  set score(score: number) {
    const tenths = Math.round(score * 10);
    this.sc10 = isSmall(tenths) && tenths / 10 === score ? tenths : { v: score };
  }

  /** Interned agent type (Interner ids are < 65,536). */
  get agentType(): number {
    return this.small & 0xffff;
  }

  set agentType(id: number) {
    this.small = (this.small & ~0xffff) | (id & 0xffff);
  }

  /** task.max_data_class as a rank (0 public … 4 secret), -1 when the task sets none. */
  get ceiling(): number {
    return ((this.small >>> 16) & 7) - 1;
  }

  set ceiling(rank: number) {
    this.small = (this.small & ~(7 << 16)) | (((rank + 1) & 7) << 16);
  }

  /** Highest data class rank the session read, -1 before any read. */
  get maxRank(): number {
    return ((this.small >>> 19) & 7) - 1;
  }

  set maxRank(rank: number) {
    this.small = (this.small & ~(7 << 19)) | (((rank + 1) & 7) << 19);
  }

  /** Bit per data class rank the session read. */
  get classMask(): number {
    return (this.small >>> 22) & 31;
  }

  set classMask(mask: number) {
    this.small = (this.small & ~(31 << 22)) | ((mask & 31) << 22);
  }

  hasSeen(eventId: string): boolean {
    return this.hasSeenHash(hash52(eventId));
  }

  hasSeenHash(h: number): boolean {
    return this.seen.includes(h);
  }

  markSeen(eventId: string): void {
    this.markSeenHash(hash52(eventId));
  }

  markSeenHash(h: number): void {
    this.seen = ring(this.seen, h, CAPS.seenIds);
  }

  pushRecent(tool: number): void {
    this.recent = ring(this.recent, tool, CAPS.recentTools);
  }

  lastTool(): number {
    return this.recent.length > 0 ? (this.recent[this.recent.length - 1] ?? -1) : -1;
  }

  distinctTools(): number {
    return pairsSize(this.toolCounts);
  }

  intentHas(key: string): boolean {
    const arr = this.intent;
    if (arr === null) return false;
    const h = hash52(key);
    let lo = 0;
    let hi = arr.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = arr[mid] ?? 0;
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  setIntent(keys: Iterable<string>, cap = 64): void {
    const set = new Set<number>();
    for (const k of keys) {
      if (set.size >= cap) break;
      set.add(hash52(k));
    }
    this.intent = set.size === 0 ? null : Array.from(Float64Array.from(set).sort());
  }

  outputSource(entity: string): EntitySource | null {
    const packed = pairsGet(this.outEnt, hash52(entity));
    if (packed === undefined) return null;
    const slot = packed % SRC_SLOT;
    const trust = TRUST_CODES[Math.floor(packed / SRC_SLOT) % SRC_TRUST] ?? 'third_party';
    const pointed = Math.floor(packed / SRC_POINTED) % 2 === 1;
    const inherited = Math.floor(packed / SRC_INHERITED) % 2 === 1;
    const seq = Math.floor(packed / SRC_SEQ);
    return { eventId: this.srcEvents?.[slot] ?? null, tool: this.srcTools?.[slot] ?? '', trust, pointed, inherited, seq };
  }

  /**
   * Records the entities an output put in front of the agent; the first source of each wins.
   * `inherited` values (from the delegating session) replace a task-text provenance when read.
   */
  recordOutputEntities(eventId: string, tool: string, seq: number, trust: TrustCode, pointed: boolean, entities: Iterable<string>, inherited = false): void {
    let slot = -1;
    const code = TRUST_CODES.indexOf(trust);
    const trusted = trust === 'system' || trust === 'own' || trust === 'directory';
    for (const e of entities) {
      const h = hash52(e);
      const cur = pairsGet(this.outEnt, h);
      if (cur !== undefined) {
        // A value a trusted source also shows (a directory, a system of record) is vouched for by it;
        // otherwise the first source stays.
        const curTrust = TRUST_CODES[Math.floor(cur / SRC_SLOT) % SRC_TRUST];
        if (!trusted || curTrust === 'system' || curTrust === 'own' || curTrust === 'directory') continue;
      } else if (pairsSize(this.outEnt) >= CAPS.outputEntities) continue;
      if (slot < 0) {
        const src = this.srcEvents ?? [];
        const tools = this.srcTools ?? [];
        if (src.length < CAPS.sourceEvents) {
          slot = src.length;
          this.srcEvents = src.concat(eventId);
          this.srcTools = tools.concat(tool);
        } else {
          slot = seq % CAPS.sourceEvents;
          src[slot] = eventId;
          tools[slot] = tool;
          this.srcTools = tools;
        }
      }
      this.outEnt = pairsSet(this.outEnt, h, seq * SRC_SEQ + (inherited ? SRC_INHERITED : 0) + (pointed ? SRC_POINTED : 0) + Math.max(0, code) * SRC_SLOT + slot);
    }
  }

  recordDownload(pathKey: string, prov: number): void {
    const h = hash52(pathKey);
    if (pairsHas(this.shellDl, h) || pairsSize(this.shellDl) >= CAPS.shellDownloads) return;
    this.shellDl = pairsSet(this.shellDl, h, prov);
  }

  /** PROV code of the URL a path was downloaded from, or -1. */
  downloadOrigin(pathKey: string): number {
    return pairsGet(this.shellDl, hash52(pathKey)) ?? -1;
  }

  recordEncrypted(pathKey: string): void {
    this.shellEnc = ring(this.shellEnc, hash52(pathKey), CAPS.shellEncrypted);
  }

  wasEncrypted(pathKey: string): boolean {
    return this.shellEnc.includes(hash52(pathKey));
  }

  recordMade(pathKey: string): void {
    const h = hash52(pathKey);
    if (!this.shellMade.includes(h)) this.shellMade = ring(this.shellMade, h, CAPS.shellMade);
  }

  wasMade(pathKey: string): boolean {
    return this.shellMade.includes(hash52(pathKey));
  }

  recordShown(command: string): void {
    if (command.length > CAPS.shellShownChars || this.shellShown.includes(command)) return;
    const next = this.shellShown.length >= CAPS.shellShown ? this.shellShown.slice(1) : this.shellShown.slice();
    next.push(command);
    this.shellShown = next;
  }

  /** Records a resource; returns true when the session had not touched it before. */
  touchResource(resource: string, eventIndex: number): boolean {
    const h = hash52(resource);
    if (pairsHas(this.resources, h)) return false;
    if (pairsSize(this.resources) < CAPS.resources) this.resources = pairsSet(this.resources, h, eventIndex);
    return true;
  }

  hasResource(resource: string): boolean {
    return pairsHas(this.resources, hash52(resource));
  }

  /** Event indexes at which the session first touched each of its resources. */
  resourceFirstTouches(): number[] {
    const out: number[] = [];
    for (const [, v] of pairsEntries(this.resources)) out.push(v);
    return out;
  }

  /** First provenance of a destination the session already used (PROV code), or -1. */
  destProvenance(dest: string): number {
    const v = pairsGet(this.dests, hash52(dest));
    return v === undefined ? -1 : v & 15;
  }

  recordDestination(dest: string, prov: number): boolean {
    const h = hash52(dest);
    const v = pairsGet(this.dests, h);
    if (v !== undefined) {
      this.dests = pairsSet(this.dests, h, v + 16);
      return false;
    }
    if (pairsSize(this.dests) < CAPS.destinations) this.dests = pairsSet(this.dests, h, prov + 16);
    if (this.destNames.length < CAPS.destinationNames) this.destNames = this.destNames.concat(dest);
    return true;
  }

  /**
   * Keeps the strongest finding per rule (weight decayed to `now`); the cap evicts the weakest.
   * Returns false when an existing finding of the rule outweighs the new one.
   */
  addFinding(f: ActiveFinding, weight: (f: ActiveFinding, now: number) => number): boolean {
    const i = this.findings.findIndex((x) => x.rule === f.rule);
    if (i >= 0) {
      const cur = this.findings[i];
      if (cur !== undefined && weight(cur, f.ts) > weight(f, f.ts)) return false;
      this.findings = this.findings.map((x, k) => (k === i ? f : x));
      return true;
    }
    const next = this.findings.concat(f);
    if (next.length > CAPS.findings) {
      let weakest = 0;
      for (let k = 1; k < next.length; k++) {
        const a = next[k];
        const b = next[weakest];
        if (a !== undefined && b !== undefined && weight(a, f.ts) < weight(b, f.ts)) weakest = k;
      }
      next.splice(weakest, 1);
    }
    this.findings = next;
    return true;
  }

  hasOnce(key: string): boolean {
    return this.once.includes(fnv1a32(key));
  }

  addOnce(key: string): void {
    this.once = ring(this.once, fnv1a32(key), CAPS.onceKeys);
  }

  addPrincipal(sub: string): void {
    if (sub !== this.principal) this.principals = added(this.principals, sub, CAPS.principals - 1, false);
  }

  /** How many principals the session acted for (allPrincipals().length, without the list). */
  principalCount(): number {
    return (this.principal === '' ? 0 : 1) + this.principals.length;
  }

  /** The session acted for this principal (allPrincipals().includes(sub), without the list). */
  actsFor(sub: string): boolean {
    return (this.principal !== '' && this.principal === sub) || this.principals.includes(sub);
  }

  /** Every principal the session acted for. */
  allPrincipals(): readonly string[] {
    return this.principal === '' ? this.principals : [this.principal, ...this.principals];
  }

  addScopeUsed(scope: string, pool?: { list(xs: readonly string[]): readonly string[] }): void {
    const next = added(this.scopesUsed, scope, CAPS.scopes, false);
    this.scopesUsed = next !== this.scopesUsed && pool !== undefined ? pool.list(next) : next;
  }

  addToken(tokenId: string): void {
    this.tokens = added(this.tokens, tokenId, CAPS.tokens, true);
  }

  noteNewTool(eventIndex: number, ts: number): void {
    const rot = this.newTools.length >= CAPS.newToolTimes * 2;
    this.newTools = rot ? [...this.newTools.slice(2), eventIndex, ts] : this.newTools.concat(eventIndex, ts);
  }

  /** Event indexes at which recent new tools appeared. */
  newToolIndexes(): number[] {
    return this.newTools.filter((_, i) => i % 2 === 0);
  }

  /** Timestamps at which recent new tools appeared. */
  newToolTimes(): number[] {
    return this.newTools.filter((_, i) => i % 2 === 1);
  }
}

/** Compact serialised form. Keys are short on purpose: this travels in every risk signal. */
export interface SessionJson {
  v: 2;
  sid: string;
  tid: string;
  par: string | null;
  dep: number;
  aid: string;
  aty: string;
  spf: string;
  prn: string;
  prns: readonly string[];
  tsk: string;
  tsc: readonly string[] | null;
  alt: string[] | null;
  ald: readonly string[] | null;
  ceil: number;
  int: readonly number[];
  n: number;
  t0: number;
  t1: number;
  tc: [string, number][];
  rec: string[];
  tr: [string, string, number][];
  cm: number;
  mx: number;
  tnt: Taint | null;
  dst: [number, number][];
  res: [number, number][];
  dn: readonly string[];
  xs: number;
  oe: [number, number][];
  se: string[] | null;
  st?: string[] | null;
  tk?: number;
  sdl?: [number, number][];
  sen?: readonly number[];
  smd?: readonly number[];
  ssh?: readonly string[];
  scu: readonly string[];
  tok: readonly string[];
  auth: readonly string[] | null;
  ntl: readonly number[];
  fnd: readonly ActiveFinding[];
  once: readonly number[];
  sc: number;
  seen: readonly number[];
  seq: unknown;
  apr?: readonly SessionApproval[];
}

export function sessionToJson(s: SessionState, names: Interner): SessionJson {
  const tc: [string, number][] = [];
  for (const [k, v] of pairsEntries(s.toolCounts)) tc.push([names.name(k), v]);
  const tr: [string, string, number][] = [];
  for (const [k, v] of pairsEntries(s.transitions)) tr.push([names.name(Math.floor(k / 65536)), names.name(k % 65536), v]);
  return {
    v: 2,
    sid: s.sid,
    tid: s.tid,
    par: s.parent,
    dep: s.depth,
    aid: s.agentId,
    aty: names.name(s.agentType),
    spf: s.spiffe,
    prn: s.principal,
    prns: s.principals,
    tsk: s.taskId,
    tsc: s.taskScopes,
    alt: s.allowedTools === null ? null : s.allowedTools.map((t) => names.name(t)),
    ald: s.allowedDest,
    ceil: s.ceiling,
    int: s.intent === null ? [] : s.intent,
    n: s.events,
    t0: s.firstTs,
    t1: s.lastTs,
    tc,
    rec: s.recent.map((t) => names.name(t)),
    tr,
    cm: s.classMask,
    mx: s.maxRank,
    tnt: s.taint,
    dst: pairsEntries(s.dests),
    res: pairsEntries(s.resources),
    dn: s.destNames,
    xs: s.externalSends,
    oe: pairsEntries(s.outEnt),
    se: s.srcEvents,
    st: s.srcTools,
    ...(s.trustedKinds !== 0 ? { tk: s.trustedKinds } : {}),
    ...(s.shellDl !== null ? { sdl: pairsEntries(s.shellDl) } : {}),
    ...(s.shellEnc.length > 0 ? { sen: s.shellEnc } : {}),
    ...(s.shellMade.length > 0 ? { smd: s.shellMade } : {}),
    ...(s.shellShown.length > 0 ? { ssh: s.shellShown } : {}),
    scu: s.scopesUsed,
    tok: s.tokens,
    auth: s.authority,
    ntl: s.newTools,
    fnd: s.findings,
    once: s.once,
    sc: s.score,
    seen: s.seen,
    seq: s.seq,
    ...(s.approvals.length > 0 ? { apr: s.approvals } : {}),
  };
}

export function sessionFromJson(j: SessionJson, names: Interner): SessionState {
  const s = new SessionState(j.sid, j.tid);
  s.parent = j.par;
  s.depth = j.dep;
  s.agentId = j.aid;
  s.agentType = names.id(j.aty);
  s.spiffe = j.spf;
  s.principal = j.prn;
  s.principals = j.prns.length === 0 ? NONE : j.prns;
  s.taskId = j.tsk;
  s.taskScopes = j.tsc;
  s.allowedTools = j.alt === null ? null : j.alt.map((t) => names.id(t));
  s.allowedDest = j.ald;
  s.ceiling = j.ceil;
  s.intent = j.int.length === 0 ? null : j.int;
  s.events = j.n;
  s.firstTs = j.t0;
  s.lastTs = j.t1;
  s.toolCounts = pairsFrom(j.tc.map(([k, v]) => [names.id(k), v] as const));
  s.recent = j.rec.map((t) => names.id(t));
  s.transitions = pairsFrom(j.tr.map(([a, b, v]) => [names.id(a) * 65536 + names.id(b), v] as const));
  s.classMask = j.cm;
  s.maxRank = j.mx;
  s.taint = j.tnt;
  s.dests = pairsFrom(j.dst);
  s.resources = pairsFrom(j.res ?? []);
  s.destNames = j.dn;
  s.externalSends = j.xs;
  s.outEnt = pairsFrom(j.oe);
  s.srcEvents = j.se;
  s.srcTools = j.st ?? (j.se === null ? null : j.se.map(() => ''));
  s.trustedKinds = j.tk ?? 0;
  if (j.sdl !== undefined && j.sdl.length > 0) s.shellDl = pairsFrom(j.sdl);
  if (j.sen !== undefined && j.sen.length > 0) s.shellEnc = j.sen;
  if (j.smd !== undefined && j.smd.length > 0) s.shellMade = j.smd;
  if (j.ssh !== undefined && j.ssh.length > 0) s.shellShown = j.ssh;
  s.scopesUsed = j.scu;
  s.tokens = j.tok;
  s.authority = j.auth;
  s.newTools = j.ntl;
  s.findings = j.fnd;
  s.once = j.once;
  s.score = j.sc;
  s.seen = j.seen;
  s.seq = j.seq;
  if (j.apr !== undefined && j.apr.length > 0) s.approvals = j.apr;
  return s;
}
