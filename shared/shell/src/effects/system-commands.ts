/**
 * Encryption and password-protected archives (openssl enc, gpg, zip -P, 7z -p, age), persistence
 * (crontab, systemctl enable, launchctl, update-rc.d, at), privilege (chmod 777 / setuid, chown
 * root, setcap, group changes), and commands that print secrets (environment dumps, credential
 * helpers and cloud CLIs that print tokens, cluster secrets).
 */
import { hasOption, optionValues, parseArgs } from '../command-options';
import type { Invocation } from '../invocation';
import { isSecretVariable } from '../sensitive-paths';
import type { Word } from '../word-value';
import { emit, readPath, writePath, type EffectContext } from './effect-context';
import { OPENSSL_CLIENT, type Handler } from './network-commands';

function encrypted(cx: EffectContext, inv: Invocation, detail: string, inputs: readonly Word[], fallback: string): void {
  if (inputs.length === 0) emit(cx, inv, 'encryption', detail, fallback);
  for (const w of inputs) {
    readPath(cx, inv, w);
    emit(cx, inv, 'encryption', detail, cx.out.readPath(w).normalised, { dynamic: !w.literal });
  }
}

const CIPHER_PREFIXES = ['aes', 'des', 'bf', 'blowfish', 'camellia', 'cast', 'chacha', 'rc2', 'rc4', 'rc5', 'seed', 'sm4', 'aria', 'idea'];

const openssl: Handler = (inv, cx) => {
  const sub = inv.argv[1]?.value ?? '';
  OPENSSL_CLIENT(inv, cx);
  const p = parseArgs(inv.argv, { singleDashWithValue: ['in', 'out', 'k', 'kfile', 'pass', 'passin', 'passout', 'K', 'iv', 'S', 'md', 'inkey', 'recip', 'certfile', 'key', 'keyform', 'config', 'inform', 'outform', 'iter', 'engine', 'rand', 'signer', 'subj', 'days', 'newkey', 'CA', 'CAkey', 'CAfile', 'extfile', 'extensions', 'name', 'digest', 'pubin', 'sigfile', 'signature', 'keyout', 'cipher'] }, 2);
  const ins = optionValues(p, 'in', 'kfile', 'inkey', 'key', 'CAkey');
  const outs = optionValues(p, 'out', 'keyout');
  const decrypt = hasOption(p, 'd', 'decrypt');
  const isCipher = sub === 'enc' || CIPHER_PREFIXES.some((c) => sub.toLowerCase().startsWith(c));
  const isEnvelope = (sub === 'smime' || sub === 'cms') && hasOption(p, 'encrypt');
  const isPkey = (sub === 'rsautl' || sub === 'pkeyutl') && hasOption(p, 'encrypt');
  if ((isCipher && !decrypt && !(sub === 'enc' && hasOption(p, 'base64', 'a') && !hasOption(p, 'k', 'pass', 'kfile', 'K') && !p.options.some((o) => CIPHER_PREFIXES.some((c) => o.name.startsWith(c))))) || isEnvelope || isPkey) {
    encrypted(cx, inv, 'openssl_enc', optionValues(p, 'in'), 'stdin');
  } else {
    for (const w of ins) readPath(cx, inv, w);
  }
  if ((sub === 'base64' || sub === 'enc') && decrypt) cx.flow.decoders.add(inv.seq);
  for (const w of outs) writePath(cx, inv, w);
};

const gpg: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, {
    shortWithValue: 'rouRfz',
    longWithValue: ['recipient', 'output', 'local-user', 'passphrase', 'passphrase-file', 'passphrase-fd', 'homedir', 'cipher-algo', 'pinentry-mode', 'trust-model', 'hidden-recipient', 'default-key', 'keyring', 'secret-keyring', 'compress-level', 's2k-mode', 's2k-digest-algo', 's2k-cipher-algo', 'digest-algo'],
  });
  if (hasOption(p, 'export-secret-keys', 'export-secret-subkeys')) emit(cx, inv, 'secret_read', 'private_key', 'gpg secret keys');
  const out = optionValues(p, 'o', 'output');
  for (const w of out) writePath(cx, inv, w);
  if (hasOption(p, 'd', 'decrypt')) return;
  if (hasOption(p, 'c', 'symmetric')) encrypted(cx, inv, 'symmetric', p.operands, 'stdin');
  else if (hasOption(p, 'e', 'encrypt')) encrypted(cx, inv, 'public_key', p.operands, 'stdin');
};

const gpgtar: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'orCuf', longWithValue: ['output', 'recipient', 'directory', 'local-user', 'gpg-args', 'files-from'] });
  if (hasOption(p, 'c', 'symmetric')) encrypted(cx, inv, 'symmetric', p.operands, 'stdin');
  else if (hasOption(p, 'e', 'encrypt')) encrypted(cx, inv, 'public_key', p.operands, 'stdin');
};

const zip: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'PbntiIx', longWithValue: ['password', 'temp-path', 'suffixes', 'include', 'exclude', 'from-crlf'] });
  const ops = p.operands;
  const archive = ops[0];
  if (archive !== undefined) writePath(cx, inv, archive);
  const files = ops.slice(1);
  if (hasOption(p, 'P', 'password', 'e', 'encrypt')) encrypted(cx, inv, 'password_archive', files.length > 0 ? files : archive !== undefined ? [archive] : [], 'archive');
  else for (const w of files) readPath(cx, inv, w);
};

const zipcloak: Handler = (inv, cx) => {
  encrypted(cx, inv, 'password_archive', inv.argv.slice(1).filter((w) => !w.value.startsWith('-')), 'archive');
};

const sevenZip: Handler = (inv, cx) => {
  const cmd = inv.argv[1]?.value ?? '';
  const args = inv.argv.slice(2);
  const password = args.some((w) => w.value === '-p' || (w.value.startsWith('-p') && !w.value.startsWith('-pr')) || w.value.startsWith('-mhe'));
  const ops = args.filter((w) => !w.value.startsWith('-'));
  if (cmd === 'a' || cmd === 'u') {
    if (ops[0] !== undefined) writePath(cx, inv, ops[0]);
    if (password) encrypted(cx, inv, 'password_archive', ops.slice(1).length > 0 ? ops.slice(1) : ops.slice(0, 1), 'archive');
    else for (const w of ops.slice(1)) readPath(cx, inv, w);
  }
};

const rar: Handler = (inv, cx) => {
  const cmd = inv.argv[1]?.value ?? '';
  const args = inv.argv.slice(2);
  const ops = args.filter((w) => !w.value.startsWith('-'));
  if ((cmd === 'a' || cmd === 'u') && args.some((w) => w.value.startsWith('-p') || w.value.startsWith('-hp'))) encrypted(cx, inv, 'password_archive', ops.slice(1), 'archive');
};

const age: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'rRio', longWithValue: ['recipient', 'recipients-file', 'identity', 'output'] });
  for (const w of optionValues(p, 'o', 'output')) writePath(cx, inv, w);
  if (hasOption(p, 'd', 'decrypt')) return;
  if (hasOption(p, 'p', 'passphrase')) encrypted(cx, inv, 'passphrase', p.operands, 'stdin');
  else if (hasOption(p, 'r', 'R', 'recipient', 'recipients-file', 'e', 'encrypt')) encrypted(cx, inv, 'public_key', p.operands, 'stdin');
};

const ccrypt: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'KkS', longWithValue: ['key', 'keyfile', 'suffix'] });
  if (hasOption(p, 'd', 'decrypt', 'c', 'cat')) return;
  encrypted(cx, inv, 'symmetric', p.operands, 'stdin');
};

const tar: Handler = (inv, cx) => {
  // tar's first argument may be a bundle of letters without a dash (tar czf out.tgz dir).
  const first = inv.argv[1]?.value ?? '';
  const bundle = !first.startsWith('-') && /^[A-Za-z]+$/.test(first) ? first : '';
  const argv = bundle !== '' ? [inv.argv[0] as Word, { ...(inv.argv[1] as Word), value: `-${bundle}` }, ...inv.argv.slice(2)] : inv.argv;
  const p = parseArgs(argv, { shortWithValue: 'fCTXIbgKLNV', longWithValue: ['file', 'directory', 'files-from', 'exclude-from', 'exclude', 'use-compress-program', 'transform', 'owner', 'group', 'mode', 'listed-incremental', 'newer', 'after-date', 'to-command', 'checkpoint-action'] });
  const archive = optionValues(p, 'f', 'file')[0];
  const creating = hasOption(p, 'c', 'create', 'r', 'append', 'u', 'update');
  const extracting = hasOption(p, 'x', 'extract', 'get');
  if (creating) {
    if (archive !== undefined) writePath(cx, inv, archive);
    for (const w of p.operands) readPath(cx, inv, w);
  } else if (extracting) {
    if (archive !== undefined) readPath(cx, inv, archive);
    const dir = optionValues(p, 'C', 'directory')[0];
    if (dir !== undefined) writePath(cx, inv, dir);
    for (const w of p.operands) writePath(cx, inv, w);
  }
};

const crontab: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'us' });
  if (hasOption(p, 'l', 'r', 'T', 'V')) return;
  const file = p.operands[0];
  if (file !== undefined && file.value !== '-') readPath(cx, inv, file);
  emit(cx, inv, 'persistence', 'cron', file === undefined || file.value === '-' ? 'crontab' : cx.out.readPath(file).normalised);
};

const systemctl: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'tpsnHM', longWithValue: ['type', 'property', 'signal', 'lines', 'host', 'machine', 'root', 'output', 'state', 'kill-whom'] });
  const verb = p.operands[0]?.value ?? '';
  if (verb === 'enable' || verb === 'link' || verb === 'preset' || verb === 'reenable') {
    for (const u of p.operands.slice(1)) {
      if (verb === 'link') readPath(cx, inv, u);
      emit(cx, inv, 'persistence', 'systemd_enable', u.value, { dynamic: !u.literal });
    }
  }
};

const launchctl: Handler = (inv, cx) => {
  const verb = inv.argv[1]?.value ?? '';
  if (['load', 'bootstrap', 'submit', 'enable'].includes(verb)) emit(cx, inv, 'persistence', 'launchd', inv.argv.slice(2).filter((w) => !w.value.startsWith('-')).map((w) => w.value).pop() ?? '');
};

const initService: Handler = (inv, cx) => {
  const args = inv.argv.slice(1).map((w) => w.value);
  const enabling = inv.name === 'update-rc.d' ? args.some((a) => a === 'defaults' || a === 'enable') : args.includes('on') || args.includes('--add');
  if (enabling) emit(cx, inv, 'persistence', 'init_service', args.find((a) => !a.startsWith('-')) ?? '');
};

const atJob: Handler = (inv, cx) => {
  if (inv.argv.some((w) => w.value === '-l' || w.value === '-r' || w.value === '-d' || w.value === '-c')) return;
  emit(cx, inv, 'persistence', 'at_job', inv.argv.slice(1).map((w) => w.value).join(' ') || 'now');
};

/** Mode grants write to everyone, or setuid / setgid. */
export function modeClass(mode: string): 'setuid' | 'world_writable' | null {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    if ((Number(digits[0]) & 6) !== 0) return 'setuid';
    if ((Number(digits[3]) & 2) !== 0) return 'world_writable';
    return null;
  }
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXstugo]*)$/.exec(clause);
    if (m === null || m[2] === '-') continue;
    const who = m[1] ?? '';
    const perms = m[3] ?? '';
    if (perms.includes('s')) return 'setuid';
    if (perms.includes('w') && (who === '' || who.includes('o') || who.includes('a'))) return 'world_writable';
  }
  return null;
}

const chmod: Handler = (inv, cx) => {
  const args = inv.argv.slice(1).filter((w) => !/^-[RvfcH]+$/.test(w.value) && !w.value.startsWith('--'));
  const mode = args[0];
  if (mode === undefined) return;
  const cls = modeClass(mode.value);
  for (const w of args.slice(1)) {
    if (cls !== null) emit(cx, inv, 'privilege', cls, cx.out.writePath(w).normalised, { dynamic: !w.literal });
  }
};

const chown: Handler = (inv, cx) => {
  const args = inv.argv.slice(1).filter((w) => !w.value.startsWith('-'));
  const owner = args[0]?.value ?? '';
  const user = inv.name === 'chgrp' ? '' : owner.split(/[:.]/)[0] ?? '';
  const group = inv.name === 'chgrp' ? owner : owner.includes(':') ? owner.split(':')[1] ?? '' : '';
  if (user === 'root' || user === '0' || group === 'root' || group === 'wheel' || group === '0') {
    for (const w of args.slice(1)) emit(cx, inv, 'privilege', 'chown_root', cx.out.writePath(w).normalised, { dynamic: !w.literal });
  }
};

const setcap: Handler = (inv, cx) => {
  const args = inv.argv.slice(1).filter((w) => !w.value.startsWith('-'));
  if (args.length >= 2) emit(cx, inv, 'privilege', 'capabilities', (args[args.length - 1] as Word).value);
};

const ADMIN_GROUPS = new Set(['sudo', 'wheel', 'admin', 'root', 'docker', 'adm', 'lxd', 'disk', 'shadow']);

const accountChange: Handler = (inv, cx) => {
  const values = inv.argv.slice(1).map((w) => w.value);
  const groups = values.flatMap((v, i) => (values[i - 1] === '-G' || values[i - 1] === '-aG' || values[i - 1] === '--groups' || values[i - 1] === '-a' ? v.split(',') : []));
  if (inv.name === 'gpasswd' || inv.name === 'adduser' || inv.name === 'addgroup') groups.push(...values.filter((v) => !v.startsWith('-')));
  const admin = groups.find((g) => ADMIN_GROUPS.has(g));
  if (admin !== undefined) emit(cx, inv, 'privilege', 'admin_group', admin);
  if ((inv.name === 'useradd' || inv.name === 'usermod') && values.some((v, i) => (v === '-u' || v === '--uid') && values[i + 1] === '0')) emit(cx, inv, 'privilege', 'uid0', values[values.length - 1] ?? '');
  if (inv.name === 'passwd' || inv.name === 'chpasswd') emit(cx, inv, 'privilege', 'password_change', values.find((v) => !v.startsWith('-')) ?? 'self');
  if (inv.name === 'visudo') emit(cx, inv, 'privilege', 'sudoers', '/etc/sudoers');
};

const printenv: Handler = (inv, cx) => {
  const names = inv.argv.slice(1).filter((w) => !w.value.startsWith('-'));
  if (names.length === 0) {
    cx.flow.envDumps.add(inv.seq);
    emit(cx, inv, 'secret_read', 'env_dump', 'environment');
    return;
  }
  for (const n of names) if (isSecretVariable(n.value)) {
    cx.flow.envDumps.add(inv.seq);
    emit(cx, inv, 'secret_read', 'secret_variable', `$${n.value}`);
  }
};

const setBuiltin: Handler = (inv, cx) => {
  if (inv.argv.length === 1) {
    cx.flow.envDumps.add(inv.seq);
    emit(cx, inv, 'secret_read', 'env_dump', 'environment');
  }
};

const exportBuiltin: Handler = (inv, cx) => {
  const args = inv.argv.slice(1).map((w) => w.value);
  const flagsOnly = args.every((a) => a.startsWith('-'));
  const dumps = inv.name === 'export' ? flagsOnly : flagsOnly && (args.length === 0 || args.some((a) => a.includes('x') || a.includes('p')));
  if (dumps) {
    cx.flow.envDumps.add(inv.seq);
    emit(cx, inv, 'secret_read', 'env_dump', 'environment');
  }
};

/** CLIs that print credentials. */
const credentialPrinter: Handler = (inv, cx) => {
  const v = inv.argv.map((w) => w.value);
  const joined = v.slice(1, 5).join(' ');
  let detail: string | null = null;
  switch (inv.name) {
    case 'gh':
      if (joined.startsWith('auth token') || (joined.startsWith('auth status') && v.includes('--show-token'))) detail = 'cli_token';
      break;
    case 'aws':
      if (joined.startsWith('configure get') || joined.startsWith('configure export-credentials') || joined.startsWith('sts get-session-token') || joined.startsWith('ecr get-login-password') || joined.startsWith('secretsmanager get-secret-value') || joined.startsWith('ssm get-parameter')) detail = 'cloud_credentials';
      break;
    case 'gcloud':
      if (joined.includes('print-access-token') || joined.includes('print-identity-token') || joined.startsWith('secrets versions access')) detail = 'cloud_credentials';
      break;
    case 'az':
      if (joined.startsWith('account get-access-token') || joined.startsWith('keyvault secret show')) detail = 'cloud_credentials';
      break;
    case 'kubectl':
    case 'oc':
      if (joined.startsWith('config view') && v.includes('--raw')) detail = 'kube_config';
      else if (/^(?:get|describe) (?:secret|secrets)\b/.test(joined)) detail = 'kube_secret';
      break;
    case 'vault':
      if (/^(?:kv get|read)\b/.test(joined)) detail = 'vault_secret';
      break;
    case 'security':
      if (v[1] === 'find-generic-password' || v[1] === 'find-internet-password' || v[1] === 'dump-keychain') detail = 'keychain';
      break;
    case 'docker':
      if (v[1] === 'secret' && v[2] === 'inspect') detail = 'container_secret';
      break;
    default:
  }
  if (detail !== null) {
    cx.flow.envDumps.add(inv.seq);
    emit(cx, inv, 'secret_read', detail, v.slice(0, 4).join(' '));
  }
};

export const SYSTEM_HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['openssl', openssl],
  ['gpg', gpg],
  ['gpg2', gpg],
  ['gpgtar', gpgtar],
  ['zip', zip],
  ['zipcloak', zipcloak],
  ['7z', sevenZip],
  ['7za', sevenZip],
  ['7zr', sevenZip],
  ['rar', rar],
  ['age', age],
  ['rage', age],
  ['ccrypt', ccrypt],
  ['tar', tar],
  ['bsdtar', tar],
  ['crontab', crontab],
  ['systemctl', systemctl],
  ['launchctl', launchctl],
  ['update-rc.d', initService],
  ['chkconfig', initService],
  ['at', atJob],
  ['batch', atJob],
  ['chmod', chmod],
  ['chown', chown],
  ['chgrp', chown],
  ['setcap', setcap],
  ...['usermod', 'useradd', 'gpasswd', 'adduser', 'addgroup', 'passwd', 'chpasswd', 'visudo'].map((n) => [n, accountChange] as [string, Handler]),
  ['printenv', printenv],
  ['env', printenv],
  ['set', setBuiltin],
  ['export', exportBuiltin],
  ['declare', exportBuiltin],
  ['typeset', exportBuiltin],
  ...['gh', 'aws', 'gcloud', 'az', 'kubectl', 'oc', 'vault', 'security', 'docker'].map((n) => [n, credentialPrinter] as [string, Handler]),
]);
