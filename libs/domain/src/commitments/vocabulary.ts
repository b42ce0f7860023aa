export type CommitmentKind = 'loan' | 'price' | 'cash' | 'compensation' | 'deployment' | 'legal' | 'other';

export const COMMITMENT_KINDS: readonly CommitmentKind[] = ['loan', 'price', 'cash', 'compensation', 'deployment', 'legal', 'other'];

/** Kinds whose amount is a sum of money, so it means nothing without a currency. */
export const MONEY_KINDS: readonly CommitmentKind[] = ['loan', 'price', 'cash', 'compensation'];

export function isCommitmentKind(value: unknown): value is CommitmentKind {
  return COMMITMENT_KINDS.includes(value as CommitmentKind);
}

/** `requested` is a demand not (yet) granted; `pledged` a promise made. */
export type OpenStatus = 'requested' | 'pledged';
export type TerminalStatus = 'fulfilled' | 'lapsed' | 'withdrawn' | 'broken' | 'rejected';
export type CommitmentStatus = OpenStatus | TerminalStatus;

export const OPEN_STATUSES: readonly OpenStatus[] = ['requested', 'pledged'];
export const TERMINAL_STATUSES: readonly TerminalStatus[] = ['fulfilled', 'lapsed', 'withdrawn', 'broken', 'rejected'];
export const COMMITMENT_STATUSES: readonly CommitmentStatus[] = [...OPEN_STATUSES, ...TERMINAL_STATUSES];

export function isCommitmentStatus(value: unknown): value is CommitmentStatus {
  return COMMITMENT_STATUSES.includes(value as CommitmentStatus);
}

export function isOpenStatus(value: unknown): value is OpenStatus {
  return OPEN_STATUSES.includes(value as OpenStatus);
}

export function isTerminal(status: CommitmentStatus): status is TerminalStatus {
  return TERMINAL_STATUSES.includes(status as TerminalStatus);
}

/** Where each open status may go; terminal statuses go nowhere. */
export const STATUS_TRANSITIONS: { readonly [S in OpenStatus]: readonly CommitmentStatus[] } = {
  requested: ['pledged', 'rejected', 'withdrawn', 'lapsed'],
  pledged: ['fulfilled', 'lapsed', 'withdrawn', 'broken'],
};

export function canTransition(from: CommitmentStatus, to: CommitmentStatus): boolean {
  return isOpenStatus(from) && STATUS_TRANSITIONS[from].includes(to);
}

/** A state or bloc: `BY`, `RU`, `EU`, `EAEU`, `UA-DNR`. */
export const PARTY_CODE = /^[A-Z0-9-]{2,10}$/;

export function isPartyCode(value: unknown): value is string {
  return typeof value === 'string' && PARTY_CODE.test(value);
}
