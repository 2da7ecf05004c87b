import { describe, expect, it } from 'vitest';
import { CatalogError, extractEntitiesFromArgs, inferToolFromName, parseToolCatalog, resolveAction } from '../src/index';
import { EMPTY_CATALOG } from '../src/catalog/tool-catalog';
import { loadDefaultPolicy } from '../src/index';

describe('tool catalog', () => {
  it('parses and validates a catalog, applying defaults', () => {
    const c = parseToolCatalog(`version: 3\norg_domains: [Example.ORG]\ntools:\n  send_mail: { operation: send, egress: true, scopes: [mail.send] }\n`);
    expect(c.version).toBe('3');
    expect(c.org_domains).toEqual(['example.org']);
    expect(c.tools.send_mail).toMatchObject({ operation: 'send', data_class: 'internal', egress: true, scopes: ['mail.send'] });
  });

  it('rejects an invalid catalog with the offending path', () => {
    expect(() => parseToolCatalog('version: 1\ntools:\n  x: { operation: teleport }\n')).toThrow(CatalogError);
    expect(() => parseToolCatalog('version: 1\ntools:\n  x: { operation: teleport }\n')).toThrow(/tools\.x\.operation/);
    expect(() => parseToolCatalog('version: [')).toThrow(/invalid YAML/);
  });

  it('ships a catalog and a policy that load', () => {
    const { catalog, policy } = loadDefaultPolicy();
    expect(Object.keys(catalog.tools).length).toBeGreaterThan(20);
    expect(policy.decisions.deny).toBeGreaterThanOrEqual(policy.decisions.step_up);
  });
});

describe('inference for unknown tools', () => {
  it.each([
    ['send_invoice', 'send'],
    ['GmailSendEmail', 'send'],
    ['transfer_money', 'send'],
    ['delete_repository', 'delete'],
    ['TerminalExecute', 'execute'],
    ['run_query', 'execute'],
    ['create_ticket', 'write'],
    ['update_record', 'write'],
    ['get_weather', 'read'],
    ['SearchNotes', 'read'],
    ['frobnicate', 'read'],
  ])('%s → %s', (name, op) => {
    expect(inferToolFromName(name).operation).toBe(op);
  });

  it('infers sensitive data classes from nouns', () => {
    expect(inferToolFromName('get_bank_balance').data_class).toBe('restricted');
    expect(inferToolFromName('read_password_vault').data_class).toBe('secret');
    expect(inferToolFromName('get_webpage').data_class).toBe('public');
    expect(inferToolFromName('list_items').data_class).toBe('internal');
  });

  it('finds e-mails, URLs, domains and IBANs in argument values', () => {
    const e = extractEntitiesFromArgs({ to: ['Bob@Mail.example.com'], body: 'see https://evil.test/x?y=1 and pay DE89370400440532013000', nested: { site: 'www.shop.io' } });
    expect(e.emails).toEqual(['bob@mail.example.com']);
    expect(e.urls).toContain('https://evil.test/x?y=1');
    expect(e.domains).toEqual(expect.arrayContaining(['mail.example.com', 'evil.test', 'shop.io']));
    expect(e.ibans).toEqual(['DE89370400440532013000']);
  });

  it('resolves an unknown sending tool to an external egress with its destination', () => {
    const r = resolveAction({ kind: 'tool_call', tool: 'send_message_to_partner', args: { recipient: 'ceo@partner.com', text: 'hi' } }, EMPTY_CATALOG);
    expect(r).toMatchObject({ operation: 'send', egress: true, destination: 'ceo@partner.com', destinationExternal: true, unknownTool: true });
  });

  it('takes phone numbers in destination arguments as external destinations', () => {
    const r = resolveAction({ kind: 'tool_call', tool: 'send_sms', args: { to_phone_numbers: ['+1 (212) 555-1234', '2125550000'], message: 'hi' } }, EMPTY_CATALOG);
    expect(r.destinations).toEqual(['tel:2125551234', 'tel:2125550000']);
    expect(r).toMatchObject({ destinationExternal: true, egress: true });
    const id = resolveAction({ kind: 'tool_call', tool: 'send_message', args: { user: '12345' } }, EMPTY_CATALOG);
    expect(id.destinationExternal).toBe(false);
  });

  it('treats org domains as internal', () => {
    const catalog = parseToolCatalog('version: 1\norg_domains: [example.org]\n');
    const r = resolveAction({ kind: 'tool_call', tool: 'send_email', args: { to: 'bob@mail.example.org' } }, catalog);
    expect(r.destinationExternal).toBe(false);
    expect(r.egress).toBe(false);
  });

  it('does not take addresses in a search query as destinations', () => {
    const r = resolveAction({ kind: 'tool_call', tool: 'search_emails', args: { query: 'from:eve@evil.test' } }, EMPTY_CATALOG);
    expect(r.destination).toBe('');
    expect(r.destinationExternal).toBe(false);
  });

  it('lets event fields override catalog and inference', () => {
    const r = resolveAction({ kind: 'data_access', tool: 'get_webpage', operation: 'write', data_class: 'secret', destination: 'internal' }, EMPTY_CATALOG);
    expect(r).toMatchObject({ operation: 'write', dataClass: 'secret', dataClassRank: 4, destination: 'internal', destinationExternal: false });
  });
});
