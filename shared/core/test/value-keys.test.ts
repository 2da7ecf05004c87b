import { describe, expect, it } from 'vitest';
import { baseKey, commandKey, madeDirectories, pathKey, pathsInText, urlValue } from '../src/catalog/value-keys';
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
