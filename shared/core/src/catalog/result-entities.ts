/**
 * What an enforcement point reports about a tool result: the parties the result put in front of the
 * agent (e-mail addresses, URLs, domains, IBANs, phone numbers), never the result text itself.
 * Used after a tool ran (MCP proxy, OTLP ingestion, gateways) to fill action.result_entities.
 */
import { LIMITS, type ResultEntities } from '@chainwatch/schemas';
import { emptyEntities, extractEntitiesFromText, phoneKey, type Entities } from './extract-entities';

/** Total characters scanned over all the texts of one result. */
const MAX_RESULT_SCAN = 65_536;
/** A phone number written as one: international (+…), or with a grouped local format. */
const PHONE = /(?:\+\d[\d\s().-]{6,20}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b)/g;

function pushCapped(list: string[], v: string): void {
  if (list.length < LIMITS.entities && v.length <= LIMITS.resource && !list.includes(v)) list.push(v);
}

/**
 * Entities found in the texts of one tool result, or undefined when there are none. Bounded: at
 * most 64 KiB scanned, at most LIMITS.entities per kind, each value within the contract's size.
 */
export function resultEntitiesFromTexts(texts: Iterable<string>): ResultEntities | undefined {
  let budget = MAX_RESULT_SCAN;
  const found: Entities = emptyEntities();
  const phones: string[] = [];
  for (const raw of texts) {
    if (budget <= 0) break;
    const text = raw.length > budget ? raw.slice(0, budget) : raw;
    budget -= text.length;
    extractEntitiesFromText(text, found);
    PHONE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PHONE.exec(text)) !== null) {
      const written = m[0].trim();
      if (phoneKey(written) !== null) pushCapped(phones, written);
    }
  }
  const out: ResultEntities = { emails: [], urls: [], domains: [], ibans: [], phones };
  for (const e of found.emails) pushCapped(out.emails, e);
  for (const u of found.urls) pushCapped(out.urls, u);
  for (const d of found.domains) if (d !== '') pushCapped(out.domains, d);
  for (const i of found.ibans) pushCapped(out.ibans, i);
  const any = out.emails.length + out.urls.length + out.domains.length + out.ibans.length + out.phones.length;
  return any > 0 ? out : undefined;
}
