/**
 * Commands that read, write and delete files, with which operand plays which role, and the
 * destructive ones (rm, shred, dd of=, mkfs, truncate, find -delete, git reset --hard and push
 * --force, cluster and cloud deletions). Commands not listed here read every operand that looks
 * like a path: conservative for secret reads, silent for everything else.
 */
import { hasOption, optionValues, parseArgs } from '../command-options';
import type { Invocation } from '../invocation';
import { DYNAMIC, type Word } from '../word-value';
import { deletePath, emit, looksLikePath, readPath, writePath, type EffectContext } from './effect-context';
import { gitSubcommand, type Handler } from './network-commands';

/** Read every operand (after skipping `skipFirst` operands: a pattern, a filter, a program). */
function reader(shortWithValue = '', longWithValue: readonly string[] = [], skipFirst = 0, patternOptions: readonly string[] = []): Handler {
  return (inv, cx) => {
    const p = parseArgs(inv.argv, { shortWithValue, longWithValue });
    const patternGiven = patternOptions.length > 0 && hasOption(p, ...patternOptions);
    const skip = patternGiven ? 0 : skipFirst;
    p.operands.forEach((w, i) => {
      if (i >= skip) readPath(cx, inv, w);
    });
    for (const f of optionValues(p, 'f', 'file')) if (patternOptions.includes('f')) readPath(cx, inv, f);
  };
}

const cat = reader('', []);
const head = reader('nc', ['lines', 'bytes']);
const grep = reader('efmABCdD', ['regexp', 'file', 'max-count', 'after-context', 'before-context', 'context', 'include', 'exclude', 'exclude-dir', 'label', 'color', 'colour'], 1, ['e', 'f', 'regexp', 'file']);
const rg = reader('egtTmABCMjrf', ['regexp', 'glob', 'type', 'type-not', 'max-count', 'after-context', 'before-context', 'context', 'replace', 'file', 'iglob', 'max-columns', 'threads'], 1, ['e', 'f', 'regexp', 'file']);
const jq = reader('f', ['arg', 'argjson', 'slurpfile', 'rawfile', 'indent', 'from-file'], 1, []);
const sort = reader('ktoSTz', ['key', 'field-separator', 'output', 'buffer-size', 'temporary-directory', 'parallel']);
const cut = reader('bcdf', ['bytes', 'characters', 'delimiter', 'fields', 'output-delimiter']);
const base64 = (inv: Invocation, cx: EffectContext): void => {
  const p = parseArgs(inv.argv, { shortWithValue: 'w', longWithValue: ['wrap'] });
  if (hasOption(p, 'd', 'D', 'decode')) cx.flow.decoders.add(inv.seq);
  for (const w of p.operands) readPath(cx, inv, w);
};
const xxd = (inv: Invocation, cx: EffectContext): void => {
  const p = parseArgs(inv.argv, { shortWithValue: 'cglsno', longWithValue: [] });
  if (hasOption(p, 'r')) cx.flow.decoders.add(inv.seq);
  if (p.operands[0] !== undefined) readPath(cx, inv, p.operands[0]);
  if (p.operands[1] !== undefined) writePath(cx, inv, p.operands[1]);
};

const sed: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'efl', longWithValue: ['expression', 'file', 'line-length'] });
  const scriptGiven = hasOption(p, 'e', 'f', 'expression', 'file');
  const inPlace = p.options.some((o) => o.name === 'i' || o.name.startsWith('in-place'));
  p.operands.forEach((w, i) => {
    if (i === 0 && !scriptGiven) return;
    readPath(cx, inv, w);
    if (inPlace) writePath(cx, inv, w);
  });
};

const awk: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'vFf', longWithValue: ['assign', 'field-separator', 'file'], stopAtOperand: true });
  const programFile = optionValues(p, 'f', 'file');
  for (const f of programFile) readPath(cx, inv, f);
  p.operands.forEach((w, i) => {
    if (i === 0 && programFile.length === 0) return;
    if (!w.value.includes('=')) readPath(cx, inv, w);
  });
};

const tee: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, {});
  for (const w of p.operands) writePath(cx, inv, w);
};

const touch: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'dtr', longWithValue: ['date', 'reference', 'time'] });
  for (const w of p.operands) writePath(cx, inv, w);
};

/** cp, mv, install, ln: sources read, the last operand (or -t DIR) written; mv also removes the sources. */
function copier(remove: boolean, link = false): Handler {
  return (inv, cx) => {
    const p = parseArgs(inv.argv, { shortWithValue: 'tSmogb', longWithValue: ['target-directory', 'suffix', 'mode', 'owner', 'group', 'backup', 'reflink', 'sparse', 'preserve', 'no-preserve'] });
    const targetDir = optionValues(p, 't', 'target-directory')[0];
    const ops = [...p.operands];
    const dest = targetDir ?? ops.pop();
    if (dest === undefined) return;
    for (const s of ops) {
      if (!link) readPath(cx, inv, s);
      if (remove) cx.out.deletePath(s);
    }
    if (dest.value === '/dev/null' && remove) {
      for (const s of ops) deletePath(cx, inv, s, 'delete');
      return;
    }
    writePath(cx, inv, dest);
    // Into a directory: the written files are dest/<basename>; persistence locations are judged on that path too.
    if (ops.length > 0 && (targetDir !== undefined || dest.value.endsWith('/'))) {
      for (const s of ops) writePath(cx, inv, `${dest.value.replace(/\/+$/, '')}/${s.value.split('/').pop() ?? ''}`);
    }
  };
}

const rm: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { longWithValue: ['interactive', 'preserve-root'] });
  const recursive = hasOption(p, 'r', 'R', 'recursive');
  const detail = recursive ? 'recursive_delete' : 'delete';
  for (const w of p.operands) deletePath(cx, inv, w, detail);
  if (inv.argsFromStdin) emit(cx, inv, 'destruction', detail, '(stdin)', { dynamic: true });
};

const unlink: Handler = (inv, cx) => {
  for (const w of inv.argv.slice(1)) if (!w.value.startsWith('-')) deletePath(cx, inv, w, 'delete');
};

const shred: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'ns', longWithValue: ['iterations', 'size', 'random-source', 'remove'] });
  for (const w of p.operands) deletePath(cx, inv, w, 'shred');
  if (inv.argsFromStdin) emit(cx, inv, 'destruction', 'shred', '(stdin)', { dynamic: true });
};

const truncate: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'sor', longWithValue: ['size', 'reference', 'io-blocks'] });
  for (const w of p.operands) {
    cx.out.writePath(w);
    emit(cx, inv, 'destruction', 'truncate', cx.out.writePath(w).normalised, { dynamic: !w.literal });
  }
};

const dd: Handler = (inv, cx) => {
  for (const w of inv.argv.slice(1)) {
    const v = w.value;
    if (v.startsWith('if=')) readPath(cx, inv, v.slice(3));
    else if (v.startsWith('of=')) {
      const target = v.slice(3);
      cx.out.writePath(target);
      if (target !== '/dev/null') emit(cx, inv, 'destruction', target.startsWith('/dev/') ? 'device_overwrite' : 'overwrite', cx.out.writePath(target).normalised, { dynamic: target.includes(DYNAMIC) });
      writePath(cx, inv, target);
    }
  }
};

const mkfs: Handler = (inv, cx) => {
  const p = parseArgs(inv.argv, { shortWithValue: 'tLbcCEgGiIjJlmMNoOrTUdFSnV' });
  const dev = p.operands[p.operands.length - 1] ?? p.operands[0];
  emit(cx, inv, 'destruction', 'format', dev?.value ?? '', { dynamic: dev !== undefined && !dev.literal });
};

const find: Handler = (inv, cx) => {
  const roots: Word[] = [];
  for (const w of inv.argv.slice(1)) {
    if (w.value.startsWith('-') || w.value === '(' || w.value === '!') break;
    roots.push(w);
  }
  if (inv.argv.some((w) => w.value === '-delete')) {
    for (const r of roots.length > 0 ? roots : [{ text: '.', value: '.', literal: true, subs: [], processSubstitution: false }]) deletePath(cx, inv, r, 'find_delete');
  }
  for (let i = 1; i < inv.argv.length - 1; i++) {
    const v = inv.argv[i]?.value;
    if (v === '-fprint' || v === '-fprintf' || v === '-fls') writePath(cx, inv, inv.argv[i + 1] as Word);
  }
};

const gitDestruction: Handler = (inv, cx) => {
  const at = gitSubcommand(inv.argv);
  const sub = inv.argv[at]?.value ?? '';
  const p = parseArgs(inv.argv, { shortWithValue: 'oe', longWithValue: ['repo', 'push-option', 'receive-pack', 'exec'] }, at + 1);
  if (sub === 'push') {
    const force = hasOption(p, 'f', 'force', 'force-with-lease', 'force-if-includes', 'mirror') || p.operands.slice(1).some((w) => w.value.startsWith('+'));
    const remote = p.operands[0]?.value ?? 'origin';
    if (force) emit(cx, inv, 'destruction', 'force_push', [remote, ...p.operands.slice(1).map((w) => w.value.replace(/^\+/, ''))].join(' '));
    if (hasOption(p, 'd', 'delete') || p.operands.slice(1).some((w) => w.value.startsWith(':'))) emit(cx, inv, 'destruction', 'remote_ref_delete', [remote, ...p.operands.slice(1).map((w) => w.value)].join(' '));
  } else if (sub === 'reset' && hasOption(p, 'hard')) {
    emit(cx, inv, 'destruction', 'hard_reset', p.operands[0]?.value ?? 'HEAD');
  } else if (sub === 'clean' && hasOption(p, 'f', 'force')) {
    emit(cx, inv, 'destruction', 'clean', p.operands[0]?.value ?? '.');
  } else if (sub === 'checkout' || sub === 'restore') {
    for (const w of p.operands) if (w.value === '.' && (sub === 'restore' || inv.argv.some((x) => x.value === '--'))) emit(cx, inv, 'destruction', 'discard_changes', '.');
  } else if (sub === 'branch' && hasOption(p, 'D')) {
    for (const w of p.operands) emit(cx, inv, 'destruction', 'branch_delete', w.value);
  } else if (sub === 'credential' || sub.startsWith('credential-')) {
    const action = p.operands[0]?.value;
    if (sub !== 'credential' || action === 'fill' || action === 'get') emit(cx, inv, 'secret_read', 'git_credentials', `git ${sub}${action !== undefined ? ` ${action}` : ''}`);
  }
  // Paths given to add / show / diff are read.
  if (sub === 'show' || sub === 'diff' || sub === 'blame' || sub === 'log') for (const w of p.operands) if (looksLikePath(w.value)) readPath(cx, inv, w);
};

/** kubectl delete, docker rm/rmi/prune, terraform destroy, helm uninstall, aws s3 rm/rb, dropdb. */
const resourceDelete: Handler = (inv, cx) => {
  const a1 = inv.argv[1]?.value ?? '';
  const a2 = inv.argv[2]?.value ?? '';
  const rest = (from: number): string => inv.argv.slice(from).map((w) => w.value).filter((v) => !v.startsWith('-')).join(' ');
  switch (inv.name) {
    case 'kubectl':
    case 'oc':
      if (a1 === 'delete') emit(cx, inv, 'destruction', 'resource_delete', rest(2));
      return;
    case 'docker':
    case 'podman':
      if (a1 === 'rm' || a1 === 'rmi' || (a2 === 'prune' && a1 !== '') || a2 === 'rm' || a1 === 'kill') emit(cx, inv, 'destruction', 'resource_delete', rest(1));
      return;
    case 'terraform':
    case 'tofu':
      if (a1 === 'destroy' || (a1 === 'apply' && inv.argv.some((w) => w.value === '-destroy'))) emit(cx, inv, 'destruction', 'resource_delete', 'infrastructure');
      return;
    case 'helm':
      if (a1 === 'uninstall' || a1 === 'delete') emit(cx, inv, 'destruction', 'resource_delete', rest(2));
      return;
    case 'aws':
      if (a1 === 's3' && (a2 === 'rm' || a2 === 'rb')) emit(cx, inv, 'destruction', 'resource_delete', rest(3));
      if (a1 === 's3' && (a2 === 'cp' || a2 === 'sync' || a2 === 'mv')) {
        const ops = inv.argv.slice(3).filter((w) => !w.value.startsWith('-'));
        const dest = ops[ops.length - 1];
        if (dest !== undefined && dest.value.startsWith('s3://')) {
          for (const s of ops.slice(0, -1)) if (!s.value.startsWith('s3://')) emit(cx, inv, 'file_send', 'upload', cx.out.readPath(s).normalised, { host: `s3://${dest.value.slice(5).split('/')[0] ?? ''}` });
        }
      }
      return;
    case 'dropdb':
      emit(cx, inv, 'destruction', 'resource_delete', rest(1));
      return;
    default:
  }
};

const history: Handler = (inv, cx) => {
  if (inv.argv.some((w) => w.value === '-c' || w.value === '-w' || w.value.startsWith('-d'))) emit(cx, inv, 'destruction', 'history_clear', 'shell history');
};

/** Unknown commands: every operand that looks like a path is read. */
export const defaultReader: Handler = (inv, cx) => {
  for (const w of inv.argv.slice(1)) if (looksLikePath(w.value)) readPath(cx, inv, w);
};

/** Commands that only look at metadata or do not read their operands. */
const NO_READ = new Set([
  'ls', 'll', 'la', 'dir', 'stat', 'du', 'df', 'test', '[', '[[', 'realpath', 'readlink', 'basename', 'dirname', 'cd', 'pushd', 'popd', 'mkdir', 'rmdir', 'echo', 'printf',
  'chmod', 'chown', 'chgrp', 'which', 'type', 'whereis', 'export', 'declare', 'typeset', 'local', 'readonly', 'unset', 'alias', 'true', 'false', ':', 'sleep', 'kill', 'pkill', 'pgrep',
  'ssh-keygen', 'ssh-add', 'ssh-keyscan', 'cmp', 'file', 'wc', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'cksum', 'tree', 'exa', 'eza', 'lsof', 'fuser', 'mount', 'umount',
]);

export const FILE_HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ...['cat', 'tac', 'nl', 'less', 'more', 'strings', 'od', 'hexdump', 'zcat', 'bzcat', 'xzcat', 'zless', 'diff', 'comm', 'paste', 'column', 'fold', 'fmt', 'iconv', 'uniq', 'rev', 'expand', 'unexpand', 'bat', 'batcat', 'view', 'vim', 'vi', 'nano', 'emacs', 'code', 'yq', 'xmllint'].map((n) => [n, cat] as [string, Handler]),
  ['head', head],
  ['tail', head],
  ['grep', grep],
  ['egrep', grep],
  ['fgrep', grep],
  ['zgrep', grep],
  ['rg', rg],
  ['ag', rg],
  ['jq', jq],
  ['sort', sort],
  ['cut', cut],
  ['base64', base64],
  ['base32', base64],
  ['xxd', xxd],
  ['sed', sed],
  ['awk', awk],
  ['gawk', awk],
  ['mawk', awk],
  ['tee', tee],
  ['touch', touch],
  ['cp', copier(false)],
  ['mv', copier(true)],
  ['install', copier(false)],
  ['ln', copier(false, true)],
  ['rm', rm],
  ['unlink', unlink],
  ['shred', shred],
  ['wipe', shred],
  ['srm', shred],
  ['truncate', truncate],
  ['dd', dd],
  ...['mkfs', 'mkfs.ext4', 'mkfs.ext3', 'mkfs.ext2', 'mkfs.xfs', 'mkfs.btrfs', 'mkfs.vfat', 'mkfs.fat', 'mke2fs', 'wipefs', 'mkswap', 'blkdiscard'].map((n) => [n, mkfs] as [string, Handler]),
  ['find', find],
  ['git', gitDestruction],
  ...['kubectl', 'oc', 'docker', 'podman', 'terraform', 'tofu', 'helm', 'aws', 'dropdb'].map((n) => [n, resourceDelete] as [string, Handler]),
  ['history', history],
  ...[...NO_READ].map((n) => [n, (): void => undefined] as [string, Handler]),
]);
