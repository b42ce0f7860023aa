/** What a party is: a state, a union of states (the Union State), an organisation (CSTO) or a bloc (EU, EAEU). */
export type PartyKind = 'state' | 'union' | 'organisation' | 'bloc';

export const PARTY_KINDS: readonly PartyKind[] = ['state', 'union', 'organisation', 'bloc'];

export function isPartyKind(value: unknown): value is PartyKind {
  return PARTY_KINDS.includes(value as PartyKind);
}

/** A state's code: its ISO 3166-1 alpha-2 code (`BY`, `RU`, `GE`, `UA`), two capital letters. */
export const STATE_CODE = /^[A-Z]{2}$/;
