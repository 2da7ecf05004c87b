#!/usr/bin/env node
// Runs the built CLI (services/cli/dist, made by `npm run build`, which `npm ci` runs too).
// From the TypeScript sources instead: `npm run chainwatch -- ...`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('chainwatch: not built yet: run `npm run build` (or `npm run chainwatch -- ...` to run the sources)\n');
  process.exit(1);
}
await import(main.href);
