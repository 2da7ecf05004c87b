/**
 * Token verification on the request path is cached per token: a caller sending the same bearer
 * token for many decisions pays one signature check (ECDSA), not one per request; a different
 * token is checked once too.
 */
import { describe, expect, it } from 'vitest';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { InProcessView, buildDecisionApi, createDevAuth, createJwtVerifier, type JwtVerifier } from '../src/index';

describe('token verification on the request path', () => {
  it('checks each token signature once, however many decisions it asks for', async () => {
    const auth = await createDevAuth();
    const real = await createJwtVerifier({ jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience });
    let verifications = 0;
    const verifier: JwtVerifier = {
      cached: (token, now) => real.cached?.(token, now),
      verify: (token, now) => {
        verifications++;
        return real.verify(token, now);
      },
    };
    const { catalog, policy, rules } = loadDefaultPolicy();
    const api = await buildDecisionApi({
      view: new InProcessView(createDetectionEngine({ catalog, policy, rules }), { caughtUp: () => true }),
      publisher: new MemoryLog({ retain: 0 }),
      auth: { verifier },
      logger: createLogger({ name: 'token-cache-test', level: 'silent' }),
    });
    try {
      const payload = { session_id: 's-1', agent: { id: 'a-1' }, principal: { sub: 'user:alice' }, action: { kind: 'tool_call', tool: 'kb.search', operation: 'read' } };
      const other = await auth.sign({ sub: 'enforcer-2', roles: ['enforcer'] });
      for (let i = 0; i < 200; i++) {
        const token = i % 2 === 0 ? auth.token : other;
        const res = await api.app.inject({ method: 'POST', url: '/v1/decisions', headers: { authorization: `Bearer ${token}` }, payload });
        expect(res.statusCode).toBe(200);
      }
      expect(verifications).toBe(2);
    } finally {
      await api.app.close();
    }
  });
});
