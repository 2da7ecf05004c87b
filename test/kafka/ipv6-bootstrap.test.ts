import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBrokerReachable, createKafka } from '@chainwatch/kafka';
import { brokerAddress, createLogger } from '@chainwatch/runtime';
import { createTestTopic, kafkaBrokers } from '@chainwatch/testing';

/**
 * A bootstrap broker given as an IPv6 address: the local broker listens on 127.0.0.1 only, so a
 * TCP relay on [::1] stands in for an IPv6 listener. Bootstrap goes through the relay; the
 * brokers the metadata advertises are reached directly, as in a real cluster.
 */
describe('IPv6 bootstrap brokers', () => {
  let relay: Server;
  let port = 0;
  let relayed = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    const upstream = brokerAddress(kafkaBrokers()[0] as string);
    if (upstream === null) throw new Error('no broker address');
    relay = createServer((client) => {
      relayed++;
      const server = createConnection({ host: upstream.host, port: upstream.port });
      for (const s of [client, server]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '::1', resolve));
    port = (relay.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });

  it('connects through [::1]:port (kafkajs alone would read the host as "[")', async () => {
    const topic = await createTestTopic({ prefix: 'ipv6' });
    const kafka = createKafka({ brokers: [`[::1]:${port}`], clientId: 'ipv6-test', logger: createLogger({ name: 'ipv6-test', level: 'silent' }) });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.disconnect();
    }
    expect(relayed).toBeGreaterThan(0);
  });

  it('the boot-time reachability check takes the same form', async () => {
    const before = relayed;
    await expect(assertBrokerReachable([`[::1]:${port}`], 5000)).resolves.toBeUndefined();
    expect(relayed).toBeGreaterThan(before);
  });
});
