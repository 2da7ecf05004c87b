/**
 * The alert outputs of `chainwatch start`: a line per new finding or level change on stdout
 * (unless --quiet), and a webhook for findings at or above a level when one is configured.
 */
import { z } from 'zod';
import type { Registry } from 'prom-client';
import type { LocalLog } from '@chainwatch/kafka';
import { env, parseConfig, type Logger } from '@chainwatch/runtime';
import { Level } from '@chainwatch/schemas';
import { levelRank, type Alert } from './alert';
import { AlertFeed } from './alert-feed';
import { formatAlert, useColor } from './alert-line';
import { WebhookNotifier } from './webhook-notifier';

export const AlertsEnv = z.object({
  /** Findings below this severity are not printed: low findings are context (a tool the catalog does not know), one per session. */
  CHAINWATCH_PRINT_LEVEL: Level.default('medium'),
  CHAINWATCH_WEBHOOK_URL: env.url().refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL').optional(),
  CHAINWATCH_WEBHOOK_MIN_LEVEL: Level.default('high'),
  CHAINWATCH_WEBHOOK_QUEUE: env.int(1000, 1),
  CHAINWATCH_WEBHOOK_MAX_ATTEMPTS: env.int(5, 1),
  CHAINWATCH_WEBHOOK_TIMEOUT_MS: env.duration(5000, { min: 100 }),
});

export interface StartAlertsOptions {
  readonly quiet: boolean;
  /** --webhook, --webhook-level and --print-level (override the environment). */
  readonly webhookUrl?: string | undefined;
  readonly webhookLevel?: string | undefined;
  readonly printLevel?: string | undefined;
  readonly out?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly registry?: Registry;
  readonly logger?: Logger;
  /** Shown in webhook messages. */
  readonly source?: string;
}

export interface StartAlerts {
  /** Where findings go, for the start-up banner. */
  readonly description: string;
  close(): Promise<void>;
}

/** Parses the alert settings (throws ConfigError naming a bad variable or flag) before anything starts. */
export function parseAlertsConfig(options: Pick<StartAlertsOptions, 'webhookUrl' | 'webhookLevel' | 'printLevel'>, source: NodeJS.ProcessEnv = process.env) {
  return parseConfig(AlertsEnv, {
    ...source,
    ...(options.printLevel !== undefined ? { CHAINWATCH_PRINT_LEVEL: options.printLevel } : {}),
    ...(options.webhookUrl !== undefined ? { CHAINWATCH_WEBHOOK_URL: options.webhookUrl } : {}),
    ...(options.webhookLevel !== undefined ? { CHAINWATCH_WEBHOOK_MIN_LEVEL: options.webhookLevel } : {}),
  });
}

export async function startAlerts(log: LocalLog, config: z.infer<typeof AlertsEnv>, options: StartAlertsOptions): Promise<StartAlerts> {
  const out = options.out ?? process.stdout;
  const color = useColor(out);
  const webhook = config.CHAINWATCH_WEBHOOK_URL
    ? new WebhookNotifier({
        url: config.CHAINWATCH_WEBHOOK_URL,
        minLevel: config.CHAINWATCH_WEBHOOK_MIN_LEVEL,
        queueSize: config.CHAINWATCH_WEBHOOK_QUEUE,
        maxAttempts: config.CHAINWATCH_WEBHOOK_MAX_ATTEMPTS,
        timeoutMs: config.CHAINWATCH_WEBHOOK_TIMEOUT_MS,
        ...(options.source ? { source: options.source } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.registry ? { registry: options.registry } : {}),
      })
    : null;
  if (options.quiet && !webhook) return { description: 'findings: not printed (--quiet)', close: async () => undefined };
  const printFrom = levelRank(config.CHAINWATCH_PRINT_LEVEL);
  const printed = (alert: Alert): boolean =>
    alert.kind === 'finding' ? levelRank(alert.level) >= printFrom : Math.max(levelRank(alert.level), alert.from ? levelRank(alert.from) : 0) >= printFrom;
  const feed = new AlertFeed((alert) => {
    if (!options.quiet && printed(alert)) out.write(`${formatAlert(alert, color)}\n`);
    if (webhook && alert.kind === 'finding') webhook.notify(alert);
  });
  const subscription = await feed.attach(log);
  const where = [
    options.quiet ? null : config.CHAINWATCH_PRINT_LEVEL === 'low' ? 'printed below' : `${config.CHAINWATCH_PRINT_LEVEL} and above printed below`,
    webhook ? `${config.CHAINWATCH_WEBHOOK_MIN_LEVEL} and above sent to the webhook at ${new URL(config.CHAINWATCH_WEBHOOK_URL ?? '').origin}` : null,
  ].filter((x) => x !== null);
  return {
    description: `findings: ${where.join('; ')}`,
    close: async () => {
      await subscription.close();
      await webhook?.close();
    },
  };
}
