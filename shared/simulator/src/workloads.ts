import type { Rng } from './prng';
import type { SessionSpec, SimSession } from './trace-builder';

/** Benign building blocks shared by benign and attack scenarios (an attack starts like normal work). */

export const CUSTOMER_DOMAINS = ['acme-corp.net', 'globex.io', 'initech.co', 'umbrella-health.org', 'stark-ind.com'] as const;
export const FIRST_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'] as const;
export const PUBLIC_SITES = ['docs.python.org', 'developer.mozilla.org', 'en.wikipedia.org', 'arxiv.org', 'www.rfc-editor.org', 'kafka.apache.org'] as const;

export function employee(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)}@example.com`;
}

export function customerEmail(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)}.${rng.pick(FIRST_NAMES)}@${rng.pick(CUSTOMER_DOMAINS)}`;
}

export const SUPPORT_TOOLS = ['kb.search', 'tickets.get', 'tickets.update', 'email.send'] as const;
export const CODING_TOOLS = ['repo.search', 'repo.read_file', 'repo.write_file', 'ci.run_tests'] as const;
export const FINANCE_TOOLS = ['invoices.list', 'ledger.query', 'reports.generate', 'chat.post_message'] as const;
export const RESEARCH_TOOLS = ['web.search', 'web.fetch', 'notes.write'] as const;

export function supportSpec(rng: Rng, customer: string): SessionSpec {
  const ticket = `SUP-${rng.between(10_000, 99_999)}`;
  return {
    agentType: 'support-assistant',
    intent: `Answer ticket ${ticket} from ${customer} about ${rng.pick(['a failed login', 'an invoice question', 'an API rate limit', 'a data export'])}`,
    scopes: ['kb.read', 'tickets.read', 'tickets.write', 'email.send'],
    maxDataClass: 'internal',
    allowedTools: [...SUPPORT_TOOLS],
    allowedDestinations: [customer],
  };
}

export function codingSpec(rng: Rng, extraScopes: readonly string[] = []): SessionSpec {
  return {
    agentType: 'coding-agent',
    intent: `Fix issue #${rng.between(100, 9_999)}: ${rng.pick(['flaky retry in the billing client', 'null check in the auth handler', 'pagination off-by-one', 'timeout on large uploads'])}`,
    scopes: ['repo.read', 'repo.write', 'ci.run', ...extraScopes],
    maxDataClass: 'internal',
    allowedTools: [...CODING_TOOLS],
    allowedDestinations: ['internal'],
  };
}

export function financeSpec(rng: Rng): SessionSpec {
  return {
    agentType: 'finance-agent',
    intent: `Prepare the ${rng.pick(['weekly', 'month-end'])} accounts-payable summary for #finance-close`,
    scopes: ['invoices.read', 'ledger.read', 'reports.write', 'chat.write'],
    maxDataClass: 'confidential',
    allowedTools: [...FINANCE_TOOLS],
    allowedDestinations: ['internal'],
  };
}

export function researchSpec(rng: Rng, extra: Partial<SessionSpec> = {}): SessionSpec {
  const site = rng.pick(PUBLIC_SITES);
  return {
    agentType: 'research-agent',
    intent: `Summarise current guidance on ${rng.pick(['OAuth token exchange', 'SPIFFE workload identity', 'Kafka exactly-once semantics', 'prompt injection defences'])} from ${site} and write the summary to the research notes`,
    scopes: ['web.read', 'notes.write'],
    maxDataClass: 'internal',
    allowedTools: [...RESEARCH_TOOLS],
    ...extra,
  };
}

export function supportWork(s: SimSession, rng: Rng, customer: string): void {
  s.call('tickets.get');
  for (let i = rng.between(1, 3); i > 0; i--) s.call('kb.search', { args: { query: rng.pick(['reset password', 'invoice copy', 'rate limit', 'export data']) } });
  s.call('tickets.update', { args: { status: 'pending-customer' } });
  s.call('email.send', { destination: customer, args: { to: customer, subject: 'Re: your support request' } });
}

export function codingWork(s: SimSession, rng: Rng): void {
  s.call('repo.search', { args: { query: rng.pick(['retry', 'nullable', 'offset', 'timeout']) } });
  for (let i = rng.between(2, 5); i > 0; i--) s.call('repo.read_file');
  for (let round = rng.between(1, 2); round > 0; round--) {
    s.call('repo.write_file');
    s.call('ci.run_tests', { destination: 'internal' });
  }
}

export function financeWork(s: SimSession, rng: Rng): void {
  s.call('invoices.list');
  for (let i = rng.between(1, 3); i > 0; i--) s.call('ledger.query');
  s.call('reports.generate');
  s.call('chat.post_message', { destination: 'internal', args: { channel: '#finance-close' } });
}

/** Reads the site the task names, then writes internal notes. */
export function researchWork(s: SimSession, rng: Rng): void {
  const site = /\bfrom (\S+)/.exec(s.task.intent ?? '')?.[1] ?? rng.pick(PUBLIC_SITES);
  const pages = [`https://${site}/guide`, `https://${site}/reference/${rng.hex(6)}`];
  s.call('web.search', { args: { query: s.task.intent ?? 'research', site }, resultEntities: { urls: pages, domains: [site] } });
  for (let i = rng.between(1, 2); i > 0; i--) {
    const url = rng.pick(pages);
    s.call('web.fetch', { args: { url }, resultEntities: { domains: [site] } });
  }
  s.call('notes.write', { destination: 'internal' });
}
