import { UsageError } from '../usage-error';
import { ProgressReporter } from '../console/progress-bar';
import { assertReachable, locateServer } from '../instance/server-locator';
import { parseCliArgs, intOption } from './cli-args';
import { resolveToken } from './dev-token';
import { assertInputFile } from './input-file';
import { runReplay } from './replay';

export async function runReplayCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, 'replay');
  const file = positionals[0];
  if (!file) throw new UsageError('replay needs the NDJSON file to send: chainwatch replay FILE (chainwatch replay --help)');
  if (positionals.length > 1) throw new UsageError(`replay takes one FILE, got ${positionals.length}: ${positionals.join(' ')} (chainwatch replay --help)`);
  // Cheap checks first: a missing file or an absent server is one line before anything is read.
  assertInputFile(file, 'an NDJSON file', 'give the path of an NDJSON file of AgentActionEvents (one JSON object per line)');
  const server = locateServer(values.url);
  await assertReachable(server);
  const token = resolveToken(values.token);
  const reporter = new ProgressReporter(process.stderr, { label: 'replay:' });
  const summary = await runReplay({
    file,
    url: server.url,
    token,
    batchLines: intOption('batch-lines', values['batch-lines'], 1000),
    progressIntervalMs: reporter.tty ? 100 : 1000,
    onProgress: (p) =>
      reporter.update({
        done: p.bytesRead,
        total: p.totalBytes,
        detail: `${p.lines} lines, ${p.accepted} accepted, ${p.rejected} rejected, ${Math.round(p.rate)}/s`,
      }),
  });
  reporter.finish();
  console.log(
    `replay: done in ${(summary.elapsedMs / 1000).toFixed(1)}s: ${summary.lines} lines, ${summary.accepted} accepted, ${summary.rejected} rejected (${server.url})`,
  );
  for (const r of summary.rejections) console.log(`  line ${r.line}: ${r.error}`);
  if (summary.rejected > summary.rejections.length) console.log(`  ... and ${summary.rejected - summary.rejections.length} more`);
  return summary.rejected > 0 ? 1 : 0;
}
