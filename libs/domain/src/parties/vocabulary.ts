/** What a party is: a state, a union of states (the Union State), an organisation (CSTO) or a bloc (EU, EAEU). */
export type PartyKind = 'state' | 'union' | 'organisation' | 'bloc';

export const PARTY_KINDS: readonly PartyKind[] = ['state', 'union', 'organisation', 'bloc'];

export function isPartyKind(value: unknown): value is PartyKind {
  return PARTY_KINDS.includes(value as PartyKind);
}
