import type { PartyRegistered, RegisterParty } from './party';

/** Belarus, for tests. */
export const registerParty = (overrides: Partial<RegisterParty['data']> = {}): RegisterParty => ({
  type: 'RegisterParty',
  data: { partyId: 'BY', name: 'Republic of Belarus', kind: 'state', ...overrides },
});

export const partyRegistered = (overrides: Partial<PartyRegistered['data']> = {}): PartyRegistered => ({
  type: 'PartyRegistered',
  data: { ...registerParty().data, ...overrides },
});

/** A command with data its static type does not allow, as decoded JSON may carry. */
export const looseRegisterParty = (data: Record<string, unknown>): RegisterParty => ({
  type: 'RegisterParty',
  data: { ...registerParty().data, ...data },
});
