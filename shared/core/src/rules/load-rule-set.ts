/**
 * Loading rule files from disk: files and directories, in the order given. A directory
 * contributes its *.yaml / *.yml files sorted by name (recursively), except *.example.yaml,
 * which are documentation; name an example file explicitly to load it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicySource } from './policy-source';
import { parseRuleSet, type RuleSet } from './rule-set';
import { RuleSetError } from './rule-set-error';

/** The rules shipped with Chainwatch. */
export const SHIPPED_RULES_DIR: string = fileURLToPath(new URL('../../policy/rules/', import.meta.url));

const RULE_FILE = /\.ya?ml$/i;
const EXAMPLE_FILE = /\.example\.ya?ml$/i;

/** Resolve paths to rule files, in load order. Throws RuleSetError when a path cannot be read. */
export function ruleFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && RULE_FILE.test(e.name) && !EXAMPLE_FILE.test(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (isDir) walk(p);
    else files.push(p);
  }
  if (missing.length > 0) throw new RuleSetError(missing.map((file) => ({ file, message: 'no such file or directory' })));
  return files;
}

export function readRuleSources(paths: readonly string[]): PolicySource[] {
  return ruleFiles(paths).map((name) => ({ name, text: readFileSync(name, 'utf8') }));
}

/** Load and compile rule files (files or directories, in order). Throws RuleSetError listing every problem. */
export function loadRuleSet(paths: readonly string[]): RuleSet {
  return parseRuleSet(readRuleSources(paths));
}
