import { deciderSpecification } from '../testing/decider-specification';
import { disburse, disbursed, loanRecorded, statusChanged, termsAmended } from '../testing/commitment-fixtures';
import { commitmentDecider } from './commitment';

const spec = deciderSpecification(commitmentDecider);

describe('RecordDisbursement', () => {
  it('records a tranche', () => {
    spec
      .given([loanRecorded()])
      .when(disburse('200000000'))
      .then([disbursed('200000000')]);
  });

  it('records the exact remainder, in canonical form', () => {
    spec
      .given([loanRecorded(), disbursed('200000000'), disbursed('0.000001')])
      .when(disburse('0399999999.999999'))
      .then([disbursed('399999999.999999')]);
  });

  it('disburses against amended terms', () => {
    spec
      .given([loanRecorded(), disbursed('600000000'), termsAmended({ amount: '700000000' })])
      .when(disburse('100000000'))
      .then([disbursed('100000000')]);
  });

  it('refuses a commitment that was never recorded', () => {
    spec.given([]).when(disburse('1')).thenThrows('commitment_not_found', 'commitmentId');
  });

  it('refuses a request that was never granted', () => {
    spec
      .given([loanRecorded({ status: 'requested' })])
      .when(disburse('1'))
      .thenThrows('not_pledged', 'commitmentId');
  });

  it('accepts a request once it is pledged', () => {
    spec
      .given([loanRecorded({ status: 'requested' }), statusChanged('requested', 'pledged')])
      .when(disburse('1'))
      .then([disbursed('1')]);
  });

  it('refuses a closed commitment', () => {
    spec
      .given([loanRecorded(), statusChanged('pledged', 'fulfilled')])
      .when(disburse('1'))
      .thenThrows('commitment_closed', 'commitmentId');
  });

  it('refuses to pay out a price', () => {
    spec
      .given([loanRecorded({ kind: 'price', terms: { amount: '127', currency: 'USD', unit: 'USD per 1000 m3' } })])
      .when(disburse('1'))
      .thenThrows('not_disbursable', 'commitmentId');
  });

  it.each(['1.0000001', 'a lot', '-5'])('refuses the amount %s', (amount) => {
    const expected = amount === '-5' ? 'amount_not_positive' : 'invalid_amount';
    spec.given([loanRecorded()]).when(disburse(amount)).thenThrows(expected, 'amount');
  });

  it('refuses a disbursement of nothing', () => {
    spec.given([loanRecorded()]).when(disburse('0.000')).thenThrows('amount_not_positive', 'amount');
  });

  it('refuses another currency than the terms', () => {
    spec.given([loanRecorded()]).when(disburse('1', 'EUR')).thenThrows('currency_mismatch', 'currency');
  });

  it('refuses a currency when the terms have none', () => {
    spec
      .given([loanRecorded({ kind: 'other', terms: { amount: '5', unit: 'tonnes' } })])
      .when(disburse('1'))
      .thenThrows('currency_mismatch', 'currency');
  });

  it('refuses terms that state no amount', () => {
    spec
      .given([loanRecorded({ kind: 'cash', terms: { currency: 'USD', description: 'undisclosed sum' } })])
      .when(disburse('1'))
      .thenThrows('terms_amount_missing', 'amount');
  });

  it('refuses more than is outstanding', () => {
    spec
      .given([loanRecorded(), disbursed('599999999.5')])
      .when(disburse('0.500001'))
      .thenThrows('exceeds_outstanding', 'amount');
  });
});
