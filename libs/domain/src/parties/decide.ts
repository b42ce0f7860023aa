import { DomainRuleViolation } from '../shared/errors';
import type { PartyCommand, RegisterParty } from './commands';
import type { PartyEvent, PartyRegistered } from './events';
import { partyExists, PartyState } from './state';
import { checkPartyCode, requireText } from './validation';
import { isPartyKind, STATE_CODE } from './vocabulary';

/** The events a command produces, in order; each command here produces exactly one. */
export function decideParty(command: PartyCommand, state: PartyState): PartyEvent[] {
  switch (command.type) {
    case 'RegisterParty':
      return [registerParty(command, state)];
    default: {
      // A one-command union does not narrow `command` itself, only its type.
      const unknown: never = command.type;
      throw new DomainRuleViolation('unknown_command', `unknown command ${String(unknown)}`, 'type');
    }
  }
}

function registerParty({ data }: RegisterParty, state: PartyState): PartyRegistered {
  if (partyExists(state)) {
    throw new DomainRuleViolation('party_already_exists', `party ${state.partyId} is already registered`, 'partyId');
  }
  const partyId = checkPartyCode(data.partyId, 'partyId');
  const name = requireText(data.name, 'name_required', 'name', 'a party needs a name');
  if (!isPartyKind(data.kind)) {
    throw new DomainRuleViolation(
      'invalid_party_kind',
      `"${String(data.kind)}" is not a party kind (state, union, organisation, bloc)`,
      'kind',
    );
  }
  // One scheme of codes: a state is known by its ISO 3166-1 alpha-2 code, never by alpha-3.
  if (data.kind === 'state' && !STATE_CODE.test(partyId)) {
    throw new DomainRuleViolation(
      'invalid_state_code',
      `"${partyId}" is not a state code: a state's code is its ISO 3166-1 alpha-2 code, two capital letters (GE for Georgia, UA for Ukraine)`,
      'partyId',
    );
  }
  return { type: 'PartyRegistered', data: { partyId, name, kind: data.kind } };
}
