/**
 * What the upstream server said about its tools in tools/list: each tool's MCP annotations (the
 * four hints and the title the contract carries in action.annotations) and input schema. A tool whose definition
 * changes after it was first listed (a "rug pull") is reported, so the caller can log it.
 */
import { createHash } from 'node:crypto';
import type { ToolAnnotations } from '@chainwatch/schemas';

export interface ToolRecord {
  readonly name: string;
  readonly annotations: ToolAnnotations | undefined;
  readonly inputSchema: unknown;
  /** sha256 of the definition the server gave (description, schemas, annotations). */
  readonly digest: string;
}

const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;
const MAX_TOOLS = 4096;

/** The four hints, when the server declared any of them as booleans, and the tool's title (it names shells). */
export function annotationsOf(tool: { annotations?: unknown; title?: unknown }): ToolAnnotations | undefined {
  const a = tool.annotations !== null && typeof tool.annotations === 'object' ? (tool.annotations as Record<string, unknown>) : {};
  const out: ToolAnnotations = {};
  let any = false;
  for (const h of HINTS) {
    const v = a[h];
    if (typeof v === 'boolean') {
      out[h] = v;
      any = true;
    }
  }
  const title = a.title ?? tool.title;
  if (typeof title === 'string' && title !== '') {
    out.title = title.slice(0, 256);
    any = true;
  }
  return any ? out : undefined;
}

export class ToolRegistry {
  private readonly tools = new Map<string, ToolRecord>();

  /** Records one page of tools/list; returns the names whose definition changed since first seen. */
  record(tools: readonly unknown[]): string[] {
    const changed: string[] = [];
    for (const t of tools) {
      if (t === null || typeof t !== 'object') continue;
      const tool = t as { name?: unknown; title?: unknown; inputSchema?: unknown; annotations?: unknown };
      if (typeof tool.name !== 'string') continue;
      const { name } = tool;
      const digest = `sha256:${createHash('sha256').update(JSON.stringify(t)).digest('hex')}`;
      const known = this.tools.get(name);
      if (known !== undefined && known.digest !== digest) changed.push(name);
      if (known === undefined && this.tools.size >= MAX_TOOLS) continue;
      this.tools.set(name, { name, annotations: annotationsOf(tool), inputSchema: tool.inputSchema, digest });
    }
    return changed;
  }

  get(name: string): ToolRecord | undefined {
    return this.tools.get(name);
  }

  get size(): number {
    return this.tools.size;
  }
}
