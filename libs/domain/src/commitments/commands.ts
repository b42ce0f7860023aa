import type { TermChanges, Terms } from './terms';
import type { CommitmentKind, CommitmentStatus, OpenStatus } from './vocabulary';

export interface RecordCommitment {
  readonly type: 'RecordCommitment';
  readonly data: {
    readonly commitmentId: string;
    readonly kind: CommitmentKind;
    readonly title: string;
    readonly by: string;
    readonly to: string;
    readonly status: OpenStatus;
    readonly terms: Terms;
  };
}

export interface AmendCommitmentTerms {
  readonly type: 'AmendCommitmentTerms';
  readonly data: {
    readonly commitmentId: string;
    readonly changes: TermChanges;
    readonly reason?: string;
  };
}

export interface RecordDisbursement {
  readonly type: 'RecordDisbursement';
  readonly data: {
    readonly commitmentId: string;
    readonly amount: string;
    readonly currency: string;
  };
}

export interface ChangeCommitmentStatus {
  readonly type: 'ChangeCommitmentStatus';
  readonly data: {
    readonly commitmentId: string;
    readonly status: CommitmentStatus;
    readonly reason?: string;
  };
}

export type CommitmentCommand = RecordCommitment | AmendCommitmentTerms | RecordDisbursement | ChangeCommitmentStatus;

export type CommitmentCommandType = CommitmentCommand['type'];
