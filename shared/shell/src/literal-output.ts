/**
 * What a command prints when that is known statically (`echo LITERAL`, `printf LITERAL`,
 * `cat <<'EOF'`), and static decoding of base64 and hex payloads, so `echo … | base64 -d | sh`
 * is analysed as the code it runs instead of being an opaque blob.
 */
import { hasOption, parseArgs } from './command-options';
import type { Invocation } from './invocation';

export function literalOutput(inv: Invocation): string | null {
  const argv = inv.argv;
  if (inv.name === 'echo') {
    let i = 1;
    while (i < argv.length && /^-[neE]+$/.test(argv[i]?.value ?? '')) i++;
    const words = argv.slice(i);
    return words.every((w) => w.literal) ? words.map((w) => w.value).join(' ') : null;
  }
  if (inv.name === 'printf') {
    const words = argv.slice(1);
    if (words.length === 0 || !words.every((w) => w.literal)) return null;
    const format = (words[0]?.value ?? '').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    if (words.length === 1) return format.includes('%') ? null : format;
    if (format === '%s' || format === '%s\n' || format === '%b') return words.slice(1).map((w) => w.value).join('');
    return null;
  }
  if (inv.name === 'cat' && argv.length === 1) {
    const body = inv.redirects.find((r) => r.body !== null)?.body;
    return body !== undefined && body !== null && body.literal ? body.value : null;
  }
  return null;
}

export type Decoding = 'base64' | 'hex';

/** The decoding a command applies to its input, or null. */
export function decodingOf(inv: Invocation): Decoding | null {
  if (inv.name === 'base64' || inv.name === 'base32') {
    const p = parseArgs(inv.argv, { shortWithValue: 'w', longWithValue: ['wrap'] });
    return inv.name === 'base64' && hasOption(p, 'd', 'D', 'decode') ? 'base64' : null;
  }
  if (inv.name === 'xxd') {
    const p = parseArgs(inv.argv, { shortWithValue: 'cglsno' });
    return hasOption(p, 'r') && hasOption(p, 'p', 'ps', 'plain') ? 'hex' : null;
  }
  if (inv.name === 'openssl') {
    const sub = inv.argv[1]?.value;
    const args = inv.argv.slice(2).map((w) => w.value);
    if ((sub === 'base64' || (sub === 'enc' && (args.includes('-base64') || args.includes('-a')))) && args.includes('-d') && !args.some((a) => a === '-k' || a === '-pass' || a === '-K')) return 'base64';
  }
  return null;
}

const BASE64 = /^[A-Za-z0-9+/=_\-\s]*$/;
const HEX = /^[0-9a-fA-F\s]*$/;

/** Decodes a payload; null when it is not of that encoding or decodes to nothing. */
export function decodeLiteral(text: string, how: Decoding): string | null {
  const t = text.trim();
  if (t === '') return null;
  if (how === 'base64') {
    if (!BASE64.test(t)) return null;
    const out = Buffer.from(t.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return out === '' ? null : out;
  }
  if (!HEX.test(t)) return null;
  const hex = t.replace(/\s+/g, '');
  if (hex.length % 2 !== 0) return null;
  const out = Buffer.from(hex, 'hex').toString('utf8');
  return out === '' ? null : out;
}
