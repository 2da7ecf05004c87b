import { UsageError } from '../usage-error';
import { parseCliArgs, intOption } from './cli-args';
import { resolveToken } from './dev-token';
import { formatProgress, runReplay } from './replay';

const USAGE = 'usage: chainwatch replay FILE [--url http://127.0.0.1:8080] [--token T] [--batch-lines N]';

export async function runReplayCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(
    argv,
    { url: { type: 'string' }, token: { type: 'string' }, 'batch-lines': { type: 'string' } },
    USAGE,
  );
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(USAGE);
  const url = values.url ?? process.env.CHAINWATCH_URL ?? 'http://127.0.0.1:8080';
  const token = resolveToken(values.token);
  const tty = process.stderr.isTTY;
  const summary = await runReplay({
    file,
    url,
    token,
    batchLines: intOption('batch-lines', values['batch-lines'], 1000),
    onProgress: (p) => process.stderr.write(tty ? `\r${formatProgress(p)}` : `${formatProgress(p)}\n`),
  });
  if (tty) process.stderr.write('\n');
  console.log(
    `replay: done in ${(summary.elapsedMs / 1000).toFixed(1)}s: ${summary.lines} lines, ${summary.accepted} accepted, ${summary.rejected} rejected`,
  );
  for (const r of summary.rejections) console.log(`  line ${r.line}: ${r.error}`);
  if (summary.rejected > summary.rejections.length) console.log(`  ... and ${summary.rejected - summary.rejections.length} more`);
  return summary.rejected > 0 ? 1 : 0;
}
