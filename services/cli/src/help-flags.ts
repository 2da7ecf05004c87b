import { readFileSync } from 'node:fs';

/** Flags that ask for help or the version, before a `--` that ends the options. */
function options(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

export function wantsHelp(argv: readonly string[]): boolean {
  return options(argv).some((a) => a === '--help' || a === '-h');
}

export function wantsVersion(argv: readonly string[]): boolean {
  return options(argv).some((a) => a === '--version' || a === '-V');
}

/** `chainwatch 0.1.0 (node v24.21.0)`: the CLI's version and the Node.js it runs on. */
export function versionLine(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return `chainwatch ${pkg.version ?? '0.0.0'} (node ${process.version})`;
}
