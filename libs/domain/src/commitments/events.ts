import type { DomainEvent } from '../shared/envelope';
import type { TermChanges, Terms } from './terms';
import type { CommitmentKind, CommitmentStatus, OpenStatus } from './vocabulary';

export type CommitmentRecorded = DomainEvent<
  'CommitmentRecorded',
  {
    readonly commitmentId: string;
    readonly kind: CommitmentKind;
    readonly title: string;
    readonly by: string;
    readonly to: string;
    readonly status: OpenStatus;
    readonly terms: Terms;
  }
>;

export type CommitmentTermsAmended = DomainEvent<
  'CommitmentTermsAmended',
  {
    readonly commitmentId: string;
    /** Only the terms that changed; `null` removes a term. */
    readonly changes: TermChanges;
    readonly reason?: string;
  }
>;

export type CommitmentDisbursed = DomainEvent<
  'CommitmentDisbursed',
  {
    readonly commitmentId: string;
    /** Exact decimal as text, in the currency of the terms. */
    readonly amount: string;
    readonly currency: string;
  }
>;

export type CommitmentStatusChanged = DomainEvent<
  'CommitmentStatusChanged',
  {
    readonly commitmentId: string;
    readonly from: OpenStatus;
    readonly to: Exclude<CommitmentStatus, 'requested'>;
    readonly reason?: string;
  }
>;

export type CommitmentEvent = CommitmentRecorded | CommitmentTermsAmended | CommitmentDisbursed | CommitmentStatusChanged;

export type CommitmentEventType = CommitmentEvent['type'];

export const COMMITMENT_EVENT_TYPES = [
  'CommitmentRecorded',
  'CommitmentTermsAmended',
  'CommitmentDisbursed',
  'CommitmentStatusChanged',
] as const satisfies readonly CommitmentEventType[];

// Fails to compile when an event joins the union but not the list above.
type ListsEvery<Missing extends never> = Missing;
type _EveryEventTypeListed = ListsEvery<Exclude<CommitmentEventType, (typeof COMMITMENT_EVENT_TYPES)[number]>>;

export function isCommitmentEventType(type: string): type is CommitmentEventType {
  return (COMMITMENT_EVENT_TYPES as readonly string[]).includes(type);
}
