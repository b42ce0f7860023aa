import { deciderSpecification } from '../testing/decider-specification';
import { LOAN_ID, loanRecorded, recordLoan } from '../testing/commitment-fixtures';
import { commitmentDecider, RecordCommitment, Terms } from './commitment';

const spec = deciderSpecification(commitmentDecider);
const withTerms = (terms: Terms): RecordCommitment => recordLoan({ terms });
const loose = (data: Record<string, unknown>): RecordCommitment => ({ type: 'RecordCommitment', data: { ...recordLoan().data, ...data } });

describe('RecordCommitment', () => {
  it('records a pledge', () => {
    spec.given([]).when(recordLoan()).then([loanRecorded()]);
  });

  it('records a demand that is not granted yet', () => {
    spec
      .given([])
      .when(recordLoan({ status: 'requested', by: 'BY', to: 'RU' }))
      .then([loanRecorded({ status: 'requested', by: 'BY', to: 'RU' })]);
  });

  it('records a price per unit, a deployment counted in a unit and terms without an amount', () => {
    const price: Terms = { amount: '127', currency: 'USD', unit: 'USD per 1000 m3', validFrom: '2020-01-01' };
    spec
      .given([])
      .when(recordLoan({ kind: 'price', terms: price }))
      .then([loanRecorded({ kind: 'price', terms: price })]);
    const troops: Terms = { amount: '1000', unit: 'troops', restrictions: ['only on the territory of BY'] };
    spec
      .given([])
      .when(recordLoan({ kind: 'deployment', terms: troops }))
      .then([loanRecorded({ kind: 'deployment', terms: troops })]);
    const legal: Terms = { description: 'Recognize Crimea', conditions: ['after the loan is paid'] };
    spec
      .given([])
      .when(recordLoan({ kind: 'legal', terms: legal }))
      .then([loanRecorded({ kind: 'legal', terms: legal })]);
  });

  it('stores terms in canonical form', () => {
    spec
      .given([])
      .when(
        loose({
          title: '  Loan  ',
          terms: { amount: '00600000000.500000', currency: 'USD', validFrom: ' 2020 ', description: undefined },
        }),
      )
      .then([loanRecorded({ title: 'Loan', terms: { amount: '600000000.5', currency: 'USD', validFrom: '2020' } })]);
  });

  it('accepts validUntil inside the period of validFrom', () => {
    const terms: Terms = { amount: '1', currency: 'USD', validFrom: '2021-09', validUntil: '2021' };
    spec
      .given([])
      .when(withTerms(terms))
      .then([loanRecorded({ terms })]);
  });

  it('refuses a second record on the same stream', () => {
    spec.given([loanRecorded()]).when(recordLoan()).thenThrows('commitment_already_exists', 'commitmentId');
  });

  it('refuses a blank id', () => {
    spec
      .given([])
      .when(recordLoan({ commitmentId: ' ' }))
      .thenThrows('commitment_id_required', 'commitmentId');
  });

  it('refuses an unknown kind', () => {
    spec
      .given([])
      .when(loose({ kind: 'gift' }))
      .thenThrows('invalid_kind', 'kind');
  });

  it.each(['fulfilled', 'rejected', 'promised'])('refuses to record as %s', (status) => {
    spec.given([]).when(loose({ status })).thenThrows('invalid_status', 'status');
  });

  it('refuses a blank title', () => {
    spec
      .given([])
      .when(recordLoan({ title: '   ' }))
      .thenThrows('title_required', 'title');
  });

  it.each([
    ['by', 'ru'],
    ['by', 'R'],
    ['to', 'BELARUS-STATE'],
    ['to', 'B Y'],
  ])('refuses %s = %s, which is not a party code', (side, code) => {
    spec
      .given([])
      .when(loose({ [side]: code }))
      .thenThrows('invalid_party', side);
  });

  it('refuses a party committing to itself', () => {
    spec
      .given([])
      .when(recordLoan({ by: 'BY', to: 'BY' }))
      .thenThrows('same_party', 'to');
  });

  it('refuses terms that are not an object', () => {
    spec
      .given([])
      .when(loose({ terms: undefined }))
      .thenThrows('invalid_terms', 'terms');
  });

  it('refuses a term it does not know', () => {
    spec
      .given([])
      .when(loose({ terms: { interest: '3%' } }))
      .thenThrows('unknown_term', 'terms.interest');
  });

  it.each([
    ['-1', 'negative'],
    ['1.1234567', 'more than 6 fraction digits'],
    ['6e8', 'not plain decimal'],
    [600000000, 'a number'],
  ])('refuses the amount %s (%s)', (amount, _reason) => {
    spec
      .given([])
      .when(loose({ terms: { amount, currency: 'USD' } }))
      .thenThrows('invalid_amount', 'terms.amount');
  });

  it.each(['usd', 'US', 'USDT'])('refuses the currency %s', (currency) => {
    spec
      .given([])
      .when(withTerms({ amount: '1', currency }))
      .thenThrows('invalid_currency', 'terms.currency');
  });

  it.each(['loan', 'price', 'cash', 'compensation'] as const)('requires a currency for an amount of a %s', (kind) => {
    spec
      .given([])
      .when(recordLoan({ kind, terms: { amount: '1', unit: 'USD per 1000 m3' } }))
      .thenThrows('currency_required', 'terms.currency');
  });

  it('requires a unit for an amount that is not money', () => {
    spec
      .given([])
      .when(recordLoan({ kind: 'deployment', terms: { amount: '1000' } }))
      .thenThrows('unit_required', 'terms.unit');
  });

  it.each([
    ['validFrom', '2021-13'],
    ['validFrom', '2021-02-30'],
    ['validUntil', '2021-09-09T12:00:00'],
    ['validUntil', 'soon'],
  ])('refuses %s = %s', (key, value) => {
    spec
      .given([])
      .when(withTerms({ [key]: value }))
      .thenThrows('invalid_effective_time', `terms.${key}`);
  });

  it('refuses validUntil that ends before validFrom begins', () => {
    spec
      .given([])
      .when(withTerms({ validFrom: '2022', validUntil: '2021-12-31' }))
      .thenThrows('validity_reversed', 'terms.validUntil');
  });

  it.each([
    ['unit', '  '],
    ['description', ''],
    ['conditions', ['ok', ' ']],
    ['restrictions', 'not a list'],
  ])('refuses blank or malformed text in %s', (key, value) => {
    const field = Array.isArray(value) ? `terms.${key}[1]` : `terms.${key}`;
    spec
      .given([])
      .when(loose({ terms: { [key]: value } }))
      .thenThrows('invalid_text', field);
  });

  it('uses the id of the command', () => {
    expect(commitmentDecider.decide(recordLoan(), commitmentDecider.initialState())[0].data.commitmentId).toBe(LOAN_ID);
  });
});
