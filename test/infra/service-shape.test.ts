/**
 * Every service owns its wiring in services/<name>/src/service.ts, of one shape: a config loader
 * (parsed once) and a run function that builds the dependencies, runs, and hands back a
 * RunningService (summary, ended, logger, close). The CLI only parses arguments and calls them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as decisionApi from '@chainwatch/decision-api';
import * as mcpProxy from '@chainwatch/mcp-proxy';
import * as processor from '@chainwatch/session-processor';
import * as writer from '@chainwatch/trace-writer';
import { REPO_ROOT } from '../cli/run-cli';

const SERVICES = [
  { dir: 'services/session-processor', module: processor as Record<string, unknown>, config: 'loadProcessorServiceConfig', run: 'runProcessorService' },
  { dir: 'services/decision-api', module: decisionApi as Record<string, unknown>, config: 'loadDecisionApiConfig', run: 'runDecisionApiService' },
  { dir: 'services/trace-writer', module: writer as Record<string, unknown>, config: 'loadTraceWriterConfig', run: 'runTraceWriterService' },
  { dir: 'services/mcp-proxy', module: mcpProxy as Record<string, unknown>, config: 'parseMcpProxyConfig', run: 'runMcpProxy' },
];

const importsOf = (file: string): string[] =>
  [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/(?:from|import\()\s*'(@chainwatch\/[a-z-]+|kafkajs|prom-client|@clickhouse\/client)'/g)].map((m) => m[1]!);

describe('service wiring', () => {
  it.each(SERVICES)('$dir: src/service.ts exports its config loader and its run function', ({ dir, module, config, run }) => {
    expect(existsSync(join(REPO_ROOT, dir, 'src/service.ts'))).toBe(true);
    expect(typeof module[config], config).toBe('function');
    expect(typeof module[run], run).toBe('function');
    const source = readFileSync(join(REPO_ROOT, dir, 'src/service.ts'), 'utf8');
    expect(source).toMatch(new RegExp(`export async function ${run}\\(`));
    expect(source).toMatch(/RunningService/);
  });

  it('the CLI commands of the services load config and call the service: no wiring of their own', () => {
    for (const file of ['services/cli/src/commands/services.ts', 'services/cli/src/commands/mcp-proxy.ts']) {
      const wiring = importsOf(file).filter((m) => !['@chainwatch/session-processor', '@chainwatch/decision-api', '@chainwatch/trace-writer', '@chainwatch/mcp-proxy', '@chainwatch/runtime'].includes(m));
      expect(wiring, file).toEqual([]);
    }
  });
});
