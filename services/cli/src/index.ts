/**
 * The `chainwatch` command is the package's product (bin/chainwatch.mjs → src/main.ts). What other
 * packages may use of it, as a library: the webhook notifier, whose metrics the Services
 * dashboard queries.
 */
export { WebhookNotifier, type WebhookOptions } from './alerts/webhook-notifier';
