import { describe, expect, it } from 'vitest';
import { baseKey, collapseSpace, commandKey, madeDirectories, pathKey, pathsInText, urlValue } from '../src/catalog/value-keys';
import { taskTextKeys } from '../src/intent/task-words';

describe('value keys of paths, commands and hosts', () => {
  it('writes paths in one normal form', () => {
    expect(pathKey('$HOME/.ssh/../.ssh/id_rsa')).toBe('f:~/.ssh/id_rsa');
    expect(pathKey('"./build/"')).toBe('f:build');
    expect(pathKey('/tmp//x/./y.sh')).toBe('f:/tmp/x/y.sh');
    expect(pathKey('../repo')).toBe('f:../repo');
    expect(baseKey('/tmp/x/fix.sh')).toBe('b:fix.sh');
    expect(commandKey('  git   status ')).toBe('c:git status');
  });

  it('gives every path the normal form of the full algorithm (the shortcut for paths already in it agrees)', () => {
    // The normal form written out step by step, as pathKey did before it took a shortcut.
    const reference = (raw: string): string => {
      let p = raw.trim().replace(/^["']|["']$/g, '').replace(/^\$\{?HOME\}?(?=\/|$)/, '~');
      if (p === '') return 'f:';
      const absolute = p.startsWith('/');
      const out: string[] = [];
      for (const part of p.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
          const last = out[out.length - 1];
          if (last !== undefined && last !== '..' && !(out.length === 1 && last.startsWith('~'))) out.pop();
          else if (!absolute) out.push('..');
          continue;
        }
        out.push(part);
      }
      p = out.join('/');
      return `f:${absolute ? `/${p}` : p === '' ? '.' : p}`;
    };
    const pieces = ['', '/', '//', '.', '..', '~', 'a', 'b.c', '.env', '$HOME', '${HOME}', '"', "'", ' ', '\t', '\u00a0', 'x y', '-', 'é', '*'];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const samples = ['/etc/passwd', 'build/', 'src/a.ts', '~/.ssh/id_rsa', '/tmp/x.sh', 'a/b/../c', 'a//b', './x', 'x/.', '~/..', "'q'"];
    for (let i = 0; i < 5000; i++) {
      const n = 1 + (next() % 6);
      let t = '';
      for (let j = 0; j < n; j++) t += (pieces[next() % pieces.length] ?? '') + (next() % 2 === 0 ? '/' : '');
      samples.push(t);
    }
    for (const raw of samples) expect(pathKey(raw), JSON.stringify(raw)).toBe(reference(raw));
  });

  it('collapses white space in command keys as the pattern does (the shortcut for text already collapsed agrees)', () => {
    const pieces = ['git', 'status', ' ', '  ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u200b', 'é', '', 'a b', '\u0085', '\u001f'];
    let seed = 11;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const samples = ['', ' ', 'git status', ' git status', 'git  status', 'git\tstatus', 'git status '];
    for (let i = 0; i < 5000; i++) {
      let t = '';
      for (let j = 0, n = next() % 7; j < n; j++) t += pieces[next() % pieces.length] ?? '';
      samples.push(t);
    }
    for (const raw of samples) {
      expect(commandKey(raw), JSON.stringify(raw)).toBe(`c:${raw.trim().replace(/\s+/g, ' ')}`);
      expect(collapseSpace(raw), JSON.stringify(raw)).toBe(raw.trim().replace(/\s+/g, ' '));
    }
  });

  it('finds the paths a task writes out, not its links', () => {
    expect(pathsInText('Clean build/ and ~/.cache, keep https://x.io/a/b and .env.example')).toEqual(['build/', '~/.cache', '.env.example']);
  });

  it('gives the host of URLs, hosts and scp targets', () => {
    expect(urlValue('https://Dl.Example.com:8443/x.sh?y=1')).toBe('dl.example.com:8443/x.sh');
    expect(urlValue('deploy@10.0.0.7:/srv/releases/')).toBe('10.0.0.7');
    expect(urlValue('build-3.example.net')).toBe('build-3.example.net');
  });

  it('lists the directories mkdir creates, skipping options and dynamic words', () => {
    expect(madeDirectories(['mkdir -p /root/w "tmp dir"', 'mkdir $D', 'ls -la'])).toEqual(['/root/w']);
  });

  it('keys hosts a task writes as IPv4 addresses or bare beside an address', () => {
    const keys = taskTextKeys('Deploy to 10.20.0.7 and build-3.example.net (ssh deploy@build-3.example.net)');
    expect(keys).toContain('d:10.20.0.7');
    expect(keys).toContain('d:build-3.example.net');
    expect(taskTextKeys('Mail bob@example.com the report')).not.toContain('d:example.com');
  });
});
