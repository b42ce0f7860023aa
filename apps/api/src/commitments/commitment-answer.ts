import { Attribution, RATE_KINDS, Sources } from '@timeline/domain';

/**
 * A commitment as an answer shows it: a rate (a price, "127 USD per 1000 m3")
 * is not a sum, so it has no `disbursed` and no `outstanding` at all.
 */
export function commitmentAnswer<T extends { kind: string; disbursed?: string | null; outstanding?: string | null }>(view: T): T {
  if (!(RATE_KINDS as readonly string[]).includes(view.kind)) return view;
  const { disbursed: _disbursed, outstanding: _outstanding, ...rate } = view;
  return rate as T;
}

/** A citation in one CSV cell: `Publisher: Title — “quote”`. */
export function citation(attribution: Attribution | undefined): string | undefined {
  if (!attribution) return undefined;
  const { publisher, title, quote } = attribution.source;
  return `${publisher ? `${publisher}: ` : ''}${title}${quote ? ` — “${quote}”` : ''}`;
}

/**
 * The competing claims of a row as one CSV cell: for each disputed fact, every claim's value and
 * source with its publication date, the current one marked with why (`path: a (source, published
 * p) | b (…) [current: latest_published]; …`).
 */
export function claimsCell(sources: Readonly<Record<string, Pick<Attribution, 'claims'>>>): string {
  return Object.entries(sources)
    .filter(([, attribution]) => attribution.claims)
    .map(
      ([path, { claims }]) =>
        `${path}: ${claims!.claims.map((claim) => `${JSON.stringify(claim.value)} (${sourceName(claim.source)}, published ${claim.publishedAt ?? 'unknown'})${claim.current ? ` [current: ${claims!.why}]` : ''}`).join(' | ')}`,
    )
    .join('; ');
}

/** The sources that confirm a row's facts, once each, as one CSV cell. */
export function corroborationsCell(attributions: readonly (Pick<Attribution, 'corroboratedBy'> | undefined)[]): string {
  const names = new Set<string>();
  for (const attribution of attributions) for (const other of attribution?.corroboratedBy ?? []) names.add(sourceName(other.source));
  return [...names].join('; ');
}

function sourceName(source: Attribution['source']): string {
  return `${source.publisher ? `${source.publisher}: ` : ''}${source.title}`;
}

/** The sources of a row as one CSV cell: `path=eventId` for each fact, so that every value can be traced. */
export function sourceIds(sources: Sources): string {
  return Object.entries(sources)
    .map(([path, attribution]) => `${path}=${attribution.eventId}`)
    .join(' ');
}
