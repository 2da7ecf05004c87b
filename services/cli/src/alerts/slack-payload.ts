/**
 * Findings as a Slack incoming-webhook message (`text` + Block Kit `blocks`), which Mattermost,
 * Rocket.Chat, Discord's /slack endpoint and most chat bridges accept too. Agent-supplied text is
 * escaped for Slack's mrkdwn (`&`, `<`, `>`), so a session id cannot become a link or a mention.
 */
import type { FindingAlert } from './alert';
import { printable } from './alert';

export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

type SlackBlock =
  | { readonly type: 'header'; readonly text: { readonly type: 'plain_text'; readonly text: string } }
  | { readonly type: 'section'; readonly text: { readonly type: 'mrkdwn'; readonly text: string } }
  | { readonly type: 'context'; readonly elements: readonly { readonly type: 'mrkdwn'; readonly text: string }[] };

const EMOJI: Record<FindingAlert['level'], string> = { low: ':information_source:', medium: ':warning:', high: ':rotating_light:', critical: ':fire:' };

/** Slack shows at most 50 blocks; each finding takes one section. */
export const MAX_FINDINGS_PER_MESSAGE = 20;

export function slackPayload(findings: readonly FindingAlert[], source: string): SlackPayload {
  if (findings.length === 0) throw new Error('slackPayload needs at least one finding');
  const shown = findings.slice(0, MAX_FINDINGS_PER_MESSAGE);
  const headline =
    findings.length === 1
      ? `Chainwatch: ${shown[0]!.level} finding ${printable(shown[0]!.rule_id, 80)} in session ${printable(shown[0]!.session_id, 64)}`
      : `Chainwatch: ${findings.length} findings`;
  const sections: SlackBlock[] = shown.map((f) => ({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text:
        `${EMOJI[f.level]} *${f.level.toUpperCase()}* \`${mrkdwn(printable(f.rule_id, 80))}\` in session \`${mrkdwn(printable(f.session_id, 64))}\`` +
        ` (trace \`${mrkdwn(printable(f.trace_id, 64))}\`, ${mrkdwn(printable(f.agent_type, 40))})\n${mrkdwn(printable(f.message, 500))}`,
    },
  }));
  const text = [headline, ...shown.map((f) => `[${f.level}] ${printable(f.rule_id, 80)} ${printable(f.session_id, 64)}: ${printable(f.message, 300)}`)].join('\n');
  return {
    text: mrkdwn(text),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150) } },
      ...sections,
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: mrkdwn(
              `${source}${findings.length > shown.length ? ` · ${findings.length - shown.length} more not shown` : ''} · investigate: GET /v1/findings?level=${lowest(shown)}`,
            ),
          },
        ],
      },
    ],
  };
}

function lowest(findings: readonly FindingAlert[]): string {
  const order = ['low', 'medium', 'high', 'critical'];
  return order[Math.min(...findings.map((f) => order.indexOf(f.level)))] ?? 'low';
}

/** Slack's three mrkdwn control characters. */
function mrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
