/**
 * Inline interpreter code (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`, awk programs,
 * and here-documents fed to them) read with a token scan, not a parser of those languages:
 *
 * - URLs in string literals, and hosts given to socket calls, are egress when the code uses a
 *   network API (requests, urllib, http.client, httpx, socket, fetch, axios, http(s).request,
 *   net.connect, LWP, HTTP::Tiny, IO::Socket, Net::HTTP, open-uri, TCPSocket, curl_exec …);
 * - string literals that look like paths are files read (written when opened for writing or
 *   passed to a write call, deleted when passed to a remove call); secret paths are secret reads;
 *   a network API that sends (post, put, send, upload …) makes each file read a file send;
 * - whole-environment reads (os.environ, process.env, %ENV, ENV) are environment dumps, and
 *   single reads of credential-looking variables are secret reads;
 * - shell commands given as string literals to os.system, subprocess.*, os.popen,
 *   child_process.exec/execSync, system, exec, shell_exec, backticks … are parsed as shell
 *   (argv lists, as in subprocess.run(["curl", …]), become commands directly);
 * - a call of an encrypting function (`….encrypt(`, `encryptor()`, `createCipheriv`, `openssl_encrypt`,
 *   `sodium_crypto_secretbox`) in code that also writes files (a write call, or a file opened in a
 *   write mode) is encryption of files; its targets are the paths and listed directories the code
 *   names (`inline code` when it names none);
 * - exec / eval / Function of anything but a literal is `unresolved` (`dynamic_code`), and
 *   `download_execute` when the same code fetches a URL.
 *
 * It does not follow variables, string concatenation or imports under another name.
 */
import type { AnalysisBuilder } from './analysis-builder';
import { tokenizeCode, type CodeToken } from './code-tokens';
import type { InvocationCollector, WalkContext } from './collect-invocations';
import { deletePath, readPath, writePath, type EffectContext } from './effects/effect-context';
import type { CodeLanguage, Invocation } from './invocation';
import { normaliseHost, urlValue, type UrlValue } from './normalise';
import { isSecretVariable } from './sensitive-paths';
import { literalWord, type Word } from './word-value';

/** Findings of the scan that the effect readers turn into effects (after the command's own). */
export interface InlineFindings {
  readonly invocation: Invocation;
  readonly urls: UrlValue[];
  readonly hosts: string[];
  readonly reads: string[];
  readonly writes: string[];
  readonly deletes: string[];
  network: boolean;
  sends: boolean;
  envDump: boolean;
  readonly secretVars: string[];
  dynamicExec: boolean;
  /** An encrypting call, and files written: encryption of files (targets: the paths and listed directories named). */
  encrypts: boolean;
}

const NETWORK_WORDS = [
  'requests', 'urllib', 'urlopen', 'urlretrieve', 'http.client', 'HTTPConnection', 'HTTPSConnection', 'httpx', 'aiohttp', 'socket', 'pycurl', 'ftplib', 'smtplib', 'paramiko',
  'fetch', 'axios', 'XMLHttpRequest', 'http.request', 'http.get', 'https.request', 'https.get', 'net.connect', 'net.Socket', 'net.createConnection', 'tls.connect', 'WebSocket', 'got', 'undici',
  'LWP', 'HTTP::Tiny', 'IO::Socket', 'Net::HTTP', 'URI.open', 'open-uri', 'TCPSocket', 'Socket.tcp', 'curl_exec', 'curl_init', 'fsockopen', 'file_get_contents', 'getstore', 'getprint', 'get',
];
const SEND_WORDS = ['post', 'put', 'patch', 'send', 'sendall', 'sendto', 'upload', 'sendmail', 'send_message', 'storbinary', 'request', 'write', 'syswrite', 'print', 'puts', 'body', 'data', 'files', 'json'];
const SOCKET_CALLS = ['connect', 'create_connection', 'HTTPConnection', 'HTTPSConnection', 'net.connect', 'net.createConnection', 'tls.connect', 'IO::Socket::INET', 'TCPSocket', 'TCPSocket.new', 'TCPSocket.open', 'fsockopen', 'Net::HTTP.start', 'Net::HTTP.new', 'SMTP', 'FTP', 'smtplib.SMTP', 'ftplib.FTP'];
const SHELL_CALLS = [
  'os.system', 'os.popen', 'subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen', 'subprocess.getoutput', 'subprocess.getstatusoutput', 'commands.getoutput', 'pty.spawn',
  'system', 'exec', 'execSync', 'child_process.exec', 'child_process.execSync', 'cp.exec', 'cp.execSync', 'shell_exec', 'passthru', 'popen', 'proc_open', 'IO.popen', 'Open3.capture2', 'Open3.capture3', 'Open3.popen3', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'child_process.spawn', 'child_process.spawnSync', 'child_process.execFile', 'Bun.spawn', 'Deno.run',
];
const CODE_EVAL = ['exec', 'eval', 'compile', 'Function', 'vm.runInThisContext', 'vm.runInNewContext', 'instance_eval', 'class_eval', 'create_function', 'assert'];
const WRITE_CALLS = ['writeFile', 'writeFileSync', 'fs.writeFile', 'fs.writeFileSync', 'appendFile', 'appendFileSync', 'fs.appendFileSync', 'File.write', 'IO.write', 'file_put_contents', 'Path.write_text', 'write_text', 'write_bytes', 'copyfile', 'shutil.copy', 'shutil.copyfile', 'shutil.copy2', 'createWriteStream', 'fs.createWriteStream'];
const DELETE_CALLS = ['os.remove', 'os.unlink', 'os.rmdir', 'shutil.rmtree', 'rmSync', 'fs.rmSync', 'unlinkSync', 'fs.unlinkSync', 'rmdirSync', 'fs.rmdirSync', 'fs.rm', 'fs.unlink', 'File.delete', 'FileUtils.rm_rf', 'FileUtils.rm_r', 'unlink', 'rmtree', 'Path.unlink'];

/** Encrypting calls besides those whose last part starts with `encrypt` (encrypt, encryptor, encrypt_and_digest …). */
const ENCRYPT_CALLS = ['createCipheriv', 'createCipher', 'openssl_encrypt', 'sodium_crypto_secretbox', 'sodium_crypto_box_seal', 'crypto_secretbox'];
/** Calls that list a directory: their first literal argument is a directory the code works through. */
const LIST_CALLS = ['listdir', 'scandir', 'walk', 'glob', 'iglob', 'rglob', 'readdirSync', 'readdir', 'opendir', 'Dir.glob', 'Dir.entries', 'Dir.children', 'Find.find'];
/** open() modes that write. */
const WRITE_MODES = new Set(['w', 'wb', 'w+', 'wb+', 'w+b', 'a', 'ab', 'a+', 'r+', 'rb+', 'r+b', 'x', 'xb']);
const isEncryptCall = (id: string): boolean => /^encrypt/i.test(lastPart(id)) || matchesAny(id, ENCRYPT_CALLS);

const lastPart = (id: string): string => id.split(/\.|::/).pop() ?? id;
const matchesAny = (id: string, names: readonly string[]): boolean => names.includes(id) || names.includes(lastPart(id)) || names.some((n) => id.endsWith(`.${n}`));
const looksLikePathLiteral = (s: string): boolean =>
  s.length > 1 && s.length < 1024 && !s.includes('\n') && !s.includes(' ') && !s.includes('://') && (s.startsWith('/') || s.startsWith('~/') || s.startsWith('./') || s.startsWith('../') || /^\.[A-Za-z]/.test(s) || /^[\w.-]+\/[\w./-]+$/.test(s));

/** String literal arguments right after `name(` (up to the closing parenthesis), and an argv list if the first argument is one. */
function callArgs(tokens: readonly CodeToken[], at: number): { strings: string[]; list: string[] | null; firstIsString: boolean; firstIsOther: boolean } {
  const strings: string[] = [];
  let list: string[] | null = null;
  let i = at + 1;
  const open = tokens[i];
  // Perl/Ruby/awk calls without parentheses: system "cmd"
  if (open === undefined || open.t !== 'p' || (open.v !== '(' && open.v !== '[')) {
    if (open?.t === 'str') return { strings: [open.v], list: null, firstIsString: true, firstIsOther: false };
    return { strings, list, firstIsString: false, firstIsOther: open !== undefined };
  }
  i++;
  const first = tokens[i];
  const firstIsString = first?.t === 'str';
  const firstIsOther = first !== undefined && !firstIsString && !(first.t === 'p' && (first.v === '[' || first.v === ')'));
  let depth = 1;
  if (first?.t === 'p' && first.v === '[') {
    list = [];
    i++;
    while (i < tokens.length) {
      const t = tokens[i] as CodeToken;
      if (t.t === 'p' && t.v === ']') break;
      if (t.t === 'str') list.push(t.v);
      else if (t.t !== 'p' || t.v !== ',') list.push('\uFFFC');
      i++;
    }
  }
  for (; i < tokens.length && depth > 0 && strings.length < 16; i++) {
    const t = tokens[i] as CodeToken;
    if (t.t === 'p' && (t.v === '(' || t.v === '[' || t.v === '{')) depth++;
    else if (t.t === 'p' && (t.v === ')' || t.v === ']' || t.v === '}')) depth--;
    else if (t.t === 'str') strings.push(t.v);
  }
  return { strings, list, firstIsString, firstIsOther };
}

/** os.environ / process.env / %ENV / ENV as a whole (an environment dump), or one credential-looking variable of it. */
function readEnvironment(tokens: readonly CodeToken[], i: number, f: InlineFindings): void {
  const id = (tokens[i] as CodeToken).v;
  const next = tokens[i + 1];
  if (id === 'os.environ' || id === 'process.env' || id === '%ENV' || id === 'ENV' || id === '$_ENV' || id === 'getenv' || id === 'os.getenv' || id === 'ENVIRON') {
    const whole = next === undefined || !(next.t === 'p' && (next.v === '[' || next.v === '(' || next.v === '{')) || id === '%ENV';
    const named = tokens[i + 2];
    if (named?.t === 'str' && !whole) {
      if (isSecretVariable(named.v)) f.secretVars.push(named.v);
    } else if (whole && !id.includes('getenv')) f.envDump = true;
  } else if (id.startsWith('process.env.') || id.startsWith('os.environ.')) {
    const name = lastPart(id);
    if (name === 'get' && tokens[i + 2]?.t === 'str') {
      const v = (tokens[i + 2] as { v: string }).v;
      if (isSecretVariable(v)) f.secretVars.push(v);
    } else if (isSecretVariable(name)) f.secretVars.push(name);
  } else if (id === '$ENV' && next?.v === '{' && tokens[i + 2]?.t !== 'p') {
    const v = tokens[i + 2]?.v ?? '';
    if (isSecretVariable(v)) f.secretVars.push(v);
  }
}

export function scanInlineCode(code: Word, language: CodeLanguage, ctx: WalkContext, inv: Invocation, collector: InvocationCollector, sink: InlineFindings[]): void {
  const tokens = tokenizeCode(code.value, language);
  const f: InlineFindings = { invocation: inv, urls: [], hosts: [], reads: [], writes: [], deletes: [], network: false, sends: false, envDump: false, secretVars: [], dynamicExec: false, encrypts: false };
  let encryptCall = false;
  let writesFiles = false;
  const listed: string[] = [];
  const shellCode: string[] = [];
  const argvs: string[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as CodeToken;
    if (t.t === 'str') {
      if (t.v === 'POST' || t.v === 'PUT' || t.v === 'PATCH') f.sends = true;
      if (WRITE_MODES.has(t.v) && tokens[i - 1]?.v === ',') writesFiles = true;
      if (t.backtick && (language === 'perl' || language === 'ruby' || language === 'php')) shellCode.push(t.v);
      const u = urlValue(t.v);
      if (u !== null && f.urls.length < 32) f.urls.push(u);
      else if (looksLikePathLiteral(t.v) && f.reads.length < 32) {
        const next = tokens[i + 1];
        const mode = next?.t === 'p' && next.v === ',' ? tokens[i + 2] : undefined;
        if (mode?.t === 'str' && /^[wax]/.test(mode.v)) f.writes.push(t.v);
        else if (language === 'perl' && /^\s*>/.test(t.v)) f.writes.push(t.v.replace(/^\s*>+\s*/, ''));
        else f.reads.push(t.v);
      }
      continue;
    }
    if (t.t !== 'id') continue;
    const id = t.v;
    if (matchesAny(id, NETWORK_WORDS) && (id !== 'get' || language === 'perl')) f.network = true;
    if (SEND_WORDS.includes(lastPart(id)) && tokens[i + 1]?.v === '(') f.sends = true;
    if (SEND_WORDS.includes(id) && (tokens[i + 1]?.v === '=' || tokens[i + 1]?.v === ':')) f.sends = true;
    const next = tokens[i + 1];
    readEnvironment(tokens, i, f);
    if (next === undefined) continue;
    const args = (): ReturnType<typeof callArgs> => callArgs(tokens, i);
    if (next.t === 'p' && next.v === '(') {
      if (isEncryptCall(id)) encryptCall = true;
      if (/^write/.test(lastPart(id)) || matchesAny(id, WRITE_CALLS)) writesFiles = true;
      if (matchesAny(id, LIST_CALLS) && listed.length < 8) {
        const dir = args().strings[0];
        if (dir !== undefined && dir !== '' && !dir.includes('\n') && dir.length < 1024) listed.push(dir);
      }
    }
    if (matchesAny(id, SOCKET_CALLS)) {
      // The first string within the next few tokens: connect(("h", 1)), IO::Socket::INET->new(PeerAddr => "h:1").
      let host: string | undefined;
      for (let k = i + 1; k < Math.min(tokens.length, i + 10); k++) {
        const x = tokens[k] as CodeToken;
        if (x.t === 'str') {
          host = x.v;
          break;
        }
      }
      if (host !== undefined && !host.includes('/') && host.includes('.')) f.hosts.push(host);
      f.network = true;
    }
    if (matchesAny(id, SHELL_CALLS) && !(id === 'exec' && language === 'python') && !(id === 'system' && language === 'other')) {
      const a = args();
      if (a.list !== null && a.list.length > 0) argvs.push(a.list);
      else if (a.firstIsString && a.strings[0] !== undefined) {
        const rest = a.strings.slice(1);
        // spawn('curl', ['-d', …]) / execFile('curl', […]): program then argv list.
        if ((lastPart(id).startsWith('spawn') || lastPart(id).startsWith('execFile') || id === 'Deno.run') && rest.length > 0 && !a.strings[0].includes(' ')) argvs.push([a.strings[0], ...rest]);
        else shellCode.push(a.strings[0]);
      } else if (a.firstIsOther) f.dynamicExec = true;
    }
    if (matchesAny(id, CODE_EVAL) && next.t === 'p' && next.v === '(') {
      const a = args();
      if (a.firstIsString && a.strings[0] !== undefined && language !== 'perl') {
        if (language === 'python' || language === 'javascript' || language === 'ruby' || language === 'php') {
          // Literal code given to eval: scanned as code of the same language.
          scanInlineCode(literalWord(a.strings[0]), language, { ...ctx, depth: ctx.depth + 1 }, inv, collector, sink);
        }
      } else if (a.firstIsOther) f.dynamicExec = true;
    }
    if (matchesAny(id, WRITE_CALLS)) {
      const a = args();
      const path = a.strings[0];
      if (path !== undefined && looksLikePathLiteral(path)) {
        f.writes.push(path);
        const at = f.reads.indexOf(path);
        if (at >= 0) f.reads.splice(at, 1);
      }
    }
    if (matchesAny(id, DELETE_CALLS)) {
      const a = args();
      const path = a.strings[0];
      if (path !== undefined && looksLikePathLiteral(path)) {
        f.deletes.push(path);
        const at = f.reads.indexOf(path);
        if (at >= 0) f.reads.splice(at, 1);
      }
    }
  }
  // awk: print | "cmd" and "cmd" | getline run shell commands.
  if (language === 'awk') {
    for (let i = 0; i + 1 < tokens.length; i++) {
      const a = tokens[i] as CodeToken;
      const b = tokens[i + 1] as CodeToken;
      if (a.t === 'p' && a.v === '|' && b.t === 'str') shellCode.push(b.v);
      if (a.t === 'str' && b.t === 'p' && b.v === '|' && tokens[i + 2]?.v === 'getline') shellCode.push(a.v);
    }
  }
  if (encryptCall && (writesFiles || f.writes.length > 0)) {
    f.encrypts = true;
    for (const dir of listed) if (!f.reads.includes(dir) && f.reads.length < 32) f.reads.push(dir);
  }
  sink.push(f);
  const inner: WalkContext = { ...ctx, depth: ctx.depth + 1 };
  for (const s of shellCode) collector.shell(s, inner, s);
  for (const argv of argvs) collector.invoke(argv.map((a) => literalWord(a)), [], inner, argv.join(' '));
}

/** Turns the scan's findings into effects and values (after the invocations' own effects). */
export function readInlineFindings(findings: readonly InlineFindings[], cx: EffectContext, out: AnalysisBuilder): void {
  for (const f of findings) {
    const inv = f.invocation;
    const ev = { command: inv.name, evidence: inv.evidence };
    const hosts: string[] = [];
    if (f.network) {
      for (const u of f.urls) {
        out.url(u);
        if (u.host !== '') hosts.push(u.host);
        out.effect({ kind: 'network_egress', detail: 'inline_code', target: u.host !== '' ? u.host : u.raw, ...ev });
      }
      for (const raw of f.hosts) {
        const h = normaliseHost(raw);
        if (h === '') continue;
        out.host(h);
        hosts.push(h);
        out.effect({ kind: 'network_egress', detail: 'inline_code', target: h, ...ev });
      }
      const fetched = f.urls[0]?.raw ?? f.hosts[0];
      if (fetched !== undefined) cx.flow.fetchesToStdout.set(inv.seq, fetched);
    }
    for (const p of f.reads) readPath(cx, inv, p);
    for (const p of f.writes) writePath(cx, inv, p);
    for (const p of f.deletes) deletePath(cx, inv, p, 'delete');
    if (f.envDump) {
      cx.flow.envDumps.add(inv.seq);
      out.effect({ kind: 'secret_read', detail: 'env_dump', target: 'environment', ...ev });
    }
    for (const v of f.secretVars) out.effect({ kind: 'secret_read', detail: 'secret_variable', target: `$${v}`, ...ev });
    if (f.network && f.sends) {
      for (const h of hosts.length > 0 ? hosts : ['']) {
        for (const p of f.reads) out.effect({ kind: 'file_send', detail: 'inline_code', target: out.readPath(p).normalised, ...(h !== '' ? { host: h } : {}), ...ev });
        if (f.envDump || f.secretVars.length > 0) out.effect({ kind: 'file_send', detail: 'inline_code', target: 'environment', ...(h !== '' ? { host: h } : {}), ...ev });
      }
    }
    if (f.encrypts) {
      const targets = [...new Set([...f.writes, ...f.reads])];
      if (targets.length === 0) out.effect({ kind: 'encryption', detail: 'inline_code', target: 'inline code', ...ev });
      for (const p of targets) out.effect({ kind: 'encryption', detail: 'inline_code', target: out.readPath(p).normalised, ...ev });
    }
    if (f.dynamicExec) {
      const fetched = f.network ? (f.urls[0]?.raw ?? f.hosts[0]) : undefined;
      if (fetched !== undefined) out.effect({ kind: 'download_execute', detail: 'inline_fetch_exec', target: fetched, host: f.urls[0]?.host ?? f.hosts[0] ?? '', ...ev });
      else out.effect({ kind: 'unresolved', detail: 'dynamic_code', target: 'inline code', ...ev });
    }
  }
}
