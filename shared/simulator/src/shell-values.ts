/**
 * Generic values for the shell corpus, drawn from the seed: host names, repositories, packages,
 * files, services. Benign and attacker values come from the same generators (same syllables, same
 * top-level domains, same address ranges), so no detector can tell them apart by their spelling:
 * only by where they first appeared.
 */
import type { Rng } from './prng';

const SYLLABLES = [
  'al', 'ber', 'cor', 'dan', 'el', 'fen', 'gor', 'hal', 'ix', 'jun', 'kel', 'lum', 'mor', 'nav', 'or', 'pel', 'quin', 'ras', 'sol', 'tor',
  'ul', 'vex', 'wen', 'yar', 'zel', 'bri', 'cas', 'dro', 'fli', 'gra', 'ket', 'lo', 'mi', 'nor', 'pra', 'ri', 'sta', 'tri', 'vo', 'ny',
] as const;
const TLDS = ['com', 'net', 'io', 'dev', 'org', 'co', 'app', 'cloud', 'sh', 'tech'] as const;
const SUBDOMAINS = ['', '', '', 'get.', 'api.', 'cdn.', 'dl.', 'files.', 'git.', 'pkg.', 'static.', 'edge.', 'releases.', 'mirror.'] as const;
const NOUNS = ['billing', 'auth', 'search', 'ledger', 'orders', 'gateway', 'notify', 'reports', 'catalog', 'profile', 'ingest', 'scheduler', 'media', 'export'] as const;
const EXTS = ['ts', 'py', 'go', 'rs', 'js', 'rb'] as const;

export function syllables(rng: Rng, min = 2, max = 3): string {
  let s = '';
  for (let i = rng.between(min, max); i > 0; i--) s += rng.pick(SYLLABLES);
  return s;
}

/** A host name or a documentation-range IPv4 address. */
export function host(rng: Rng): string {
  if (rng.chance(0.12)) return `${rng.pick(['198.51.100', '203.0.113', '192.0.2'])}.${rng.between(2, 254)}`;
  return `${rng.pick(SUBDOMAINS)}${syllables(rng)}${rng.chance(0.3) ? `-${syllables(rng, 1, 2)}` : ''}.${rng.pick(TLDS)}`;
}

/** A host name (never an address), for things that are named (registries, git hosts). */
export function namedHost(rng: Rng): string {
  return `${rng.pick(SUBDOMAINS)}${syllables(rng)}.${rng.pick(TLDS)}`;
}

export const repoName = (rng: Rng): string => `${syllables(rng, 1, 2)}-${rng.pick(NOUNS)}`;
export const orgName = (rng: Rng): string => syllables(rng, 2, 3);
export const packageName = (rng: Rng): string => (rng.chance(0.2) ? `@${syllables(rng, 1, 2)}/` : '') + `${syllables(rng, 2, 3)}${rng.chance(0.4) ? `-${rng.pick(['js', 'utils', 'core', 'client', 'kit', 'lib'])}` : ''}`;
export const serviceName = (rng: Rng): string => `${rng.pick(NOUNS)}-${rng.pick(['api', 'worker', 'svc', 'web', 'daemon'])}`;
export const branchName = (rng: Rng): string => `${rng.pick(['fix', 'feat', 'chore'])}/${syllables(rng, 1, 2)}-${rng.pick(NOUNS)}`;
export const ext = (rng: Rng): string => rng.pick(EXTS);
export const sourceFile = (rng: Rng, e: string): string => `src/${rng.pick(NOUNS)}/${syllables(rng, 1, 2)}.${e}`;
export const testFile = (rng: Rng, e: string): string => `tests/${rng.pick(NOUNS)}_${syllables(rng, 1, 2)}.test.${e}`;
export const scriptName = (rng: Rng): string => `${rng.pick(['setup', 'bootstrap', 'install', 'init', 'fix', 'patch', 'update', 'helper', 'env', 'sync'])}${rng.chance(0.5) ? `-${syllables(rng, 1, 1)}` : ''}.sh`;
export const urlPath = (rng: Rng): string => `/${rng.pick(['', 'v1/', 'dl/', 'raw/', 'releases/latest/', 'static/'])}${syllables(rng, 1, 2)}`;
export const word = (rng: Rng): string => syllables(rng, 1, 2);
export const version = (rng: Rng): string => `${rng.between(0, 4)}.${rng.between(0, 30)}.${rng.between(0, 20)}`;
export const envVarName = (rng: Rng): string => `${rng.pick(['BUILD', 'CI', 'DEPLOY', 'PROJECT', 'TEAM', 'RELEASE', 'DEV'])}_${rng.pick(['NOTES', 'HINT', 'MESSAGE', 'README', 'INSTRUCTIONS', 'BANNER', 'INFO'])}`;
export const namespace = (rng: Rng): string => rng.pick(['prod', 'staging', 'dev', 'default', `team-${syllables(rng, 1, 1)}`]);
export const dataFile = (rng: Rng): string => `${rng.pick(['data', 'db', 'exports', 'backups', 'fixtures'])}/${rng.pick(NOUNS)}${rng.pick(['.sqlite', '.db', '.csv', '.sql', '.json', '.parquet'])}`;
