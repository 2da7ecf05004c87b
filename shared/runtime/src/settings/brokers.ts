import { isIPv6 } from 'node:net';
import { z } from 'zod';

/** `host:port`, with an IPv6 host in brackets (`[::1]:9092`), as Kafka's own tools write it. */
const BROKER = /^(?:\[([0-9A-Fa-f:.%\w-]+)\]|([A-Za-z0-9._-]+)):(\d{1,5})$/;

/** One bootstrap broker, split. `host` is bare (no brackets), `ipv6` says whether it is an IPv6 address. */
export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
  readonly ipv6: boolean;
}

/** Splits `host:port` / `[v6]:port`; null when it is neither. */
export function brokerAddress(broker: string): BrokerAddress | null {
  const m = BROKER.exec(broker.trim());
  if (m === null) return null;
  const v6 = m[1];
  if (v6 !== undefined && !isIPv6(v6)) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: v6 ?? (m[2] as string), port, ipv6: v6 !== undefined };
}

const Broker = z
  .string()
  .trim()
  .refine((b) => brokerAddress(b) !== null, { message: 'must be host:port or [ipv6]:port, e.g. 127.0.0.1:9092 or [::1]:9092, port 1-65535' });

/** A validated list of bootstrap brokers. */
export const BrokerList = z.array(Broker).min(1, { message: 'at least one broker is required' });

/** Validates a broker list (throws a zod error naming the bad entry). */
export function parseBrokers(brokers: readonly string[]): string[] {
  return BrokerList.parse([...brokers]);
}

/** The comma-separated form of KAFKA_BROKERS and `--brokers`, validated. */
export const BrokerListText = z
  .string({ message: 'required: comma-separated host:port list, e.g. 127.0.0.1:9092 or [::1]:9092' })
  .transform((v) => v.split(',').map((b) => b.trim()).filter((b) => b.length > 0))
  .pipe(BrokerList);

/** Where the local broker of `npm run kafka:start` listens: the default of every Kafka client here. */
export const DEFAULT_BROKERS: readonly string[] = ['127.0.0.1:9092'];
