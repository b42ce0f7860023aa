import type { Source } from '../shared/envelope';
import { resolveRevisions } from '../shared/revisions';
import { attributionOf } from './attribution';
import { commitmentAsOf } from './commitment-as-of';
import { commitmentSegments } from './commitment-segments';
import { deploymentAsOf } from './deployment-as-of';
import { StreamBuilder } from './temporal-fixtures';

/** Made-up test data: an outlet that reports a loan, one that disagrees on its amount later, one that confirms it. */
const ARTICLE: Source = { title: 'Article', publishedAt: '2021-09-10/2021-09-30', publishedAtEstimated: true, quote: 'a $600m loan' };
const REPORT: Source = { title: 'Report', publishedAt: '2021-09-09/2021-09-16', publishedAtEstimated: true, paraphrase: 'about $630m' };
const LATER: Source = { title: 'Later report', publishedAt: '2021-10-05' };
const CONFIRMING: Source = { title: 'Confirming outlet', publishedAt: '2021-09-08' };
const NOW = '2030-01-01T00:00:00Z';

function loan() {
  const stream = new StreamBuilder();
  const record = stream.add({
    type: 'CommitmentRecorded',
    data: {
      commitmentId: 'c-ru-by-loan',
      kind: 'loan',
      title: 'Loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      terms: { amount: '600000000', currency: 'USD' },
    },
    effective: '2021-09',
    recordedAt: '2026-01-01T00:00:00Z',
    source: ARTICLE,
  });
  const claim = (value: string, source: Source, recordedAt: string) =>
    stream.add({
      type: 'ClaimRecorded',
      data: { eventId: record.id, eventType: record.type, field: 'terms.amount', value },
      effective: '2021-09',
      recordedAt,
      source,
    });
  const choose = (claimId: string, recordedAt: string) =>
    stream.add({
      type: 'ClaimChosen',
      data: { eventId: record.id, eventType: record.type, field: 'terms.amount', claimId, reason: 'an analyst prefers it' },
      effective: '2021-09',
      recordedAt,
    });
  return { stream, record, claim, choose };
}

describe('competing claims in the fold', () => {
  it('keeps both values beside each other; the latest published is current by default', () => {
    const { stream, record, claim } = loan();
    const report = claim('630000000', REPORT, '2026-01-02T00:00:00Z');
    const state = commitmentAsOf(stream.events, '2021-12-01', NOW)!;
    // The article's publication period ends later than the report's: its $600m stays current.
    expect(state.terms.amount).toBe('600000000');
    const amount = state.sources['terms.amount'];
    expect(amount.eventId).toBe(record.id);
    expect(amount.claims).toMatchObject({ field: 'terms.amount', current: record.id, why: 'latest_published' });
    expect(amount.claims!.claims.map((c) => [c.claimId, c.value, c.current, c.quoted, c.publishedAt])).toEqual([
      [report.id, '630000000', false, false, '2021-09-09/2021-09-16'],
      [record.id, '600000000', true, true, '2021-09-10/2021-09-30'],
    ]);
    // Other facts of the record cite it without claims.
    expect(state.sources.title).toEqual(attributionOf(record));
  });

  it('makes a later-published claim current, citing its source, and the recorded value stays a claim', () => {
    const { stream, record, claim } = loan();
    const later = claim('630000000', LATER, '2026-01-02T00:00:00Z');
    const state = commitmentAsOf(stream.events, '2021-12-01', NOW)!;
    expect(state.terms.amount).toBe('630000000');
    expect(state.outstanding).toBe('630000000');
    expect(state.sources['terms.amount']).toMatchObject({ eventId: later.id, type: 'ClaimRecorded', source: LATER });
    expect(state.sources['terms.amount'].claims!.claims.find((c) => c.claimId === record.id)).toMatchObject({
      value: '600000000',
      current: false,
    });
  });

  it("follows the analyst's choice, with its reason, over the default", () => {
    const { stream, record, claim, choose } = loan();
    claim('630000000', LATER, '2026-01-02T00:00:00Z');
    const choice = choose(record.id, '2026-01-03T00:00:00Z');
    const state = commitmentAsOf(stream.events, '2021-12-01', NOW)!;
    expect(state.terms.amount).toBe('600000000');
    expect(state.sources['terms.amount'].claims).toMatchObject({
      current: record.id,
      why: 'chosen',
      reason: 'an analyst prefers it',
      choiceId: choice.id,
    });
    // Known before the choice: the default.
    expect(commitmentAsOf(stream.events, '2021-12-01', '2026-01-02T12:00:00Z')!.terms.amount).toBe('630000000');
  });

  it('is no correction: the timeline of revisions knows none', () => {
    const { stream, claim } = loan();
    claim('630000000', LATER, '2026-01-02T00:00:00Z');
    const [resolved] = resolveRevisions(stream.events);
    expect(resolved.corrections).toEqual([]);
    expect(resolved.claims!.claimSets).toHaveLength(1);
  });

  it('a claim on the date moves the fact in valid time when current', () => {
    const stream = new StreamBuilder();
    const start = stream.add({
      type: 'DeploymentStarted',
      data: { deploymentId: 'd1', asset: 'jets', place: 'west', host: 'BY', by: 'RU' },
      effective: '2021-09-20',
      recordedAt: '2026-01-01T00:00:00Z',
      source: ARTICLE,
    });
    stream.add({
      type: 'ClaimRecorded',
      data: { eventId: start.id, eventType: start.type, field: 'effectiveAt', value: '2021-09-08' },
      effective: '2021-09-20',
      recordedAt: '2026-01-02T00:00:00Z',
      source: LATER,
    });
    expect(deploymentAsOf(stream.events, '2021-09-10', NOW)?.startedAt).toBe('2021-09-08T00:00:00.000Z');
    expect(deploymentAsOf(stream.events, '2021-09-10', NOW)?.sources.effectiveAt.claims?.why).toBe('latest_published');
  });
});

describe('corroboration', () => {
  it('one entity with all its sources', () => {
    const stream = new StreamBuilder();
    const start = stream.add({
      type: 'DeploymentStarted',
      data: { deploymentId: 'd1', asset: 'jets', place: 'west', host: 'BY', by: 'RU' },
      effective: '2021-09-08',
      recordedAt: '2026-01-01T00:00:00Z',
      source: ARTICLE,
    });
    const confirming = stream.add({
      type: 'SourceCorroborated',
      data: { eventId: start.id, eventType: start.type },
      effective: '2021-09-08',
      recordedAt: '2026-01-02T00:00:00Z',
      source: CONFIRMING,
    });
    const state = deploymentAsOf(stream.events, '2021-09-20', NOW)!;
    expect(state.eventIds).toEqual([start.id]);
    expect(state.sources.asset).toMatchObject({
      eventId: start.id,
      source: ARTICLE,
      corroboratedBy: [{ eventId: confirming.id, source: CONFIRMING }],
    });
    expect(state.sources.effectiveAt.corroboratedBy).toHaveLength(1);
  });
});

describe('reportedBy', () => {
  it('shows only what had been published: nothing, then one claim, then both', () => {
    const { stream, record, claim } = loan();
    const report = claim('630000000', REPORT, '2026-01-02T00:00:00Z');
    const at = (reportedBy: string) => commitmentAsOf(stream.events, '2021-12-01', NOW, { reportedBy });
    expect(at('2021-09-08')).toBeUndefined();
    // Only the report's period had begun: its claim is the only one, and current.
    const ninth = at('2021-09-09')!;
    expect(ninth.terms.amount).toBe('630000000');
    expect(ninth.sources['terms.amount'].claims!.claims.map((c) => c.claimId)).toEqual([report.id]);
    const thirtieth = at('2021-09-30')!;
    expect(thirtieth.terms.amount).toBe('600000000');
    expect(thirtieth.sources['terms.amount'].claims!.claims.map((c) => c.claimId)).toEqual([report.id, record.id]);
  });

  it('counts a fact once any source that confirms it was published', () => {
    const stream = new StreamBuilder();
    const start = stream.add({
      type: 'DeploymentStarted',
      data: { deploymentId: 'd1', asset: 'jets', place: 'west', host: 'BY', by: 'RU' },
      effective: '2021-09-08',
      recordedAt: '2026-01-01T00:00:00Z',
      source: ARTICLE,
    });
    expect(deploymentAsOf(stream.events, '2021-09-20', NOW, '2021-09-08')).toBeUndefined();
    stream.add({
      type: 'SourceCorroborated',
      data: { eventId: start.id, eventType: start.type },
      effective: '2021-09-08',
      recordedAt: '2026-01-02T00:00:00Z',
      source: CONFIRMING,
    });
    const state = deploymentAsOf(stream.events, '2021-09-20', NOW, '2021-09-08')!;
    expect(state.sources.asset.corroboratedBy).toHaveLength(1);
  });

  it('counts a source without a publication date from when it was recorded', () => {
    const stream = new StreamBuilder();
    stream.add({
      type: 'DeploymentStarted',
      data: { deploymentId: 'd1', asset: 'jets', place: 'west', host: 'BY', by: 'RU' },
      effective: '2021-09-08',
      recordedAt: '2026-01-01T00:00:00Z',
      source: { title: 'undated' },
    });
    expect(deploymentAsOf(stream.events, '2021-09-20', NOW, '2025-12-31')).toBeUndefined();
    expect(deploymentAsOf(stream.events, '2021-09-20', NOW, '2026-01-01')).toBeDefined();
  });

  it('refuses a malformed reportedBy like a malformed asOf', () => {
    const { stream } = loan();
    expect(() => commitmentAsOf(stream.events, '2021-12-01', NOW, { reportedBy: 'yesterday' })).toThrow(/not a valid effective time/);
  });

  it('the segments agree with the as-of fold on the reported axis', () => {
    const { stream, claim } = loan();
    claim('630000000', REPORT, '2026-01-02T00:00:00Z');
    for (const reportedBy of ['2021-09-08', '2021-09-09', '2021-09-30']) {
      const segments = commitmentSegments(stream.events, NOW, reportedBy);
      const expected = commitmentAsOf(stream.events, '2021-12-01', NOW, { reportedBy });
      const segment = segments.find(
        (s) => s.validFrom <= '2021-12-01T00:00:00.000Z' && (s.validTo === null || s.validTo > '2021-12-01T00:00:00.000Z'),
      );
      expect(segment?.state).toEqual(expected);
    }
  });
});
