import { deciderSpecification } from '../testing/decider-specification';
import { amendTerms, disbursed, loanRecorded, statusChanged, termsAmended } from '../testing/commitment-fixtures';
import { AmendCommitmentTerms, commitmentDecider, TerminalStatus } from './commitment';

const spec = deciderSpecification(commitmentDecider);
const loose = (changes: unknown): AmendCommitmentTerms =>
  ({ type: 'AmendCommitmentTerms', data: { commitmentId: 'c-ru-by-loan', changes } }) as AmendCommitmentTerms;

describe('AmendCommitmentTerms', () => {
  it('changes a term, with a reason', () => {
    spec
      .given([loanRecorded()])
      .when(amendTerms({ amount: '1000000000' }, 'second tranche agreed'))
      .then([termsAmended({ amount: '1000000000' }, 'second tranche agreed')]);
  });

  it('removes a term with null and adds another', () => {
    spec
      .given([loanRecorded()])
      .when(amendTerms({ validUntil: null, conditions: ['tax manoeuvre compensated'] }))
      .then([termsAmended({ validUntil: null, conditions: ['tax manoeuvre compensated'] })]);
  });

  it('records only the terms that actually change, in canonical form', () => {
    spec
      .given([loanRecorded()])
      .when(amendTerms({ amount: '600000000.00', currency: 'USD', validFrom: '2019', description: undefined }))
      .then([termsAmended({ validFrom: '2019' })]);
  });

  it('can be amended again after an amendment', () => {
    spec
      .given([loanRecorded(), termsAmended({ amount: '1000000000' })])
      .when(amendTerms({ amount: '600000000' }))
      .then([termsAmended({ amount: '600000000' })]);
  });

  it('may raise the amount and keep the currency after disbursements', () => {
    spec
      .given([loanRecorded(), disbursed('600000000')])
      .when(amendTerms({ amount: '700000000', currency: 'USD' }))
      .then([termsAmended({ amount: '700000000' })]);
  });

  it('may lower the amount to exactly what is disbursed', () => {
    spec
      .given([loanRecorded(), disbursed('500000000.5')])
      .when(amendTerms({ amount: '500000000.500' }))
      .then([termsAmended({ amount: '500000000.5' })]);
  });

  it('refuses a commitment that was never recorded', () => {
    spec
      .given([])
      .when(amendTerms({ amount: '1' }))
      .thenThrows('commitment_not_found', 'commitmentId');
  });

  it('refuses a command for another commitment', () => {
    spec
      .given([loanRecorded({ commitmentId: 'c-other' })])
      .when(amendTerms({ amount: '1' }))
      .thenThrows('commitment_id_mismatch', 'commitmentId');
  });

  it.each<TerminalStatus>(['fulfilled', 'lapsed', 'withdrawn', 'broken'])('refuses a %s pledge', (status) => {
    spec
      .given([loanRecorded(), statusChanged('pledged', status)])
      .when(amendTerms({ amount: '1' }))
      .thenThrows('commitment_closed', 'commitmentId');
  });

  it('refuses a rejected request', () => {
    spec
      .given([loanRecorded({ status: 'requested' }), statusChanged('requested', 'rejected')])
      .when(amendTerms({ amount: '1' }))
      .thenThrows('commitment_closed', 'commitmentId');
  });

  it.each([
    ['empty changes', {}],
    ['only undefined values', { amount: undefined }],
    ['not an object', ['amount']],
  ])('refuses %s', (_, changes) => {
    spec.given([loanRecorded()]).when(loose(changes)).thenThrows('no_change', 'changes');
  });

  it('refuses changes that change nothing', () => {
    spec
      .given([loanRecorded()])
      .when(amendTerms({ amount: '600000000.0', currency: 'USD', description: null }))
      .thenThrows('no_change', 'changes');
  });

  it('refuses a term it does not know', () => {
    spec
      .given([loanRecorded()])
      .when(loose({ interest: '3%' }))
      .thenThrows('unknown_term', 'changes.interest');
  });

  it('refuses changes that make the terms invalid', () => {
    spec
      .given([loanRecorded()])
      .when(amendTerms({ currency: 'usd' }))
      .thenThrows('invalid_currency', 'changes.currency');
    spec
      .given([loanRecorded()])
      .when(amendTerms({ amount: '-5' }))
      .thenThrows('invalid_amount', 'changes.amount');
    spec
      .given([loanRecorded()])
      .when(amendTerms({ currency: null }))
      .thenThrows('currency_required', 'changes.currency');
  });

  it('blames the date the caller sent when the validity becomes reversed', () => {
    spec
      .given([loanRecorded()])
      .when(amendTerms({ validFrom: '2022' }))
      .thenThrows('validity_reversed', 'changes.validFrom');
    spec
      .given([loanRecorded()])
      .when(amendTerms({ validUntil: '2019' }))
      .thenThrows('validity_reversed', 'changes.validUntil');
  });

  it('refuses an amount below what is already disbursed', () => {
    spec
      .given([loanRecorded(), disbursed('500000000')])
      .when(amendTerms({ amount: '499999999.999999' }))
      .thenThrows('amount_below_disbursed', 'changes.amount');
  });

  it('refuses to remove the amount once something is disbursed', () => {
    spec
      .given([loanRecorded(), disbursed('1')])
      .when(amendTerms({ amount: null }))
      .thenThrows('amount_below_disbursed', 'changes.amount');
  });

  it('refuses to change the currency once something is disbursed', () => {
    spec
      .given([loanRecorded(), disbursed('1')])
      .when(amendTerms({ currency: 'EUR' }))
      .thenThrows('currency_locked', 'changes.currency');
  });

  it('refuses a blank reason', () => {
    spec
      .given([loanRecorded()])
      .when(amendTerms({ amount: '1' }, ' '))
      .thenThrows('invalid_text', 'reason');
  });
});
