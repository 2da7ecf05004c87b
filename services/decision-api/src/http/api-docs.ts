/**
 * The interactive API documentation (Swagger UI) at /docs and the OpenAPI document at
 * /docs/json, behind the same authentication as the API: any valid token. A browser gets a Basic
 * prompt; paste a bearer token as the password (any user name), then again under "Authorize" to
 * try requests.
 */
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { basicChallenge, basicToBearer } from '../auth/basic-token';

export const apiDocs: FastifyPluginAsync = async (app) => {
  // Hooks of this encapsulated context run before each route's own token guard.
  app.addHook('onRequest', basicToBearer);
  app.addHook('onSend', basicChallenge('Chainwatch API docs (password: a bearer token)'));
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { persistAuthorization: false, tryItOutEnabled: false, defaultModelsExpandDepth: 1 },
  });
};
