/**
 * `chainwatch mcp-proxy`: parses arguments (and an optional JSON config file) into the proxy's
 * configuration and runs @chainwatch/mcp-proxy until the client goes away or a signal arrives.
 * Over stdio, stdout belongs to MCP: nothing here prints to it.
 */
import { readFileSync } from 'node:fs';
import { MCP_PROXY_DEFAULTS as D, parseMcpProxyConfig, runMcpProxy, type McpProxyConfigInput } from '@chainwatch/mcp-proxy';
import { PolicyFilesEnv, parseConfig, policyFilesOf } from '@chainwatch/runtime';
import { UsageError } from '../usage-error';
import { intOption, parseCliArgs } from './cli-args';
import { resolveToken } from './dev-token';
import { serve } from './run-service';

const USAGE = [
  'usage: chainwatch mcp-proxy (--upstream-url URL | -- COMMAND [ARG...]) [options]',
  '  downstream:  stdio by default; --port N [--host H] [--path /mcp] for Streamable HTTP',
  '  decisions:   in-process engine by default; --decision-url URL [--token T] [--approver-token T] [--decision-timeout-ms N]',
  '  identity:    --agent-id ID --agent-type T --spiffe-id S --principal SUB --task-id ID --task-intent TEXT',
  '               --scopes a,b --allowed-tools a,b --allowed-destinations a,b --identity-from headers,token',
  '               --jwks-file F | --jwks-url U, --jwt-issuer I --jwt-audience A (tokens of MCP clients over HTTP)',
  '  fail mode:   --fail-sensitive deny|allow (default deny) --fail-other allow|deny (default allow)',
  '  approvals:   --approvals elicitation|binding (default elicitation)',
  '  --config FILE: a JSON configuration (see docs/integrate.md); flags override it',
].join('\n');

const list = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));

export async function runMcpProxyCli(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCliArgs(
    argv,
    {
      'upstream-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
      'decision-url': { type: 'string' },
      token: { type: 'string' },
      'approver-token': { type: 'string' },
      'decision-timeout-ms': { type: 'string' },
      'agent-id': { type: 'string' },
      'agent-type': { type: 'string' },
      'spiffe-id': { type: 'string' },
      principal: { type: 'string' },
      'task-id': { type: 'string' },
      'task-intent': { type: 'string' },
      scopes: { type: 'string' },
      'allowed-tools': { type: 'string' },
      'allowed-destinations': { type: 'string' },
      'identity-from': { type: 'string' },
      'jwks-file': { type: 'string' },
      'jwks-url': { type: 'string' },
      'jwt-issuer': { type: 'string' },
      'jwt-audience': { type: 'string' },
      'fail-sensitive': { type: 'string' },
      'fail-other': { type: 'string' },
      approvals: { type: 'string' },
      config: { type: 'string' },
    },
    USAGE,
  );
  const file = v.config !== undefined ? (JSON.parse(readFileSync(v.config, 'utf8')) as Partial<McpProxyConfigInput>) : {};
  const [command, ...args] = positionals;
  if (v['upstream-url'] === undefined && command === undefined && file.upstream === undefined) {
    throw new UsageError(`name the upstream MCP server\n${USAGE}`);
  }
  const upstream = v['upstream-url'] !== undefined ? { url: v['upstream-url'] } : command !== undefined ? { command, args } : file.upstream;

  const http = v.port !== undefined || v.host !== undefined || v.path !== undefined;
  const decisionUrl = v['decision-url'];
  const token = decisionUrl !== undefined ? resolveToken(v.token) : undefined;
  if (decisionUrl !== undefined && token === undefined) throw new UsageError('--decision-url needs --token, CHAINWATCH_TOKEN or a development token in ./data/dev-token');

  const fileIdentity = file.identity ?? {};
  const task = {
    ...fileIdentity.task,
    ...(v['task-id'] !== undefined ? { id: v['task-id'] } : {}),
    ...(v['task-intent'] !== undefined ? { intent: v['task-intent'] } : {}),
    ...(v.scopes !== undefined ? { scopes: list(v.scopes) } : {}),
    ...(v['allowed-tools'] !== undefined ? { allowed_tools: list(v['allowed-tools']) } : {}),
    ...(v['allowed-destinations'] !== undefined ? { allowed_destinations: list(v['allowed-destinations']) } : {}),
  };
  const config: McpProxyConfigInput = {
    ...file,
    upstream: upstream as McpProxyConfigInput['upstream'],
    ...(http
      ? {
          listen: {
            ...(v.host !== undefined ? { host: v.host } : {}),
            port: intOption('port', v.port, D.port),
            ...(v.path !== undefined ? { path: v.path } : {}),
          },
        }
      : {}),
    ...(decisionUrl !== undefined
      ? {
          decisions: {
            mode: 'remote',
            url: decisionUrl,
            token: token as string,
            ...(v['approver-token'] !== undefined ? { approverToken: v['approver-token'] } : {}),
            ...(v['decision-timeout-ms'] !== undefined ? { timeoutMs: intOption('decision-timeout-ms', v['decision-timeout-ms'], D.decisionTimeoutMs) } : {}),
          },
        }
      : {}),
    identity: {
      ...fileIdentity,
      agent: {
        ...fileIdentity.agent,
        ...(v['agent-id'] !== undefined ? { id: v['agent-id'] } : {}),
        ...(v['agent-type'] !== undefined ? { type: v['agent-type'] } : {}),
        ...(v['spiffe-id'] !== undefined ? { spiffe_id: v['spiffe-id'] } : {}),
      },
      principal: { ...fileIdentity.principal, ...(v.principal !== undefined ? { sub: v.principal } : {}) },
      ...(Object.keys(task).length > 0 ? { task } : {}),
      ...(v['identity-from'] !== undefined ? { from: list(v['identity-from']) as ('headers' | 'token')[] } : {}),
    },
    ...(v['jwks-file'] !== undefined || v['jwks-url'] !== undefined
      ? {
          token: {
            ...(v['jwks-file'] !== undefined ? { jwksFile: v['jwks-file'] } : {}),
            ...(v['jwks-url'] !== undefined ? { jwksUrl: v['jwks-url'] } : {}),
            issuer: v['jwt-issuer'] ?? D.jwtIssuer,
            audience: v['jwt-audience'] ?? D.jwtAudience,
          },
        }
      : {}),
    failMode: {
      ...file.failMode,
      ...(v['fail-sensitive'] !== undefined ? { sensitive: v['fail-sensitive'] as 'deny' | 'allow' } : {}),
      ...(v['fail-other'] !== undefined ? { other: v['fail-other'] as 'deny' | 'allow' } : {}),
    },
    ...(v.approvals !== undefined ? { approvals: v.approvals as 'elicitation' | 'binding' } : {}),
    // The policy files of the environment (CHAINWATCH_CATALOG, _POLICY, _RULES) over the file's.
    policy: { ...file.policy, ...policyFilesOf(parseConfig(PolicyFilesEnv)) },
  };
  const parsed = parseMcpProxyConfig(config);
  // Over stdio, stdout is the MCP channel: the summary goes to stderr.
  return serve(() => runMcpProxy(parsed), (line) => console.error(line));
}
