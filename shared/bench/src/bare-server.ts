/**
 * The bare target of `bench decisions`: a fastify route answering every POST /v1/decisions with
 * the same bytes the decision API answered for the bench's request (CHAINWATCH_BENCH_BODY), in a
 * process of its own. What HTTP, JSON parsing of the request and the framework cost, nothing else.
 * Prints `READY {"url"}` once listening.
 */
import Fastify from 'fastify';

const body = process.env.CHAINWATCH_BENCH_BODY ?? '{"decision":"allow"}';
const app = Fastify({ logger: false });
app.post('/v1/decisions', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${JSON.stringify({ url })}\n`);
const stop = (): void => {
  void app.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
