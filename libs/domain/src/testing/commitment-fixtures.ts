import type {
  AmendCommitmentTerms,
  ChangeCommitmentStatus,
  CommitmentDisbursed,
  CommitmentRecorded,
  CommitmentStatusChanged,
  CommitmentTermsAmended,
  RecordCommitment,
  RecordDisbursement,
} from '../commitments/commitment';

/** A loan in the shape of the 2019–2021 Russian credit to Belarus, for tests. */
export const LOAN_ID = 'c-ru-by-loan';

export const recordLoan = (overrides: Partial<RecordCommitment['data']> = {}): RecordCommitment => ({
  type: 'RecordCommitment',
  data: {
    commitmentId: LOAN_ID,
    kind: 'loan',
    title: 'State loan of USD 600 million',
    by: 'RU',
    to: 'BY',
    status: 'pledged',
    terms: { amount: '600000000', currency: 'USD', validFrom: '2020', validUntil: '2021-12' },
    ...overrides,
  },
});

export const loanRecorded = (overrides: Partial<CommitmentRecorded['data']> = {}): CommitmentRecorded => ({
  type: 'CommitmentRecorded',
  data: { ...recordLoan().data, ...overrides },
});

export const amendTerms = (changes: AmendCommitmentTerms['data']['changes'], reason?: string): AmendCommitmentTerms => ({
  type: 'AmendCommitmentTerms',
  data: { commitmentId: LOAN_ID, changes, ...(reason !== undefined && { reason }) },
});

export const termsAmended = (changes: CommitmentTermsAmended['data']['changes'], reason?: string): CommitmentTermsAmended => ({
  type: 'CommitmentTermsAmended',
  data: { commitmentId: LOAN_ID, changes, ...(reason !== undefined && { reason }) },
});

export const disburse = (amount: string, currency = 'USD'): RecordDisbursement => ({
  type: 'RecordDisbursement',
  data: { commitmentId: LOAN_ID, amount, currency },
});

export const disbursed = (amount: string, currency = 'USD'): CommitmentDisbursed => ({
  type: 'CommitmentDisbursed',
  data: { commitmentId: LOAN_ID, amount, currency },
});

export const changeStatus = (status: ChangeCommitmentStatus['data']['status'], reason?: string): ChangeCommitmentStatus => ({
  type: 'ChangeCommitmentStatus',
  data: { commitmentId: LOAN_ID, status, ...(reason !== undefined && { reason }) },
});

export const statusChanged = (
  from: CommitmentStatusChanged['data']['from'],
  to: CommitmentStatusChanged['data']['to'],
  reason?: string,
): CommitmentStatusChanged => ({
  type: 'CommitmentStatusChanged',
  data: { commitmentId: LOAN_ID, from, to, ...(reason !== undefined && { reason }) },
});
