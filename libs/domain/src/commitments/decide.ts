import { DomainRuleViolation, unknownCommand } from '../shared/errors';
import type { AmendCommitmentTerms, ChangeCommitmentStatus, CommitmentCommand, RecordCommitment, RecordDisbursement } from './commands';
import { compareDecimals, fromScaled, toScaled } from './decimal';
import type { CommitmentDisbursed, CommitmentEvent, CommitmentRecorded, CommitmentStatusChanged, CommitmentTermsAmended } from './events';
import { Commitment, commitmentExists, CommitmentState } from './state';
import { applyTermChanges, checkTerms, diffTerms, isTermKey, TermChanges, TermKey } from './terms';
import { checkText, isPlainObject, readAmount } from './validation';
import { canTransition, CommitmentKind, isCommitmentKind, isCommitmentStatus, isOpenStatus, isPartyCode, isTerminal } from './vocabulary';

/** Kinds paid out in instalments; a price is a rate, and the rest are not paid at all. */
const DISBURSABLE_KINDS: readonly CommitmentKind[] = ['loan', 'cash', 'compensation', 'other'];

/** The events a command produces, in order; each command here produces exactly one. */
export function decideCommitment(command: CommitmentCommand, state: CommitmentState): CommitmentEvent[] {
  switch (command.type) {
    case 'RecordCommitment':
      return [recordCommitment(command, state)];
    case 'AmendCommitmentTerms':
      return [amendCommitmentTerms(command, state)];
    case 'RecordDisbursement':
      return [recordDisbursement(command, state)];
    case 'ChangeCommitmentStatus':
      return [changeCommitmentStatus(command, state)];
    default:
      return unknownCommand(command);
  }
}

function recordCommitment({ data }: RecordCommitment, state: CommitmentState): CommitmentRecorded {
  if (commitmentExists(state)) {
    throw new DomainRuleViolation('commitment_already_exists', `commitment ${state.commitmentId} is already recorded`, 'commitmentId');
  }
  if (typeof data.commitmentId !== 'string' || data.commitmentId.trim() === '') {
    throw new DomainRuleViolation('commitment_id_required', 'a commitment needs an id', 'commitmentId');
  }
  if (!isCommitmentKind(data.kind)) {
    throw new DomainRuleViolation('invalid_kind', `"${String(data.kind)}" is not a commitment kind`, 'kind');
  }
  if (!isOpenStatus(data.status)) {
    throw new DomainRuleViolation(
      'invalid_status',
      `a commitment is recorded as requested or pledged, not "${String(data.status)}"`,
      'status',
    );
  }
  if (typeof data.title !== 'string' || data.title.trim() === '') {
    throw new DomainRuleViolation('title_required', 'a commitment needs a title', 'title');
  }
  for (const side of ['by', 'to'] as const) {
    if (!isPartyCode(data[side])) {
      throw new DomainRuleViolation('invalid_party', `"${String(data[side])}" is not a party code (2 to 10 of A-Z, 0-9, "-")`, side);
    }
  }
  if (data.by === data.to) {
    throw new DomainRuleViolation('same_party', `${data.by} cannot commit to itself`, 'to');
  }
  const terms = checkTerms(data.terms, data.kind, 'terms');
  return {
    type: 'CommitmentRecorded',
    data: {
      commitmentId: data.commitmentId,
      kind: data.kind,
      title: data.title.trim(),
      by: data.by,
      to: data.to,
      status: data.status,
      terms,
    },
  };
}

function amendCommitmentTerms({ data }: AmendCommitmentTerms, state: CommitmentState): CommitmentTermsAmended {
  const current = openCommitment(state, data.commitmentId);
  if (!isPlainObject(data.changes)) {
    throw new DomainRuleViolation('no_change', 'changes must be an object of terms', 'changes');
  }
  const sent = new Set<TermKey>();
  for (const [key, value] of Object.entries(data.changes)) {
    if (!isTermKey(key)) throw new DomainRuleViolation('unknown_term', `${key} is not a term`, `changes.${key}`);
    if (value !== undefined) sent.add(key);
  }
  if (sent.size === 0) throw new DomainRuleViolation('no_change', 'no term to change', 'changes');
  const reason = optionalText(data.reason, 'reason');

  const amended = checkTerms(applyTermChanges(current.terms, data.changes), current.kind, 'changes', sent);
  const changes: TermChanges = diffTerms(current.terms, amended);
  if (Object.keys(changes).length === 0) {
    throw new DomainRuleViolation('no_change', 'the terms already say this', 'changes');
  }

  if (current.disbursementCount > 0) {
    if (changes.currency !== undefined) {
      throw new DomainRuleViolation(
        'currency_locked',
        `${current.disbursed} ${current.terms.currency} is already disbursed in this currency`,
        'changes.currency',
      );
    }
    if (amended.amount === undefined || compareDecimals(amended.amount, current.disbursed) < 0) {
      throw new DomainRuleViolation(
        'amount_below_disbursed',
        `the amount cannot be less than the ${current.disbursed} already disbursed`,
        'changes.amount',
      );
    }
  }

  return {
    type: 'CommitmentTermsAmended',
    data: { commitmentId: current.commitmentId, changes, ...(reason !== undefined && { reason }) },
  };
}

function recordDisbursement({ data }: RecordDisbursement, state: CommitmentState): CommitmentDisbursed {
  const current = openCommitment(state, data.commitmentId);
  if (current.status !== 'pledged') {
    throw new DomainRuleViolation('not_pledged', `commitment ${current.commitmentId} is a request that was never granted`, 'commitmentId');
  }
  if (!DISBURSABLE_KINDS.includes(current.kind)) {
    throw new DomainRuleViolation('not_disbursable', `a ${current.kind} commitment is not paid out`, 'commitmentId');
  }
  const units = readAmount(data.amount, 'amount');
  if (units <= 0n) throw new DomainRuleViolation('amount_not_positive', 'a disbursement must be more than 0', 'amount');
  const amount = fromScaled(units);
  if (current.terms.amount === undefined) {
    throw new DomainRuleViolation(
      'terms_amount_missing',
      `the terms of ${current.commitmentId} state no amount to disburse against`,
      'amount',
    );
  }
  if (data.currency !== current.terms.currency) {
    throw new DomainRuleViolation(
      'currency_mismatch',
      `disbursed in ${String(data.currency)} but the terms are in ${current.terms.currency ?? 'no currency'}`,
      'currency',
    );
  }
  const remaining = toScaled(current.terms.amount) - toScaled(current.disbursed);
  if (units > remaining) {
    throw new DomainRuleViolation(
      'exceeds_outstanding',
      `${amount} exceeds the ${fromScaled(remaining)} ${data.currency} still outstanding`,
      'amount',
    );
  }
  return {
    type: 'CommitmentDisbursed',
    data: { commitmentId: current.commitmentId, amount, currency: data.currency },
  };
}

function changeCommitmentStatus({ data }: ChangeCommitmentStatus, state: CommitmentState): CommitmentStatusChanged {
  const current = existingCommitment(state, data.commitmentId);
  if (!isCommitmentStatus(data.status)) {
    throw new DomainRuleViolation('invalid_status', `"${String(data.status)}" is not a commitment status`, 'status');
  }
  if (data.status === current.status) {
    throw new DomainRuleViolation('no_change', `commitment is already ${current.status}`, 'status');
  }
  const from = current.status;
  const to = data.status;
  if (!isOpenStatus(from) || to === 'requested' || !canTransition(from, to)) {
    throw new DomainRuleViolation('invalid_transition', `a ${from} commitment cannot become ${to}`, 'status');
  }
  const reason = optionalText(data.reason, 'reason');
  return {
    type: 'CommitmentStatusChanged',
    data: { commitmentId: current.commitmentId, from, to, ...(reason !== undefined && { reason }) },
  };
}

function existingCommitment(state: CommitmentState, commitmentId: string): Commitment {
  if (!commitmentExists(state)) {
    throw new DomainRuleViolation('commitment_not_found', `no commitment ${commitmentId}`, 'commitmentId');
  }
  if (state.commitmentId !== commitmentId) {
    // The caller loaded the wrong stream; deciding on it would write to someone else's commitment.
    throw new DomainRuleViolation(
      'commitment_id_mismatch',
      `the command is for ${commitmentId} but the state is of ${state.commitmentId}`,
      'commitmentId',
    );
  }
  return state;
}

function openCommitment(state: CommitmentState, commitmentId: string): Commitment {
  const current = existingCommitment(state, commitmentId);
  if (isTerminal(current.status)) {
    throw new DomainRuleViolation('commitment_closed', `commitment ${current.commitmentId} is ${current.status}`, 'commitmentId');
  }
  return current;
}

function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : checkText(value, field);
}
