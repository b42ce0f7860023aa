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

/** The sources of a row as one CSV cell: `path=eventId` for each fact, so that every value can be traced. */
export function sourceIds(sources: Sources): string {
  return Object.entries(sources)
    .map(([path, attribution]) => `${path}=${attribution.eventId}`)
    .join(' ');
}
