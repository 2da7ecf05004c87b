/**
 * Which paths hold secrets, which install persistence when written, and which grant privilege
 * when written, judged on the normalised path's segments (any home: `~/`, `/home/u/`, `/root/`,
 * or relative to one).
 */
import { baseName } from './normalise';

export type SecretClass =
  | 'ssh_key'
  | 'private_key'
  | 'env_file'
  | 'cloud_credentials'
  | 'kube_config'
  | 'registry_credentials'
  | 'system_secrets'
  | 'proc_environ'
  | 'git_credentials'
  | 'shell_history';

export type PersistenceClass = 'cron' | 'systemd_unit' | 'shell_rc' | 'authorized_keys' | 'launchd' | 'init_script' | 'git_hook' | 'autostart' | 'ld_preload';

export type PrivilegeFileClass = 'sudoers' | 'account_database';

const SSH_KEY_NAMES = new Set(['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk', 'identity']);
const SSH_PUBLIC = new Set(['known_hosts', 'known_hosts.old', 'config', 'authorized_keys', 'authorized_keys2', 'environment', 'rc']);
const PRIVATE_KEY_SUFFIXES = ['.pem', '.key', '.p12', '.pfx', '.jks', '.keystore', '.ppk', '.gpg', '.asc'];
const ENV_EXAMPLES = ['example', 'sample', 'template', 'dist', 'defaults', 'default', 'schema', 'tmpl', 'tpl'];
const REGISTRY_FILES = new Set(['.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.yarnrc.yml', '.gem-credentials', '.dockercfg', '.s3cfg', '.boto', '.pgpass', '.my.cnf']);
const HISTORY_FILES = new Set(['.bash_history', '.zsh_history', '.sh_history', '.history', '.psql_history', '.mysql_history', '.python_history', '.node_repl_history', '.lesshst', '.viminfo']);
const RC_FILES = new Set(['.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile', '.zshrc', '.zprofile', '.zshenv', '.zlogin', '.zlogout', '.kshrc', '.mkshrc', '.cshrc', '.tcshrc', '.login', '.xprofile', '.xinitrc', '.xsessionrc']);

const segmentsOf = (p: string): string[] => p.split('/').filter((s) => s !== '');

/** Whether `segs` holds the segments a (then b, then c) next to each other. */
function has(segs: readonly string[], a: string, b?: string, c?: string): boolean {
  for (let i = segs.indexOf(a); i >= 0; i = segs.indexOf(a, i + 1)) {
    if (b === undefined) return true;
    if (segs[i + 1] === b && (c === undefined || segs[i + 2] === c)) return true;
  }
  return false;
}

export function secretClassOf(normalised: string): SecretClass | null {
  const segs = segmentsOf(normalised);
  const base = baseName(normalised);
  if (base === '') return null;
  const sshAt = segs.indexOf('.ssh');
  if (sshAt >= 0) {
    if (sshAt === segs.length - 1) return 'ssh_key';
    if (!base.endsWith('.pub') && !SSH_PUBLIC.has(base)) return 'ssh_key';
    return null;
  }
  if (SSH_KEY_NAMES.has(base) || (base.startsWith('id_') && !base.endsWith('.pub') && base.length <= 24 && !base.includes('.'))) return 'ssh_key';
  if (segs[0] === 'proc' && base === 'environ') return 'proc_environ';
  if (normalised === '/etc/shadow' || normalised === '/etc/gshadow' || normalised === '/etc/shadow-' || normalised === '/etc/master.passwd') return 'system_secrets';
  if (segs[0] === 'etc' && segs[1] === 'ssh' && base.startsWith('ssh_host_') && !base.endsWith('.pub')) return 'system_secrets';
  if (base === '.env' || base === '.envrc' || base.endsWith('.env') || base.startsWith('.env.')) {
    const suffix = base.startsWith('.env.') ? base.slice(5) : '';
    if (suffix !== '' && ENV_EXAMPLES.some((x) => suffix === x || suffix.startsWith(`${x}.`) || suffix.endsWith(`.${x}`))) return null;
    return 'env_file';
  }
  if (has(segs, '.aws') && (base === 'credentials' || base === 'config' || segs[segs.length - 1] === '.aws' || has(segs, '.aws', 'sso'))) return 'cloud_credentials';
  if (has(segs, '.config', 'gcloud') || base === 'application_default_credentials.json' || has(segs, '.azure') || has(segs, '.oci') || has(segs, '.terraform.d') || has(segs, '.config', 'doctl')) return 'cloud_credentials';
  if (has(segs, '.kube') || base === 'kubeconfig' || normalised === '/etc/kubernetes/admin.conf' || has(segs, 'kubernetes.io', 'serviceaccount')) return 'kube_config';
  if (REGISTRY_FILES.has(base)) return base === '.git-credentials' ? 'git_credentials' : 'registry_credentials';
  if ((has(segs, '.docker') && base === 'config.json') || (has(segs, '.cargo') && base.startsWith('credentials')) || (has(segs, '.gem') && base === 'credentials') || (has(segs, '.config', 'gh') && base === 'hosts.yml') || (has(segs, '.composer') && base === 'auth.json') || (has(segs, '.m2') && base === 'settings.xml')) return 'registry_credentials';
  if (has(segs, '.config', 'git') && base === 'credentials') return 'git_credentials';
  if (has(segs, '.gnupg') && (segs[segs.length - 1] === '.gnupg' || has(segs, '.gnupg', 'private-keys-v1.d') || base.startsWith('secring'))) return 'private_key';
  if (PRIVATE_KEY_SUFFIXES.some((s) => base.endsWith(s)) && !base.endsWith('.pub.pem') && !base.includes('public') && !base.includes('cert') && !base.includes('.crt')) return 'private_key';
  if (HISTORY_FILES.has(base)) return 'shell_history';
  return null;
}

export function persistenceClassOf(normalised: string): PersistenceClass | null {
  const segs = segmentsOf(normalised);
  const base = baseName(normalised);
  const abs = normalised.startsWith('/');
  if (base === 'authorized_keys' || base === 'authorized_keys2') return 'authorized_keys';
  if (RC_FILES.has(base)) return 'shell_rc';
  if (abs && (normalised === '/etc/profile' || normalised === '/etc/bash.bashrc' || normalised === '/etc/environment' || normalised === '/etc/zshrc' || normalised === '/etc/zsh/zshrc' || has(segs, 'etc', 'profile.d'))) return 'shell_rc';
  if (has(segs, '.config', 'fish') && (base === 'config.fish' || has(segs, 'fish', 'conf.d'))) return 'shell_rc';
  if (abs && (normalised === '/etc/crontab' || normalised === '/etc/anacrontab' || (segs[0] === 'etc' && (segs[1] ?? '').startsWith('cron')) || has(segs, 'var', 'spool', 'cron'))) return 'cron';
  if (has(segs, 'systemd', 'system') || has(segs, 'systemd', 'user') || (abs && segs[0] === 'etc' && segs[1] === 'systemd')) return 'systemd_unit';
  if (has(segs, 'Library', 'LaunchAgents') || has(segs, 'Library', 'LaunchDaemons')) return 'launchd';
  if (abs && (normalised === '/etc/rc.local' || has(segs, 'etc', 'init.d') || has(segs, 'etc', 'init') || has(segs, 'etc', 'rc.d'))) return 'init_script';
  if (has(segs, '.git', 'hooks') && segs[segs.length - 1] !== 'hooks') return 'git_hook';
  if (has(segs, '.config', 'autostart') || has(segs, 'etc', 'xdg', 'autostart')) return 'autostart';
  if (normalised === '/etc/ld.so.preload') return 'ld_preload';
  return null;
}

export function privilegeFileClassOf(normalised: string): PrivilegeFileClass | null {
  if (normalised === '/etc/sudoers' || normalised.startsWith('/etc/sudoers.d/') || normalised === '/etc/doas.conf') return 'sudoers';
  if (normalised === '/etc/passwd' || normalised === '/etc/shadow' || normalised === '/etc/group' || normalised === '/etc/gshadow') return 'account_database';
  return null;
}

/** Environment variable names that hold credentials (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, DB_PASSWORD …). */
export function isSecretVariable(name: string): boolean {
  const n = name.toUpperCase();
  if (n === 'TOKENIZERS_PARALLELISM' || n.endsWith('_TOKEN_URL') || n.endsWith('_KEY_ID') || n === 'SSH_AUTH_SOCK') return false;
  return /(?:^|_)(?:TOKEN|SECRET|SECRETS|PASSWORD|PASSWD|PASS|PWD_SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH|SESSION_?KEY|CLIENT_?SECRET|WEBHOOK)(?:_|$)/.test(n) && n !== 'PWD' && n !== 'OLDPWD';
}
