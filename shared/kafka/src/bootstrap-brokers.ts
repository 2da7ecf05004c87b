import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';
import { brokerAddress, parseBrokers } from '@chainwatch/runtime';

/** kafkajs' keep-alive on broker sockets (its own socket factory's value). */
const KEEP_ALIVE_MS = 60_000;
/** Stands in for an IPv6 bootstrap address: a name kafkajs can split on ':' and DNS never resolves. */
const ALIAS_SUFFIX = '.ipv6.chainwatch.invalid';

export interface KafkajsBootstrap {
  /** `host:port` strings kafkajs can split (an IPv6 broker replaced by an alias). */
  readonly brokers: string[];
  /** Opens sockets to the real addresses behind the aliases (kafkajs' own factory otherwise). */
  readonly socketFactory: ISocketFactory;
}

/**
 * kafkajs splits a bootstrap broker on its first ':' (`[::1]:9092` becomes host `[`), so an IPv6
 * broker is handed to it under an alias, and this socket factory connects the alias to the
 * address. Brokers found later through metadata come with their host apart from their port and
 * need no alias. Validates the list (`parseBrokers`, the same rule as KAFKA_BROKERS).
 */
export function kafkajsBootstrap(brokers: readonly string[]): KafkajsBootstrap {
  const aliases = new Map<string, string>();
  const list = parseBrokers(brokers).map((broker) => {
    const address = brokerAddress(broker);
    if (address === null || !address.ipv6) return broker;
    const alias = `b${aliases.size}${ALIAS_SUFFIX}`;
    aliases.set(alias, address.host);
    return `${alias}:${address.port}`;
  });
  const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const target = aliases.get(host) ?? host;
    const socket = ssl
      ? tlsConnect({ host: target, port, ...(isIP(target) ? {} : { servername: target }), ...ssl }, onConnect)
      : netConnect({ host: target, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_MS);
    return socket;
  };
  return { brokers: list, socketFactory };
}
