/**
 * ClickHouse's Go driver (clickhouse-go, which the Grafana plugin uses over HTTP) reads results in
 * the Native format. Its first request asks for the server's protocol revision (this exact
 * query), decoding the answer at the driver's own revision (`client_protocol_version`: block info
 * and per-column serialization flags); it then decodes every later block at the revision the
 * answer named. The embedded engine writes Native without a client revision (revision 0: no
 * block info, no flags). So the endpoint answers the hello itself, encoded at the driver's
 * revision, naming revision 0, the revision its Native output really is, and the driver decodes
 * every later block as it is written. Name, version and time zone come from the engine.
 */
const DRIVER_HELLO = 'SELECT displayName(), version(), revision(), timezone()';
/** From this revision on, each column header carries a "custom serialization" flag. */
const REVISION_WITH_CUSTOM_SERIALIZATION = 54454;

export function isDriverHello(sql: string): boolean {
  return sql.replace(/\s+/g, ' ').trim() === DRIVER_HELLO;
}

/** The engine-side query for the hello's values (revision stated as 0, see above). */
export const HELLO_VALUES_SQL = 'SELECT displayName(), version(), toUInt32(0) AS `revision()`, timezone()';

export interface HelloValues {
  readonly displayName: string;
  readonly version: string;
  readonly timezone: string;
}

/** One Native block (1 row: display name, version, revision 0, time zone) at `clientRevision`. */
export function encodeHelloBlock(values: HelloValues, clientRevision: number): Buffer {
  const parts: Buffer[] = [];
  const uvarint = (n: number) => {
    const bytes: number[] = [];
    let v = n;
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    parts.push(Buffer.from(bytes));
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    uvarint(b.length);
    parts.push(b);
  };
  if (clientRevision > 0) {
    // Block info: field 1 is_overflows = false, field 2 bucket_num = -1, end.
    uvarint(1);
    parts.push(Buffer.from([0]));
    uvarint(2);
    const bucket = Buffer.alloc(4);
    bucket.writeInt32LE(-1);
    parts.push(bucket);
    uvarint(0);
  }
  uvarint(4);
  uvarint(1);
  const column = (name: string, type: string, write: () => void) => {
    str(name);
    str(type);
    if (clientRevision >= REVISION_WITH_CUSTOM_SERIALIZATION) parts.push(Buffer.from([0]));
    write();
  };
  column('displayName()', 'String', () => str(values.displayName));
  column('version()', 'String', () => str(values.version));
  column('revision()', 'UInt32', () => parts.push(Buffer.alloc(4)));
  column('timezone()', 'String', () => str(values.timezone));
  return Buffer.concat(parts);
}
