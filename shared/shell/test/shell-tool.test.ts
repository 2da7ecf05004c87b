import { describe, expect, it } from 'vitest';
import { isShellTool, shellCommandOf, shellQuote } from '../src/index';
import { shellCommandLineOf } from '../src/shell-tool';

describe('shell-like tool recognition', () => {
  it('recognises shell tools by the words of their name, not a list of exact names', () => {
    for (const name of ['bash', 'Bash', 'sh', 'zsh', 'terminal', 'run_command', 'execute_command', 'exec', 'shell', 'run_shell', 'run_terminal_cmd', 'container.exec', 'runShellCommand', 'shell-exec', 'sandbox/exec', 'start_process', 'invoke-cmd', 'exec_command', 'terminal.run', 'k8s.pod_exec', 'BashTool', 'run_script']) {
      expect(isShellTool(name), name).toBe(true);
    }
  });

  it('leaves other tools alone, including other language runtimes', () => {
    for (const name of ['read_file', 'send_email', 'web.fetch', 'execute_sql', 'run_python', 'exec_python_code', 'run_tests', 'execute_code', 'run_query', 'powershell', 'notebook.run_cell', 'get_command_history', 'commands.list', 'search_shells']) {
      expect(isShellTool(name), name).toBe(false);
    }
  });

  it('accepts MCP-annotated tools: a shell hint, a title or a description naming the shell', () => {
    expect(isShellTool('do_it', { shellHint: true })).toBe(true);
    expect(isShellTool('tool_7', { title: 'Run Terminal Command', readOnlyHint: false })).toBe(true);
    expect(isShellTool('tool_8', { description: 'Executes a bash command in the workspace container and returns its output.' })).toBe(true);
    expect(isShellTool('tool_9', { description: 'Executes a SQL statement against the warehouse.' })).toBe(false);
    expect(isShellTool('tool_10', { title: 12 })).toBe(false);
    expect(isShellTool('tool_11', 'not an object')).toBe(false);
  });

  it('takes an unnamed tool as a shell when its MCP annotations say it acts and it is given a command line', () => {
    expect(shellCommandOf('sandbox_tool', { command: 'rm -rf /data' }, { destructiveHint: true })?.command).toBe('rm -rf /data');
    expect(shellCommandOf('ops.do', { cmd: ['curl', '-s', 'https://x.example.com'] }, { openWorldHint: true, readOnlyHint: false })?.command).toBe('curl -s https://x.example.com');
    expect(shellCommandOf('sandbox_tool', { command: 'rm -rf /data' }, { readOnlyHint: true, destructiveHint: true })).toBeNull();
    expect(shellCommandOf('sandbox_tool', { command: 'rm -rf /data' }, { idempotentHint: true })).toBeNull();
    expect(shellCommandOf('sandbox_tool', { command: 'rm -rf /data' })).toBeNull();
    expect(shellCommandOf('execute_sql', { command: 'DROP TABLE t' }, { destructiveHint: true })).toBeNull();
    expect(shellCommandOf('sandbox_tool', { query: 'rm -rf /data' }, { destructiveHint: true })).toBeNull();
  });

  it('returns the command from the usual argument names', () => {
    expect(shellCommandOf('bash', { command: 'ls -la' })).toEqual({ command: 'ls -la', argument: 'command' });
    expect(shellCommandOf('run_command', { cmd: 'npm test', cwd: '/repo' })).toEqual({ command: 'npm test', argument: 'cmd', cwd: '/repo' });
    expect(shellCommandOf('terminal', { script: 'make\nmake test' })?.command).toBe('make\nmake test');
    expect(shellCommandOf('shell', { commands: ['cd app', 'npm ci'] })?.command).toBe('cd app\nnpm ci');
    expect(shellCommandOf('container.exec', { cmd: ['sh', '-c', 'echo "a b" > f'] })?.command).toBe(`sh -c 'echo "a b" > f'`);
    expect(shellCommandOf('execute_command', { command: 'git', args: ['commit', '-m', "it's done"] })?.command).toBe(`git commit -m 'it'\\''s done'`);
    expect(shellCommandOf('exec', { argv: ['rm', '-rf', 'build dir'] })?.command).toBe(`rm -rf 'build dir'`);
    expect(shellCommandOf('run_shell', { input: { command: 'whoami' } })).toEqual({ command: 'whoami', argument: 'input.command' });
    expect(shellCommandOf('bash', { code: 'echo hi' })?.command).toBe('echo hi');
  });

  it('returns null when there is no command or the tool is not shell-like', () => {
    expect(shellCommandOf('bash', {})).toBeNull();
    expect(shellCommandOf('bash', { command: '   ' })).toBeNull();
    expect(shellCommandOf('bash', { command: 42 })).toBeNull();
    expect(shellCommandOf('bash', { cmd: [1, 2] })).toBeNull();
    expect(shellCommandOf('read_file', { command: 'rm -rf /' })).toBeNull();
    expect(shellCommandOf('bash', undefined)).toBeNull();
    expect(shellCommandOf('bash', [] as unknown as Record<string, unknown>)).toBeNull();
  });

  it('quotes argv elements so the analyser sees the same words', () => {
    expect(shellQuote('plain-word_1.2/x')).toBe('plain-word_1.2/x');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });

  it('gives the core the same command line as shellCommandOf (without argument name and cwd)', () => {
    const calls: [string, unknown, unknown?][] = [
      ['bash', { command: 'ls -la' }],
      ['run_command', { cmd: 'npm test', cwd: '/repo' }],
      ['terminal', { script: 'make\nmake test' }],
      ['shell', { commands: ['cd app', 'npm ci'] }],
      ['container.exec', { cmd: ['sh', '-c', 'echo "a b" > f'] }],
      ['execute_command', { command: 'git', args: ['commit', '-m', "it's done"] }],
      ['execute_command', { command: ' git ', argv: ['push'] }],
      ['execute_command', { command: 'git push', args: ['--force'] }],
      ['exec', { argv: ['rm', '-rf', 'build dir'] }],
      ['run_shell', { input: { command: 'whoami', cwd: '/x' } }],
      ['run_shell', { params: { cmd: ['id'] }, input: 'not an object' }],
      ['bash', { code: 'echo hi' }],
      ['bash', { command: '   ', cmd: 'pwd' }],
      ['bash', {}],
      ['bash', { command: 42 }],
      ['bash', { cmd: [1, 2] }],
      ['read_file', { command: 'rm -rf /' }],
      ['bash', undefined],
      ['bash', []],
      ['sandbox_tool', { command: 'rm -rf /data' }, { destructiveHint: true }],
      ['sandbox_tool', { command: 'rm -rf /data' }, { readOnlyHint: true, destructiveHint: true }],
      ['sandbox_tool', { command: 'rm -rf /data' }, null],
      ['sandbox_tool', { command: 'rm -rf /data' }],
      ['tool_8', { command: 'ls' }, { description: 'Executes a bash command in the workspace container.' }],
      ['ops.do', { cmd: ['curl', '-s', 'https://x.example.com'] }, { openWorldHint: true }],
    ];
    for (const [tool, args, annotations] of calls) {
      const a = args as Record<string, unknown> | undefined;
      expect(shellCommandLineOf(tool, a, annotations), `${tool} ${JSON.stringify(args)}`).toBe(shellCommandOf(tool, a, annotations)?.command ?? null);
    }
    expect(shellCommandLineOf('run_shell', { input: { command: 'whoami' } })).toBe('whoami');
    expect(shellCommandOf('run_shell', { input: { command: 'whoami', cwd: '/x' } })).toEqual({ command: 'whoami', argument: 'input.command', cwd: '/x' });
  });
});
