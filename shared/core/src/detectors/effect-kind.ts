/**
 * The kind of side effect an action has (moving money, changing credentials or access, deleting),
 * from its operation, the words of its tool name and its arguments (an IBAN as the destination, a
 * password argument), never from a list of tool names. Paired with what the task asks for
 * (intent/task-asks.ts) by the behaviour detector.
 */
import { nameTokens } from '../catalog/infer-tool';
import type { ResolvedAction } from '../catalog/resolve-action';
import type { EffectKind } from '../intent/task-asks';

export type { EffectKind };


const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** Words in a tool name (or argument name) that say it moves money. */
const MONEY_NAME_WORDS = new Set([
  'pay', 'payment', 'payments', 'payout', 'transfer', 'transfers', 'wire', 'remit', 'remittance', 'refund', 'money', 'funds',
  'fund', 'transaction', 'transactions', 'withdraw', 'withdrawal', 'donate', 'donation', 'tip', 'purchase', 'buy', 'checkout',
  'invoice', 'bill', 'billing', 'charge', 'deposit', 'trade', 'crypto', 'bitcoin', 'swift', 'sepa', 'order', 'orders', 'sell',
  'bid', 'stock', 'stocks', 'shares',
]);

/** Words in a tool or argument name that say it handles authentication secrets or security settings. */
const CREDENTIAL_NAME_WORDS = new Set([
  'password', 'passwords', 'passwd', 'passcode', 'passphrase', 'credential', 'credentials', 'pin', 'otp', 'mfa', '2fa', 'totp',
  'secret', 'secrets', 'token', 'tokens', 'apikey', 'recovery', 'security', 'auth', 'authentication', 'login',
  // access control: who may get in or do what
  'access', 'permission', 'permissions', 'privilege', 'privileges', 'role', 'roles', 'admin', 'guest', 'guests', 'acl',
]);

interface NameFlags {
  readonly money: boolean;
  readonly credential: boolean;
}

const CACHE_CAP = 4096;
const nameCache = new Map<string, NameFlags>();

function flagsOf(name: string): NameFlags {
  let hit = nameCache.get(name);
  if (hit === undefined) {
    const tokens = nameTokens(name);
    hit = { money: tokens.some((t) => MONEY_NAME_WORDS.has(t)), credential: tokens.some((t) => CREDENTIAL_NAME_WORDS.has(t)) };
    if (nameCache.size >= CACHE_CAP) nameCache.clear();
    nameCache.set(name, hit);
  }
  return hit;
}

/**
 * The kind of side effect an action has, or null for reads, delegation and ordinary writes/sends.
 * Money first (a payment that also deletes a standing order is still a payment), then credentials
 * and access control, then deletion.
 */
export function effectKind(act: ResolvedAction): EffectKind | null {
  const op = act.operation;
  if (op === 'read' || op === 'delegate') return null;
  const name = flagsOf(act.tool);
  const changes = op === 'send' || op === 'write';
  if (changes && (name.money || act.destinations.some((d) => IBAN.test(d)))) return 'pay';
  if (name.credential) return 'credential';
  // A write that sets a password (update_user(password=...)) changes credentials whatever its name.
  if (op === 'write' && act.argNames.some((k) => flagsOf(k).credential)) return 'credential';
  if (op === 'delete') return 'delete';
  return null;
}

