// Writes shaped like the data set's (seeds/belarus-russia-2018-2021): a
// commitment recorded with its terms and source, then a disbursement, an
// amendment of its terms, and a second disbursement — four events a stream.
import { v7 as uuidv7 } from 'uuid';

// Two templates cite the data set as it does (the article word for word, other reporting by a
// paraphrase); the other two are made-up test data and say so.
const LOANS = [
  {
    kind: 'loan',
    by: 'RU',
    to: 'BY',
    currency: 'USD',
    amount: 630_000_000n,
    validUntil: '2022-12',
    title: 'Made-up benchmark loan to refinance debt owed to Russia',
    restrictions: ['only to refinance debt owed to Russia'],
    source: { title: 'Made-up benchmark source (not a real report)', publisher: 'Benchmark Wire (made up)', publishedAt: '2021-09-09' },
    passage: { paraphrase: 'made-up benchmark text: a loan of about $630m, only to refinance debt owed to Russia, to the end of 2022' },
  },
  {
    kind: 'loan',
    by: 'RU',
    to: 'BY',
    currency: 'USD',
    amount: 1_500_000_000n,
    validUntil: '2021-12',
    title: 'Russian state credit to Belarus pledged at Sochi',
    restrictions: ['in two tranches: $1bn in 2020, $500m in 2021'],
    source: {
      title: 'Putin pledges Belarus a $1.5bn state credit at Sochi',
      publisher: 'National Post/Reuters; Belsat',
      publishedAt: '2020-09-14/2020-09-21',
      publishedAtEstimated: true,
    },
    passage: { paraphrase: 'Sochi: Putin pledges a $1.5bn state credit ($1bn in 2020, $500m in 2021, per Siluanov)' },
  },
  {
    kind: 'compensation',
    by: 'RU',
    to: 'BY',
    currency: 'RUB',
    amount: 40_000_000_000n,
    validUntil: '2024',
    title: "Compensation for Russia's oil-sector tax reform (benchmark copy; the amount is made up)",
    restrictions: ['only if Belarus embarks on fully-fledged integration with Russia'],
    source: {
      title: 'Analysis of the Belarus–Russia Union Programs and military integration (September 2021)',
      publishedAt: '2021-09-10/2021-09-30',
      publishedAtEstimated: true,
    },
    passage: { quote: 'Compensation was promised in 2018, but only if it embarked on fully-fledged integration with Russia.' },
  },
  {
    kind: 'cash',
    by: 'EU',
    to: 'BY',
    currency: 'EUR',
    amount: 3_000_000_000n,
    validUntil: '2025',
    title: 'Made-up benchmark economic plan',
    restrictions: ['conditional on a made-up condition'],
    source: { title: 'Made-up benchmark source (not a real report)', publisher: 'Benchmark Wire (made up)', publishedAt: '2021-05' },
    passage: { paraphrase: 'made-up benchmark text: a plan of economic support' },
  },
];

const DAYS = ['2019-02-27', '2020-04-02', '2020-09-14', '2020-10', '2021-01', '2021-06-13', '2021-09-09', '2021-11-04'];

/** The n-th write of a writer: which stream it goes to and what it says. */
export function commitmentWrite(writer, n) {
  const stream = Math.floor(n / 4);
  const step = n % 4;
  const template = LOANS[(writer + stream) % LOANS.length];
  const quarter = template.amount / 4n;
  const effectiveAt = DAYS[(stream + step) % DAYS.length];
  const fact = { effectiveAt, source: { ...template.source, ...template.passage }, confidence: 'reported' };
  switch (step) {
    case 0:
      return {
        step: 'record',
        fact,
        commitment: {
          kind: template.kind,
          title: `${template.title} (${writer}/${stream})`,
          by: template.by,
          to: template.to,
          status: 'pledged',
          terms: {
            amount: String(template.amount),
            currency: template.currency,
            validUntil: template.validUntil,
            restrictions: template.restrictions,
          },
        },
      };
    case 1:
    case 3:
      return { step: 'disburse', fact, amount: String(quarter), currency: template.currency };
    default:
      return {
        step: 'amend',
        fact,
        changes: { validUntil: String(Number(template.validUntil.slice(0, 4)) + 1), conditions: ['linked by Moscow to integration'] },
        reason: 'Deadline moved by a year when the presidents met; the loan stays linked to integration.',
      };
  }
}

/** The domain command for a write to the commitment `id` (what the HTTP layer hands to the writer). */
export function domainCommand(write, id) {
  switch (write.step) {
    case 'record':
      return { type: 'RecordCommitment', data: { commitmentId: id, ...write.commitment } };
    case 'disburse':
      return { type: 'RecordDisbursement', data: { commitmentId: id, amount: write.amount, currency: write.currency } };
    default:
      return { type: 'AmendCommitmentTerms', data: { commitmentId: id, changes: write.changes, reason: write.reason } };
  }
}

/** The HTTP request for a write to the commitment `id` (a new one when recording). */
export function httpRequest(write, id) {
  const fact = { effectiveAt: write.fact.effectiveAt, source: write.fact.source, confidence: write.fact.confidence };
  switch (write.step) {
    case 'record':
      return { path: '/v1/commitments', body: { id, ...write.commitment, ...fact } };
    case 'disburse':
      return { path: `/v1/commitments/${id}/disbursements`, body: { amount: write.amount, currency: write.currency, ...fact } };
    default:
      return { path: `/v1/commitments/${id}/amendments`, body: { terms: write.changes, reason: write.reason, ...fact } };
  }
}

/** A fresh commitment id for every fourth write. */
export function nextCommitmentId(previous, n) {
  return n % 4 === 0 ? uuidv7() : previous;
}
