import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGGREGATES } from '@timeline/domain';
import { createsEntity, InvalidSeed, readSeedSet, seedEntityId, SeedProblem } from '@timeline/seeds';

describe('seed files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'seeds-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function write(name: string, text: string) {
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, name, 'events.yaml'), text);
  }
  function problems(name: string): SeedProblem[] {
    try {
      readSeedSet(root, name);
    } catch (error) {
      if (error instanceof InvalidSeed) return error.problems;
      throw error;
    }
    throw new Error('expected the set to be refused');
  }

  const header = `dataset: demo
sources:
  article:
    title: An article
    publishedAt: "2021-09"
events:
`;
  const loan = `  - key: loan
    type: CommitmentRecorded
    effectiveAt: "2021-09"
    source: article
    quote: "a $600m loan"
    confidence: reported
    data:
      kind: loan
      title: Loan
      by: RU
      to: BY
      status: pledged
      terms: { amount: "600000000", currency: USD }
`;

  it('reads entries with ids made from their keys, sources with their quotes, and includes first', () => {
    write('base', header.replace('demo', 'base') + loan);
    write('demo', `dataset: demo
include: [base]
sources:
  wire: { title: A wire report }
events:
  - key: loan-amount
    type: EventCorrected
    target: loan
    changes: { data: { terms: { amount: "630000000" } } }
    reason: the wire says 630
    effectiveAt: "2021-09-09"
    source: wire
    quote: "about $630m"
    confidence: reported
  - key: loan-paid
    type: CommitmentDisbursed
    stream: loan
    effectiveAt: "2021-12"
    source: wire
    quote: "paid"
    confidence: claimed
    data: { amount: "100", currency: USD }
`);
    const set = readSeedSet(root, 'demo');
    expect(set.entries.map((entry) => [entry.dataset, entry.key, entry.type])).toEqual([
      ['base', 'loan', 'CommitmentRecorded'],
      ['demo', 'loan-amount', 'EventCorrected'],
      ['demo', 'loan-paid', 'CommitmentDisbursed'],
    ]);
    const [record, correction, payment] = set.entries;
    expect(record.entityId).toBe(seedEntityId('loan'));
    expect(record.data.commitmentId).toBe(seedEntityId('loan'));
    expect(record.source).toEqual({ title: 'An article', publishedAt: '2021-09', quote: 'a $600m loan' });
    expect(record.effective).toEqual({ at: '2021-09-01T00:00:00.000Z', precision: 'month' });
    expect(correction).toMatchObject({ target: 'loan', entityId: record.entityId, streamType: 'commitment' });
    expect(payment).toMatchObject({ entityId: record.entityId, data: { commitmentId: record.entityId, amount: '100' } });
  });

  it("files each fact in its aggregate's stream, with the id in the aggregate's id field, and refuses a type it does not know", () => {
    write('demo', header + loan + `  - key: tax-code
    type: TrackOpened
    effectiveAt: "2021-09"
    source: article
    quote: q
    confidence: reported
    data: { title: Tax code, area: taxation, kind: program, parties: [BY, RU], status: proposed }
  - key: tax-code-agreed
    type: TrackStatusChanged
    stream: tax-code
    effectiveAt: "2021-10"
    source: article
    quote: q
    confidence: reported
    data: { from: proposed, to: agreed }
`);
    const [, track, agreed] = readSeedSet(root, 'demo').entries;
    expect(track).toMatchObject({ streamType: 'track', entityId: seedEntityId('tax-code'), data: { trackId: seedEntityId('tax-code') } });
    expect(agreed).toMatchObject({ streamType: 'track', entityId: track.entityId, data: { trackId: track.entityId, to: 'agreed' } });

    write('demo', header + loan + `  - key: deadline
    type: TrackDeadlineSet
    stream: loan
    effectiveAt: "2021-10"
    source: article
    quote: q
    confidence: reported
    data: { deadlineId: d1, description: Signed, due: "2021-12" }
  - key: odd
    type: CommitmentForgotten
    effectiveAt: "2021-10"
    source: article
    quote: q
    confidence: reported
`);
    const found = problems('demo');
    expect(found.find((problem) => problem.field === 'deadline.stream')?.message).toBe('must be the key of an earlier entry that created a track');
    expect(found.find((problem) => problem.field === 'odd.type')?.message).toBe(
      'must be one of CommitmentRecorded, CommitmentTermsAmended, CommitmentDisbursed, CommitmentStatusChanged, PartyRegistered, ' +
        'TrackOpened, TrackStatusChanged, TrackDeadlineSet, DeploymentStarted, DeploymentEnded, OccurrenceRecorded, ' +
        'EventCorrected, EventRetracted, SourceCorroborated, ClaimRecorded',
    );
  });

  it("takes an entry to create its entity exactly when its type is its aggregate's creation event", () => {
    const creating = AGGREGATES.flatMap((aggregate) => aggregate.eventTypes).filter(createsEntity);
    expect(creating).toEqual(['CommitmentRecorded', 'PartyRegistered', 'TrackOpened', 'DeploymentStarted', 'OccurrenceRecorded']);
    for (const type of ['EventCorrected', 'EventRetracted', 'SourceCorroborated', 'ClaimRecorded', 'constructor']) expect(createsEntity(type)).toBe(false);
  });

  it('reads sources that confirm an entry or disagree with one of its fields, filed at the date of the entry', () => {
    write('demo', header + loan + `  - key: loan-confirmed
    type: SourceCorroborated
    target: loan
    source: article
    quote: "a loan"
    confidence: reported
  - key: loan-amount-claim
    type: ClaimRecorded
    target: loan
    field: terms.amount
    value: "630000000"
    source: article
    quote: "about $630m"
    confidence: reported
`);
    const [record, confirmed, claim] = readSeedSet(root, 'demo').entries;
    expect(confirmed).toMatchObject({ type: 'SourceCorroborated', target: 'loan', entityId: record.entityId, streamType: 'commitment', effective: record.effective, data: {} });
    expect(claim).toMatchObject({ type: 'ClaimRecorded', target: 'loan', effective: record.effective, data: { field: 'terms.amount', value: '630000000' } });
  });

  it('refuses a claim with a date of its own, without a field or value, or about no fact', () => {
    write('demo', header + loan + `  - key: dated-claim
    type: ClaimRecorded
    target: loan
    effectiveAt: "2021-09"
    field: terms.amount
    value: "1"
    source: article
    quote: q
    confidence: reported
  - key: empty-claim
    type: ClaimRecorded
    target: loan
    field: "terms..amount"
    source: article
    quote: q
    confidence: reported
  - key: nowhere
    type: SourceCorroborated
    target: nothing
    source: article
    quote: q
    confidence: reported
`);
    const fields = problems('demo').map((problem) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['dated-claim.effectiveAt', 'empty-claim.field', 'empty-claim.value', 'nowhere.target']));
  });

  it('names the file, the line and the field of every problem', () => {
    write('demo', header + loan + `  - key: bad
    type: CommitmentRecorded
    effectiveAt: "2021-02-30"
    source: nowhere
    confidence: sure
    data:
      kind: gift
      title: Bad
      by: RU
      to: BY
      status: pledged
      colour: red
      terms: { amount: 5 }
  - key: loan
    type: CommitmentDisbursed
    stream: nothing
    effectiveAt: "2021"
    source: article
    quote: q
    confidence: reported
    data: { amount: "1", currency: USD }
`);
    const found = problems('demo');
    const at = (field: string) => found.find((problem) => problem.field === field);
    expect(at('bad.effectiveAt')).toMatchObject({ line: 22, message: expect.stringMatching(/no such day/) });
    expect(at('bad.source')).toMatchObject({ line: 23 });
    expect(at('bad.quote')).toMatchObject({ line: 20, message: expect.stringMatching(/required/) });
    expect(at('bad.confidence')).toMatchObject({ line: 24 });
    expect(at('bad.data.kind')).toMatchObject({ line: 26, message: expect.stringMatching(/must be one of/) });
    expect(at('bad.data.colour')).toMatchObject({ line: 31, message: 'is not a known field' });
    expect(at('bad.data.terms.amount')).toMatchObject({ line: 32 });
    expect(at('events[2].key')).toMatchObject({ line: 33, message: expect.stringMatching(/earlier entry/) });
    expect(found.every((problem) => problem.file.endsWith(join('demo', 'events.yaml')))).toBe(true);
  });

  it('carries a paraphrase as a paraphrase, never as a quote, and a publication date marked as an estimate', () => {
    write('demo', `dataset: demo
sources:
  wire:
    title: A wire report
    publishedAt: "2021-09-09/2021-09-16"
    publishedAtEstimated: true
    note: estimated from the date of what it reports
events:
  - key: loan
    type: CommitmentRecorded
    effectiveAt: "2021-09-09"
    source: wire
    paraphrase: "about $630m in loans"
    note: "the amount is the wire's, in our words"
    confidence: inferred
    data: { kind: loan, title: Loan, by: RU, to: BY, status: pledged, terms: { amount: "630000000", currency: USD } }
`);
    const [entry] = readSeedSet(root, 'demo').entries;
    expect(entry.source).toEqual({
      title: 'A wire report',
      publishedAt: '2021-09-09/2021-09-16',
      publishedAtEstimated: true,
      paraphrase: 'about $630m in loans',
      note: "the amount is the wire's, in our words estimated from the date of what it reports",
    });
    expect(entry.source.quote).toBeUndefined();
    expect(entry.confidence).toBe('inferred');
  });

  it('names a missing passage, an empty paraphrase, a bad estimate flag and a bad publication date', () => {
    write('demo', `dataset: demo
sources:
  wire:
    title: A wire report
    publishedAt: "2021-13"
    publishedAtEstimated: "yes"
events:
  - key: loan
    type: CommitmentRecorded
    effectiveAt: "2021-09-09"
    source: wire
    confidence: reported
    data: { kind: loan, title: Loan, by: RU, to: BY, status: pledged, terms: {} }
  - key: other
    type: CommitmentRecorded
    effectiveAt: "2021-09-09"
    source: wire
    paraphrase: ""
    confidence: reported
    data: { kind: loan, title: Loan, by: RU, to: BY, status: pledged, terms: {} }
`);
    const found = problems('demo');
    const at = (field: string) => found.find((problem) => problem.field === field);
    expect(at('sources.wire.publishedAt')).toMatchObject({ line: 4, message: expect.stringMatching(/2021-13/) });
    expect(at('sources.wire.publishedAtEstimated')).toMatchObject({ message: 'must be true or false' });
    expect(at('loan.quote')).toMatchObject({ line: 8, message: expect.stringMatching(/required.*paraphrase/) });
    expect(at('other.paraphrase')).toMatchObject({ line: 18, message: 'must be non-empty text' });
  });

  it('refuses a source field or an include that is not text, naming it, instead of storing "[object Object]"', () => {
    write('demo', `dataset: demo
include: [7]
sources:
  article:
    title: An article (made-up test data)
    publisher: { name: Somebody }
    url: 42
    note: ""
events:
${loan}`);
    const found = problems('demo');
    const at = (field: string) => found.find((problem) => problem.field === field);
    expect(at('include')).toMatchObject({ line: 2, message: 'must be a list of data set names' });
    expect(at('sources.article.publisher')).toMatchObject({ message: 'must be non-empty text' });
    expect(at('sources.article.url')).toMatchObject({ message: 'must be non-empty text' });
    expect(at('sources.article.note')).toMatchObject({ message: 'must be non-empty text' });
  });

  it('refuses broken YAML, unknown sets and a dataset name that is not the folder', () => {
    write('demo', 'dataset: demo\nevents: [\n');
    expect(problems('demo')[0]).toMatchObject({ field: 'yaml', line: expect.any(Number) });
    write('other', `${header}  []\n`);
    expect(problems('other')).toEqual([expect.objectContaining({ field: 'dataset', message: 'must be "other", the folder\'s name' })]);
    expect(problems('missing')[0].message).toMatch(/no data set "missing"/);
  });
});
