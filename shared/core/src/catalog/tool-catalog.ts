/**
 * The tool catalog: policy that maps tool names to what they do. Enforcement points often know
 * only the tool name; the catalog fills operation, data class of the result, egress and required
 * scopes. Organisation-owned domains are part of it (`org_domains`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { DataClass, Operation } from '@chainwatch/schemas';

export const ContentTrust = z.enum(['internal', 'external']);
export type ContentTrust = z.infer<typeof ContentTrust>;

/**
 * How far a tool's output is trusted as the source of an argument of a later action (a recipient,
 * a host, an account, a path, a command): where the values it returns come from.
 * - `web`: the open web: pages, search results, anything anyone can publish (MCP openWorldHint).
 * - `third_party`: other content written by others: inbound messages, chat channels, shared files
 *   and documents, calendar invitations, reviews, transaction notes.
 * - `own`: the principal's own data: profile, own accounts and balances, settings.
 * - `directory`: an internal directory: contacts, colleagues, members of a team or channel.
 * - `system`: the organisation's own systems of record (ledger, ERP, inventory, CI).
 * - `agent`: another agent's output (a delegated session's result).
 */
export const OUTPUT_TRUSTS = ['system', 'own', 'directory', 'third_party', 'agent', 'web'] as const;
export const OutputTrust = z.enum(OUTPUT_TRUSTS);
export type OutputTrust = z.infer<typeof OutputTrust>;

export const ToolSpec = z
  .object({
    operation: Operation,
    /** Data class of what the tool returns (reads) or handles. */
    data_class: DataClass.default('internal'),
    /** The tool sends data out of the organisation. */
    egress: z.boolean().default(false),
    scopes: z.array(z.string().min(1).max(256)).max(32).default([]),
    /** Argument names that carry the destination (recipient, url, account...). */
    destination_args: z.array(z.string().min(1).max(128)).max(16).default([]),
    /** How far the tool's output is trusted as a source of later arguments (see OutputTrust). */
    output_trust: OutputTrust.optional(),
    /** Older form of output_trust: 'external' = third_party, 'internal' = system. */
    result_trust: ContentTrust.optional(),
    description: z.string().max(1024).optional(),
  })
  .strict();
export type ToolSpec = z.infer<typeof ToolSpec>;

export const ToolCatalog = z
  .object({
    version: z.union([z.string().min(1).max(64), z.number()]).transform(String),
    org_domains: z.array(z.string().min(1).max(253).transform((d) => d.toLowerCase())).max(1024).default([]),
    tools: z.record(z.string().min(1).max(256), ToolSpec).default({}),
  })
  .strict();
export type ToolCatalog = z.infer<typeof ToolCatalog>;

export const EMPTY_CATALOG: ToolCatalog = { version: '0', org_domains: [], tools: {} };

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

export function parseToolCatalog(text: string, source = 'catalog'): ToolCatalog {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new CatalogError(`${source}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ToolCatalog.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CatalogError(`${source}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid catalog'}`);
  }
  return parsed.data;
}

export function loadToolCatalog(path: string): ToolCatalog {
  return parseToolCatalog(readFileSync(path, 'utf8'), path);
}
