/**
 * Commands that talk to other hosts: HTTP clients (curl, wget, httpie, aria2c), raw sockets (nc,
 * ncat, netcat, socat, telnet, openssl s_client), remote shells and copies (ssh, scp, rsync,
 * sftp, ftp), name lookups, git remotes, and package installs (recorded as packages, and as
 * egress where an index URL is named).
 */
import { hasOption, optionValues, parseArgs, type ParsedArgs } from '../command-options';
import type { Invocation } from '../invocation';
import { baseName, normaliseHost, normalisePath, urlValue, type UrlValue } from '../normalise';
import { DYNAMIC, type Word } from '../word-value';
import { egress, emit, readPath, writePath, type EffectContext } from './effect-context';

export type Handler = (inv: Invocation, cx: EffectContext) => void;

const CURL_SHORT = 'AbcCdDeEFHKmoPQrtTuUwxXyYz';
const CURL_LONG = [
  'data', 'data-binary', 'data-raw', 'data-ascii', 'data-urlencode', 'json', 'form', 'form-string', 'header', 'output', 'upload-file', 'user',
  'user-agent', 'referer', 'request', 'proxy', 'url', 'cookie', 'cookie-jar', 'config', 'max-time', 'connect-timeout', 'write-out', 'retry',
  'retry-delay', 'retry-max-time', 'resolve', 'connect-to', 'cacert', 'capath', 'cert', 'key', 'output-dir', 'range', 'interface', 'dns-servers',
  'proxy-user', 'oauth2-bearer', 'variable', 'limit-rate', 'max-filesize', 'speed-limit', 'speed-time', 'time-cond', 'trace', 'trace-ascii',
  'stderr', 'dump-header', 'aws-sigv4', 'preproxy', 'socks5', 'socks5-hostname', 'socks4', 'socks4a', 'unix-socket', 'hostpubmd5', 'netrc-file',
  'url-query', 'mail-from', 'mail-rcpt', 'expand-data', 'expand-url', 'local-port', 'ciphers', 'pinnedpubkey',
];
const DATA_OPTIONS = ['d', 'data', 'data-binary', 'data-raw', 'data-ascii', 'data-urlencode', 'json', 'expand-data'];

/** Reads `@file` (and `name@file` of --data-urlencode) in a data argument: the file sent. */
function dataFile(v: string, urlencode: boolean): string | null {
  if (v.startsWith('@')) return v.slice(1);
  if (urlencode) {
    const at = v.indexOf('@');
    const eq = v.indexOf('=');
    if (at > 0 && (eq < 0 || at < eq)) return v.slice(at + 1);
  }
  return null;
}

/** `-F name=@file;type=…` or `name=<file`: the file sent. */
function formFile(v: string): string | null {
  const eq = v.indexOf('=');
  if (eq < 0) return null;
  const rest = v.slice(eq + 1);
  if (!rest.startsWith('@') && !rest.startsWith('<')) return null;
  const semi = rest.indexOf(';');
  return rest.slice(1, semi < 0 ? undefined : semi);
}

function sendFile(cx: EffectContext, inv: Invocation, file: string, hosts: readonly string[]): void {
  if (file === '-' || file === '/dev/stdin' || file === '.') {
    for (const h of hosts) cx.flow.stdinSenders.set(inv.seq, h);
    if (hosts.length === 0) cx.flow.stdinSenders.set(inv.seq, '');
    return;
  }
  readPath(cx, inv, file);
  const p = normalisePath(file);
  if (hosts.length === 0) emit(cx, inv, 'file_send', 'upload', p, { dynamic: true });
  for (const h of hosts) emit(cx, inv, 'file_send', 'upload', p, { host: h, dynamic: file.includes(DYNAMIC) });
}

const curl: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: CURL_SHORT, longWithValue: CURL_LONG });
  const urls: UrlValue[] = [];
  for (const w of [...p.operands, ...optionValues(p, 'url')]) {
    const u = urlValue(w.value, true);
    if (u !== null) urls.push(u);
    else if (!w.literal) urls.push({ raw: w.value, canonical: w.value, host: '' });
  }
  const hosts: string[] = [];
  for (const u of urls) {
    const h = egress(cx, inv, 'http', u);
    if (h !== '') hosts.push(h);
  }
  for (const o of p.options) {
    if (o.value === null) continue;
    const v = o.value.value;
    if (DATA_OPTIONS.includes(o.name)) {
      const f = dataFile(v, o.name === 'data-urlencode');
      if (f !== null) sendFile(cx, inv, f, hosts);
    } else if (o.name === 'F' || o.name === 'form') {
      const f = formFile(v);
      if (f !== null) sendFile(cx, inv, f, hosts);
    } else if (o.name === 'T' || o.name === 'upload-file') {
      sendFile(cx, inv, v, hosts);
    } else if (o.name === 'K' || o.name === 'config' || o.name === 'E' || o.name === 'cert' || o.name === 'key' || o.name === 'netrc-file') {
      readPath(cx, inv, o.value);
    }
  }
  const first = urls[0];
  const target = first?.raw ?? '';
  const outFiles = optionValues(p, 'o', 'output');
  const outDir = optionValues(p, 'output-dir')[0]?.value;
  for (const f of outFiles) {
    if (f.value === '-') cx.flow.fetchesToStdout.set(inv.seq, target);
    else {
      writePath(cx, inv, f);
      if (target !== '') cx.flow.downloads.set(normalisePath(f.value), target);
    }
  }
  if (hasOption(p, 'O', 'remote-name', 'remote-name-all')) {
    for (const u of urls) {
      const name = baseName(u.raw.replace(/[?#].*$/, ''));
      if (name === '' || name.includes(':')) continue;
      const path = outDir !== undefined ? `${outDir}/${name}` : name;
      writePath(cx, inv, path);
      cx.flow.downloads.set(normalisePath(path), u.raw);
    }
  } else if (outFiles.length === 0 && target !== '') {
    cx.flow.fetchesToStdout.set(inv.seq, target);
  }
};

const WGET_SHORT = 'OoaPUeitTwQlARDIXBY';
const WGET_LONG = [
  'output-document', 'output-file', 'append-output', 'directory-prefix', 'user-agent', 'header', 'post-data', 'post-file', 'body-file', 'body-data',
  'method', 'user', 'password', 'http-user', 'http-password', 'input-file', 'tries', 'timeout', 'execute', 'load-cookies', 'save-cookies',
  'ca-certificate', 'certificate', 'private-key', 'wait', 'quota', 'level', 'accept', 'reject', 'domains', 'include-directories', 'exclude-directories',
  'base', 'referer', 'limit-rate', 'bind-address', 'proxy-user', 'proxy-password',
];

const wget: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: WGET_SHORT, longWithValue: WGET_LONG });
  const hosts: string[] = [];
  const urls: UrlValue[] = [];
  for (const w of p.operands) {
    const u = urlValue(w.value, true) ?? (w.literal ? null : { raw: w.value, canonical: w.value, host: '' });
    if (u === null) continue;
    urls.push(u);
    const h = egress(cx, inv, 'http', u);
    if (h !== '') hosts.push(h);
  }
  for (const f of optionValues(p, 'post-file', 'body-file')) sendFile(cx, inv, f.value, hosts);
  for (const f of optionValues(p, 'i', 'input-file', 'load-cookies', 'certificate', 'private-key')) readPath(cx, inv, f);
  const target = urls[0]?.raw ?? '';
  const doc = optionValues(p, 'O', 'output-document')[0];
  if (doc !== undefined) {
    if (doc.value === '-') cx.flow.fetchesToStdout.set(inv.seq, target);
    else {
      writePath(cx, inv, doc);
      if (target !== '') cx.flow.downloads.set(normalisePath(doc.value), target);
    }
    return;
  }
  const dir = optionValues(p, 'P', 'directory-prefix')[0]?.value;
  for (const u of urls) {
    const name = baseName(u.raw.replace(/[?#].*$/, '').replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')) || 'index.html';
    if (!u.raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').includes('/')) continue;
    const path = dir !== undefined ? `${dir}/${name}` : name;
    writePath(cx, inv, path);
    cx.flow.downloads.set(normalisePath(path), u.raw);
  }
  // Scripts often pipe plain `wget URL` too; its output file is the fetch, stdout is empty, but
  // `wget -q URL | sh` is written with `-O-` intent often enough to treat it as a fetch.
  if (inv.pipes.length > 0 && target !== '') cx.flow.fetchesToStdout.set(inv.seq, target);
};

/** nc, ncat, netcat: `nc host port`; -e / -c run a program on the connection (a shell for the peer). */
const netcat: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'pswiqIOTXxecm', longWithValue: ['exec', 'sh-exec', 'lua-exec', 'source', 'wait', 'proxy', 'proxy-type', 'output'] });
  const listen = hasOption(p, 'l', 'listen');
  const hostWord = p.operands[0];
  const exec = optionValues(p, 'e', 'c', 'exec', 'sh-exec')[0];
  const host = listen || hostWord === undefined ? '' : egress(cx, inv, 'socket', null, hostWord.value);
  if (exec !== undefined) emit(cx, inv, 'download_execute', listen ? 'bind_shell' : 'reverse_shell', host !== '' ? host : exec.value, { host });
  if (!listen && hostWord !== undefined) {
    const input = inv.redirects.find((r) => r.op === '<' && r.target !== null);
    if (input?.target) sendFile(cx, inv, input.target.value, host !== '' ? [host] : []);
    else cx.flow.stdinSenders.set(inv.seq, host);
    cx.flow.fetchesToStdout.set(inv.seq, host !== '' ? host : hostWord.value);
  }
};

const SSH_SHORT = 'BbcDEeFIiJLlmOoPpQRSWw';

/** `[user@]host` or `ssh://[user@]host[:port]`. */
function sshHost(v: string): string {
  const u = urlValue(v);
  if (u !== null) return u.host;
  return normaliseHost(v);
}

const ssh: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: SSH_SHORT, stopAtOperand: true });
  const hostWord = p.operands[0];
  for (const j of optionValues(p, 'J')) for (const hop of j.value.split(',')) egress(cx, inv, 'ssh', null, String(sshHost(hop) || hop));
  for (const f of optionValues(p, 'F')) readPath(cx, inv, f);
  if (hostWord === undefined) return;
  const h = sshHost(hostWord.value);
  const host = egress(cx, inv, 'ssh', null, h !== '' ? h : hostWord.value);
  cx.flow.stdinSenders.set(inv.seq, host);
  cx.flow.fetchesToStdout.set(inv.seq, host !== '' ? host : hostWord.value);
  const input = inv.redirects.find((r) => r.op === '<' && r.target !== null);
  if (input?.target) sendFile(cx, inv, input.target.value, host !== '' ? [host] : []);
};

/** `[user@]host:path` (scp, rsync) or `host::module` / rsync:// / scp://: the host, else null (a local path). */
function remoteHostOf(v: string): string | null {
  const u = urlValue(v);
  if (u !== null) return u.host;
  const colon = v.indexOf(':');
  if (colon <= 0) return null;
  const before = v.slice(0, colon);
  if (before.includes('/')) return null;
  return normaliseHost(before) || null;
}

function copyCommand(spec: { shortWithValue: string; longWithValue?: readonly string[] }): Handler {
  return (inv, cx) => {
    const p = parseArgs(inv.argv, spec);
    for (const f of optionValues(p, 'F', 'i', 'password-file', 'files-from', 'exclude-from', 'include-from')) readPath(cx, inv, f);
    const ops = p.operands;
    if (ops.length < 2) {
      for (const w of ops) {
        const h = remoteHostOf(w.value);
        if (h !== null) egress(cx, inv, 'copy', null, h);
      }
      return;
    }
    const dest = ops[ops.length - 1] as Word;
    const sources = ops.slice(0, -1);
    const destHost = remoteHostOf(dest.value);
    if (destHost !== null) {
      const host = egress(cx, inv, 'copy', null, destHost);
      for (const s of sources) {
        const sh = remoteHostOf(s.value);
        if (sh !== null) egress(cx, inv, 'copy', null, sh);
        else sendFile(cx, inv, s.value, host !== '' ? [host] : []);
      }
      return;
    }
    for (const s of sources) {
      const sh = remoteHostOf(s.value);
      if (sh !== null) {
        egress(cx, inv, 'copy', null, sh);
        writePath(cx, inv, dest);
        cx.flow.downloads.set(normalisePath(dest.value), s.value);
      } else readPath(cx, inv, s);
    }
    writePath(cx, inv, dest);
  };
}

const scp = copyCommand({ shortWithValue: 'cFiJloPSD' });
const rsync = copyCommand({
  shortWithValue: 'eBfTM',
  longWithValue: ['rsh', 'exclude', 'include', 'filter', 'files-from', 'exclude-from', 'include-from', 'password-file', 'log-file', 'backup-dir', 'partial-dir', 'temp-dir', 'compare-dest', 'copy-dest', 'link-dest', 'chmod', 'chown', 'timeout', 'contimeout', 'port', 'out-format', 'bwlimit', 'rsync-path', 'suffix', 'usermap', 'groupmap', 'max-size', 'min-size', 'max-delete'],
});

/** sftp, ftp, telnet, lftp, tftp, mosh: the first operand is the host. */
const firstOperandHost: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'BbcDFiJlNoPpRSsuUzp', stopAtOperand: true });
  const w = p.operands[0];
  if (w === undefined) return;
  const h = sshHost(w.value.split(':')[0] ?? w.value) || sshHost(w.value);
  const host = egress(cx, inv, 'remote_session', null, h !== '' ? h : w.value);
  cx.flow.stdinSenders.set(inv.seq, host);
};

/** dig, nslookup, host, ping, traceroute, whois: the name looked up or reached. */
const lookup: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'bcfkpqtxyicsIMWwlmNQ' });
  for (const w of p.operands) {
    const v = w.value.startsWith('@') ? w.value.slice(1) : w.value;
    if (w.literal && !/[.:]/.test(v) && v !== 'localhost') continue;
    if (/^[A-Z]+$/.test(v) || /^(?:a|aaaa|mx|txt|ns|cname|soa|srv|ptr|any)$/i.test(v)) continue;
    egress(cx, inv, 'dns', null, v);
  }
};

/** socat ADDRESS ADDRESS: TCP:host:port, OPENSSL:host:port …; EXEC/SYSTEM on the other side is a shell for the peer. */
const socat: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'dDlLT' });
  let host = '';
  let exec = false;
  for (const w of p.operands) {
    const parts = w.value.split(':');
    const kind = (parts[0] ?? '').toUpperCase().split(',')[0] ?? '';
    if (/^(?:TCP|TCP4|TCP6|UDP|UDP4|UDP6|OPENSSL|SSL|PROXY|SOCKS4|SOCKS4A|SOCKS5)$/.test(kind) && parts[1] !== undefined) host = egress(cx, inv, 'socket', null, parts[1]) || host;
    if (kind === 'EXEC' || kind === 'SYSTEM') exec = true;
  }
  if (exec && host !== '') emit(cx, inv, 'download_execute', 'reverse_shell', host, { host });
  else if (host !== '') {
    cx.flow.stdinSenders.set(inv.seq, host);
    cx.flow.fetchesToStdout.set(inv.seq, host);
  }
};

/** HTTPie (http, https, xh): [METHOD] URL [items]; `field@file` / `@file` items upload files. */
const httpie: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'aAopv', longWithValue: ['auth', 'auth-type', 'output', 'session', 'verify', 'cert', 'cert-key', 'proxy', 'timeout', 'print', 'pretty', 'style', 'format-options'] });
  let ops = [...p.operands];
  if (ops[0] !== undefined && /^[A-Z]+$/.test(ops[0].value)) ops = ops.slice(1);
  const urlWord = ops[0];
  if (urlWord === undefined) return;
  const raw = urlWord.value.startsWith(':') ? `localhost${urlWord.value}` : urlWord.value;
  const u = urlValue(raw, true);
  const host = egress(cx, inv, 'http', u ?? { raw, canonical: raw, host: '' });
  for (const item of ops.slice(1)) {
    const at = item.value.indexOf('@');
    if (at >= 0 && !item.value.slice(0, at).includes('=')) sendFile(cx, inv, item.value.slice(at + 1), host !== '' ? [host] : []);
    else if (item.value.includes('=@')) sendFile(cx, inv, item.value.slice(item.value.indexOf('=@') + 2), host !== '' ? [host] : []);
  }
  cx.flow.fetchesToStdout.set(inv.seq, u?.raw ?? raw);
};

/** aria2c, axel: downloads to files. */
const downloader: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'odsxnjU', longWithValue: ['out', 'dir', 'output'] });
  const out = optionValues(p, 'o', 'out', 'output')[0];
  for (const w of p.operands) {
    const u = urlValue(w.value, true);
    if (u === null) continue;
    egress(cx, inv, 'http', u);
    const path = out?.value ?? baseName(u.raw.replace(/[?#].*$/, ''));
    if (path !== '') {
      writePath(cx, inv, path);
      cx.flow.downloads.set(normalisePath(path), u.raw);
    }
  }
};

const opensslClient: Handler = (inv, cx) => {
  if (inv.argv[1]?.value !== 's_client') return;
  const p = parseArgs(inv.argv, { singleDashWithValue: ['connect', 'servername', 'proxy', 'cert', 'key', 'CAfile', 'host', 'port'] }, 2);
  for (const c of optionValues(p, 'connect', 'host')) {
    const host = egress(cx, inv, 'socket', null, c.value);
    cx.flow.stdinSenders.set(inv.seq, host);
    cx.flow.fetchesToStdout.set(inv.seq, host);
  }
};

const GIT_GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

/** Index of the git subcommand (after global options). */
export function gitSubcommand(argv: readonly Word[]): number {
  let i = 1;
  while (i < argv.length) {
    const v = (argv[i] as Word).value;
    if (GIT_GLOBAL_WITH_VALUE.has(v)) i += 2;
    else if (v.startsWith('-')) i++;
    else break;
  }
  return i;
}

function gitUrl(v: string): UrlValue | null {
  const u = urlValue(v);
  if (u !== null) return u;
  // scp-like: git@host:owner/repo.git
  const colon = v.indexOf(':');
  if (colon > 0 && !v.slice(0, colon).includes('/')) {
    const host = normaliseHost(v.slice(0, colon));
    if (host !== '' && host.includes('.')) return { raw: v, canonical: `${host}/${v.slice(colon + 1).toLowerCase().replace(/\/+$/, '')}`, host };
  }
  return null;
}

const git: Handler = (inv, cx) => {
  const at = gitSubcommand(inv.argv);
  const sub = inv.argv[at]?.value ?? '';
  const p = parseArgs(inv.argv, { shortWithValue: 'boucj', longWithValue: ['branch', 'origin', 'upload-pack', 'receive-pack', 'depth', 'reference', 'config', 'push-option', 'repo', 'separate-git-dir', 'template', 'filter', 'jobs', 'shallow-since', 'shallow-exclude'] }, at + 1);
  const ops = p.operands;
  switch (sub) {
    case 'clone': {
      const u = ops[0] !== undefined ? gitUrl(ops[0].value) : null;
      if (u === null) return;
      egress(cx, inv, 'git_clone', u);
      const dir = ops[1]?.value ?? baseName(u.raw.replace(/\.git\/?$/, '').replace(/\/+$/, ''));
      if (dir !== '') {
        writePath(cx, inv, dir);
        cx.flow.downloads.set(normalisePath(dir), u.raw);
      }
      return;
    }
    case 'remote': {
      const action = ops[0]?.value;
      if ((action === 'add' || action === 'set-url') && ops.length >= 3) {
        const name = (ops[1] as Word).value;
        const u = gitUrl((ops[ops.length - 1] as Word).value);
        if (u !== null) {
          cx.flow.gitRemotes.set(name, u.raw);
          egress(cx, inv, 'git_remote_add', u);
        }
      }
      return;
    }
    case 'push':
    case 'fetch':
    case 'pull':
    case 'ls-remote': {
      const first = ops[0]?.value;
      if (first === undefined) return;
      const known = cx.flow.gitRemotes.get(first);
      const u = gitUrl(known ?? first);
      if (u !== null) egress(cx, inv, sub === 'push' ? 'git_push_new_remote' : 'git_fetch', u);
      return;
    }
    case 'submodule': {
      if (ops[0]?.value === 'add' && ops[1] !== undefined) {
        const u = gitUrl(ops[1].value);
        if (u !== null) egress(cx, inv, 'git_clone', u);
      }
      return;
    }
    default:
      return;
  }
};

const PACKAGE_MANAGERS: Readonly<Record<string, { readonly installs: readonly string[]; readonly manager: string; readonly index?: readonly string[] }>> = {
  pip: { installs: ['install', 'download'], manager: 'pip', index: ['i', 'index-url', 'extra-index-url', 'f', 'find-links'] },
  pip3: { installs: ['install', 'download'], manager: 'pip', index: ['i', 'index-url', 'extra-index-url', 'f', 'find-links'] },
  uv: { installs: ['add', 'install'], manager: 'pip', index: ['index-url', 'extra-index-url', 'index'] },
  npm: { installs: ['install', 'i', 'add', 'ci', 'exec', 'x'], manager: 'npm', index: ['registry'] },
  pnpm: { installs: ['install', 'i', 'add', 'dlx'], manager: 'npm', index: ['registry'] },
  yarn: { installs: ['add', 'install', 'dlx'], manager: 'npm', index: ['registry'] },
  bun: { installs: ['add', 'install', 'i', 'x'], manager: 'npm', index: ['registry'] },
  npx: { installs: [''], manager: 'npm', index: ['registry'] },
  gem: { installs: ['install'], manager: 'gem', index: ['source', 's'] },
  cargo: { installs: ['install', 'add'], manager: 'cargo', index: ['index', 'registry'] },
  go: { installs: ['install', 'get'], manager: 'go' },
  'apt-get': { installs: ['install'], manager: 'apt' },
  apt: { installs: ['install'], manager: 'apt' },
  yum: { installs: ['install'], manager: 'rpm' },
  dnf: { installs: ['install'], manager: 'rpm' },
  apk: { installs: ['add'], manager: 'apk' },
  brew: { installs: ['install'], manager: 'brew' },
  pipx: { installs: ['install', 'run'], manager: 'pip', index: ['index-url'] },
  uvx: { installs: [''], manager: 'pip', index: ['index-url'] },
};

const packageInstall: Handler = (inv, cx) => {
  const spec = PACKAGE_MANAGERS[inv.name];
  if (spec === undefined) return;
  const direct = spec.installs.includes('');
  const sub = direct ? '' : inv.argv[1]?.value ?? '';
  if (!spec.installs.includes(sub)) return;
  const p: ParsedArgs = parseArgs(inv.argv, { shortWithValue: 'irfecpPwt', longWithValue: ['index-url', 'extra-index-url', 'find-links', 'registry', 'source', 'index', 'target', 'prefix', 'constraint', 'requirement', 'r', 'c', 'package', 'p', 'workspace', 'filter', 'save-prefix'] }, direct ? 1 : 2);
  for (const w of optionValues(p, ...(spec.index ?? []))) {
    const u = urlValue(w.value, true);
    if (u !== null) egress(cx, inv, 'package_index', u);
  }
  for (const f of optionValues(p, 'r', 'requirement', 'c', 'constraint')) readPath(cx, inv, f);
  const names = direct ? p.operands.slice(0, 1) : p.operands;
  for (const w of names) {
    const v = w.value;
    const u = urlValue(v.replace(/^git\+/, '')) ?? (v.startsWith('git+') ? gitUrl(v.slice(4)) : null);
    if (u !== null) {
      egress(cx, inv, 'package_url', u);
      continue;
    }
    if (v.startsWith('.') || v.startsWith('/') || v.endsWith('.whl') || v.endsWith('.tgz')) {
      readPath(cx, inv, w);
      continue;
    }
    cx.out.pkg(spec.manager, v);
  }
};

/** `python -m pip install …` */
export const pythonModuleInstall: Handler = (inv, cx) => {
  const m = inv.argv.findIndex((w) => w.value === '-m');
  if (m < 0 || inv.argv[m + 1]?.value !== 'pip') return;
  packageInstall({ ...inv, name: 'pip', argv: inv.argv.slice(m + 1) }, cx);
};

export const NETWORK_HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['curl', curl],
  ['wget', wget],
  ['wget2', wget],
  ['nc', netcat],
  ['ncat', netcat],
  ['netcat', netcat],
  ['ssh', ssh],
  ['scp', scp],
  ['rsync', rsync],
  ['sftp', firstOperandHost],
  ['ftp', firstOperandHost],
  ['lftp', firstOperandHost],
  ['tftp', firstOperandHost],
  ['telnet', firstOperandHost],
  ['mosh', firstOperandHost],
  ['dig', lookup],
  ['nslookup', lookup],
  ['host', lookup],
  ['ping', lookup],
  ['ping6', lookup],
  ['traceroute', lookup],
  ['whois', lookup],
  ['socat', socat],
  ['http', httpie],
  ['https', httpie],
  ['xh', httpie],
  ['aria2c', downloader],
  ['axel', downloader],
  ['git', git],
  ...Object.keys(PACKAGE_MANAGERS).map((k) => [k, packageInstall] as [string, Handler]),
]);

export const OPENSSL_CLIENT = opensslClient;
