/** Fields of event data that name one party; `parties` names several. */
const PARTY_FIELDS = ['by', 'to', 'host', 'commandedBy', 'partyId'] as const;

/**
 * The parties an event's data names, sorted and without repeats: what party
 * filters (timeline, read models, subscriptions) match against.
 */
export function partiesMentioned(...data: readonly unknown[]): string[] {
  const found = new Set<string>();
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const fields = item as Record<string, unknown>;
    for (const field of PARTY_FIELDS) if (typeof fields[field] === 'string') found.add(fields[field]);
    if (Array.isArray(fields.parties)) for (const party of fields.parties) if (typeof party === 'string') found.add(party);
  }
  return [...found].sort();
}
