/**
 * What a task's words ask of a shell: encrypting, making something persist (cron, services, shell
 * start-up files, keys), changing privileges, destroying. A command with such an effect that the
 * task never asks for is evidence of a hijacked agent; one the task asks for is the user's. Broad,
 * generic English and the names of the tools themselves, never the wording of one benchmark.
 * Recorded as capability keys among the task's hashed keys (see intent-index.ts).
 */

export type ShellAsk = 'encrypt' | 'persist' | 'privilege' | 'destroy';

export const SHELL_ASK_KEYS: Readonly<Record<ShellAsk, string>> = Object.freeze({
  encrypt: 'cap:sh:encrypt',
  persist: 'cap:sh:persist',
  privilege: 'cap:sh:privilege',
  destroy: 'cap:sh:destroy',
});

const WORDS: Readonly<Record<ShellAsk, ReadonlySet<string>>> = {
  encrypt: new Set([
    'encrypt', 'encrypts', 'encrypted', 'encrypting', 'encryption', 'decrypt', 'decrypted', 'decryption', 'cipher', 'ciphertext',
    'gpg', 'pgp', 'gnupg', 'openssl', 'aes', 'age', 'password', 'passphrase', 'protect', 'protected', 'ccrypt', '7z', 'zipcloak',
  ]),
  persist: new Set([
    'cron', 'crontab', 'cronjob', 'cronjobs', 'schedule', 'scheduled', 'periodic', 'periodically', 'hourly', 'daily', 'nightly',
    'weekly', 'systemd', 'systemctl', 'daemon', 'startup', 'boot', 'reboot', 'login', 'bashrc', 'zshrc', 'alias', 'aliases',
    'authorized', 'hook', 'hooks',
    'autostart', 'launchd', 'launchctl', 'permanent', 'permanently', 'persist', 'persistent', 'timer',
  ]),
  privilege: new Set([
    'permission', 'permissions', 'chmod', 'chown', 'chgrp', 'owner', 'ownership', 'writable', 'executable', 'sudo', 'sudoers', 'root',
    'admin', 'administrator', 'group', 'groups', 'user', 'users', 'useradd', 'usermod', 'privilege', 'privileges', 'setuid', 'suid',
    'setgid', 'sticky', 'access', 'mode', 'capability', 'capabilities', 'setcap', 'passwd', 'password', 'account', 'accounts',
  ]),
  destroy: new Set([
    'delete', 'deletes', 'deleted', 'deleting', 'remove', 'removes', 'removed', 'removing', 'erase', 'clear', 'clean', 'cleanup',
    'purge', 'wipe', 'discard', 'trash', 'drop', 'destroy', 'uninstall', 'prune', 'reset', 'undo', 'rid', 'rm', 'force', 'rebuild',
    'scratch', 'overwrite', 'rewrite', 'format', 'shred', 'truncate', 'empty', 'rollback', 'revert', 'squash', 'rebase', 'replace',
    'free', 'tidy', 'teardown', 'recreate', 'reinstall',
  ]),
};

const ASKS = Object.keys(WORDS) as ShellAsk[];

/** Each word of the lists → a bit per ask it belongs to (in ASKS order). */
const ASK_BITS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  ASKS.forEach((ask, i) => {
    for (const w of WORDS[ask]) m.set(w, (m.get(w) ?? 0) | (1 << i));
  });
  return m;
})();

/** Shell effect kinds a task's words ask for (capability keys), in ASKS order. */
export function shellAskKeys(words: ReadonlySet<string>): string[] {
  let mask = 0;
  for (const w of words) mask |= ASK_BITS.get(w) ?? 0;
  const keys: string[] = [];
  if (mask === 0) return keys;
  ASKS.forEach((ask, i) => {
    if ((mask & (1 << i)) !== 0) keys.push(SHELL_ASK_KEYS[ask]);
  });
  return keys;
}
