import { z } from 'zod';

/** `host:port`, with IPv6 hosts in brackets (`[::1]:9092`). */
const BROKER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

export const BrokerList = z
  .array(
    z
      .string()
      .regex(BROKER, { message: 'must be host:port, e.g. 127.0.0.1:9092' })
      .refine((b) => Number(b.slice(b.lastIndexOf(':') + 1)) <= 65535, { message: 'port out of range' }),
  )
  .min(1, { message: 'at least one broker is required' });

/** Validates a broker list (throws a zod error naming the bad entry). */
export function parseBrokers(brokers: readonly string[]): string[] {
  return BrokerList.parse([...brokers]);
}
