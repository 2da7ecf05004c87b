/**
 * The supply-chain settings stay as decided (docs/decisions/0005-dependency-policy.md): one zod,
 * pinned exactly, in every package that uses it; every package with an install script reviewed
 * (allowed or denied) in package.json's allowScripts; a minimum release age in .npmrc.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli';

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly allowScripts?: Record<string, boolean>;
}
interface LockEntry {
  readonly version?: string;
  readonly hasInstallScript?: boolean;
  readonly link?: boolean;
}

const read = <T>(path: string): T => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;
const lock = read<{ packages: Record<string, LockEntry> }>('package-lock.json');
/** The workspace packages, from the lockfile's links (the root package.json's workspaces, resolved). */
const workspaceDirs = Object.entries(lock.packages)
  .filter(([key, entry]) => key.startsWith('node_modules/@chainwatch/') && entry.link === true)
  .map(([key]) => (lock.packages[key] as { resolved?: string }).resolved ?? key);
const manifests = ['', ...workspaceDirs].map((dir) => ({ dir: dir || '.', manifest: read<Manifest>(join(dir, 'package.json')) }));

describe('dependency policy', () => {
  it('finds the workspace packages', () => {
    expect(manifests.length).toBeGreaterThan(10);
  });

  it('pins one zod version, exactly, in every package that uses it: the one installed', () => {
    const installed = lock.packages['node_modules/zod']?.version;
    const specs = manifests.flatMap(({ dir, manifest }) =>
      (['dependencies', 'devDependencies', 'peerDependencies'] as const).flatMap((field) => {
        const spec = manifest[field]?.zod;
        return spec === undefined ? [] : [`${dir} ${field}: ${spec}`];
      }),
    );
    expect(specs.length).toBeGreaterThan(5);
    expect(specs.filter((s) => !s.endsWith(`: ${installed}`))).toEqual([]);
    // Nothing else in the tree brings a second zod.
    const copies = Object.entries(lock.packages).filter(([key]) => key.endsWith('node_modules/zod'));
    expect(copies.map(([key, e]) => `${key}@${e.version}`)).toEqual([`node_modules/zod@${installed}`]);
  });

  it('every package with an install script is reviewed: allowed or denied in allowScripts', () => {
    const policy = read<Manifest>('package.json').allowScripts ?? {};
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => !(name in policy))).toEqual([]);
    // No approval for a package that no longer has one (stale entries widen the policy silently).
    expect(Object.keys(policy).filter((name) => !withScripts.includes(name))).toEqual([]);
  });

  it('npm installs nothing published less than a week ago', () => {
    const npmrc = readFileSync(join(REPO_ROOT, '.npmrc'), 'utf8');
    const days = Number(/^min-release-age\s*=\s*(\d+)\s*$/m.exec(npmrc)?.[1]);
    expect(days).toBeGreaterThanOrEqual(7);
  });
});
