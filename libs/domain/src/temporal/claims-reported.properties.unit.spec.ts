import fc from 'fast-check';
import { deepEqual } from '../shared/deep-equal';
import { formatEffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent, Source } from '../shared/envelope';
import { resolveRevisions } from '../shared/revisions';
import { commitmentAsOf } from './commitment-as-of';
import { commitmentSegmentAt, commitmentSegments } from './commitment-segments';
import { StreamBuilder } from './temporal-fixtures';

/**
 * Properties of competing claims, corroborations and the reported axis on generated commitment
 * streams: the segments the read models store agree with the as-of fold on every axis, a claimed
 * fact shows its current claim's value, and reportedBy only ever adds what was published.
 */

const MIN = Date.parse('2018-01-01T00:00:00.000Z');
const MAX = Date.parse('2023-12-31T23:59:59.999Z');
const instant = fc.integer({ min: MIN, max: MAX });
const pointText = fc.tuple(fc.constantFrom('year', 'month', 'day', 'instant'), instant).map(([precision, millis]) => {
  const iso = new Date(millis).toISOString();
  return precision === 'year' ? iso.slice(0, 4) : precision === 'month' ? iso.slice(0, 7) : precision === 'day' ? iso.slice(0, 10) : iso;
});
const dateText = fc.oneof(
  { weight: 3, arbitrary: pointText },
  {
    weight: 1,
    arbitrary: fc.tuple(pointText, pointText).map(([a, b]) => {
      try {
        parseEffectiveTime(`${a}/${b}`);
        return `${a}/${b}`;
      } catch {
        return `${b}/${a}`;
      }
    }),
  },
);
/** A source with a publication date (or none: then it counts from its recording). */
const source: fc.Arbitrary<Source> = fc.record(
  { title: fc.constantFrom('one', 'two', 'three', 'four'), publishedAt: dateText, quote: fc.constant('made-up passage') },
  { requiredKeys: ['title'] },
);
const amount = fc.bigInt({ min: 1n, max: 10n ** 9n }).map(String);

type Op =
  | { readonly kind: 'amend'; readonly amount: string; readonly effective: string; readonly source: Source }
  | { readonly kind: 'disburse'; readonly amount: string; readonly effective: string; readonly source: Source }
  | { readonly kind: 'corroborate'; readonly target: number; readonly source: Source }
  | {
      readonly kind: 'claim';
      readonly target: number;
      readonly field: 'terms.amount' | 'effectiveAt';
      readonly amount: string;
      readonly date: string;
      readonly source: Source;
    }
  | { readonly kind: 'choose'; readonly target: number; readonly claim: number }
  | { readonly kind: 'correct'; readonly target: number; readonly amount: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('amend' as const), amount, effective: dateText, source }),
  fc.record({ kind: fc.constant('disburse' as const), amount, effective: dateText, source }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('corroborate' as const), target: fc.nat(), source }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      target: fc.nat(),
      field: fc.constantFrom('terms.amount' as const, 'effectiveAt' as const),
      amount,
      date: dateText,
      source,
    }),
  },
  fc.record({ kind: fc.constant('choose' as const), target: fc.nat(), claim: fc.nat() }),
  fc.record({ kind: fc.constant('correct' as const), target: fc.nat(), amount }),
);

const HOUR = 3_600_000;

const stream = fc
  .record({
    effective: dateText,
    amount,
    source,
    firstRecordedAt: fc.integer({ min: Date.parse('2018-01-01T00:00:00Z'), max: Date.parse('2021-01-01T00:00:00Z') }),
    steps: fc.array(fc.tuple(op, fc.integer({ min: 1, max: 2000 * HOUR })), { maxLength: 15 }),
  })
  .map(({ effective, amount: recorded, source: own, firstRecordedAt, steps }) => {
    const builder = new StreamBuilder();
    let recordedAt = firstRecordedAt;
    const at = () => new Date(recordedAt).toISOString();
    const record = builder.add({
      type: 'CommitmentRecorded',
      data: {
        commitmentId: 'c-ru-by-loan',
        kind: 'loan',
        title: 'Loan',
        by: 'RU',
        to: 'BY',
        status: 'pledged',
        terms: { amount: recorded, currency: 'USD' },
      },
      effective,
      recordedAt: at(),
      source: own,
    });
    const facts = [record];
    for (const [step, gap] of steps) {
      recordedAt += gap;
      const fact = 'target' in step ? facts[step.target % facts.length] : record;
      const about = (type: string, data: Record<string, unknown>, from?: Source) =>
        builder.add({
          type,
          data: { eventId: fact.id, eventType: fact.type, ...data },
          effective: fact.effectiveAt,
          recordedAt: at(),
          source: from,
        });
      switch (step.kind) {
        case 'amend':
          facts.push(
            builder.add({
              type: 'CommitmentTermsAmended',
              data: { commitmentId: 'c-ru-by-loan', changes: { amount: step.amount } },
              effective: step.effective,
              recordedAt: at(),
              source: step.source,
            }),
          );
          break;
        case 'disburse':
          facts.push(
            builder.add({
              type: 'CommitmentDisbursed',
              data: { commitmentId: 'c-ru-by-loan', amount: step.amount, currency: 'USD' },
              effective: step.effective,
              recordedAt: at(),
              source: step.source,
            }),
          );
          break;
        case 'corroborate':
          about('SourceCorroborated', {}, step.source);
          break;
        case 'claim': {
          const field =
            fact.type === 'CommitmentRecorded'
              ? step.field
              : step.field === 'terms.amount' && fact.type === 'CommitmentDisbursed'
                ? 'amount'
                : 'effectiveAt';
          about('ClaimRecorded', { field, value: field === 'effectiveAt' ? step.date : step.amount }, step.source);
          break;
        }
        case 'choose': {
          const claims = builder.events.filter(
            (event) => event.type === 'ClaimRecorded' && (event.data as { eventId: string }).eventId === fact.id,
          );
          const candidates = [fact.id, ...claims.map((claim) => claim.id)];
          const field = claims[0] ? (claims[0].data as { field: string }).field : 'terms.amount';
          about('ClaimChosen', { field, claimId: candidates[step.claim % candidates.length], reason: 'made-up reason' });
          break;
        }
        case 'correct':
          builder.correct(
            fact,
            { data: fact.type === 'CommitmentRecorded' ? { terms: { amount: step.amount } } : { amount: step.amount } },
            at(),
          );
          break;
      }
    }
    return builder.events;
  });

const probe = fc
  .integer({ min: Date.parse('2017-01-01T00:00:00Z'), max: Date.parse('2026-01-01T00:00:00Z') })
  .map((millis) => new Date(millis).toISOString());
const FAR = '2099-01-01T00:00:00.000Z';
const RUNS = { numRuns: 200 };

describe('claims and the reported axis (properties)', () => {
  it('the segment covering D is commitmentAsOf(D) on every axis, reportedBy included', () => {
    fc.assert(
      fc.property(stream, probe, probe, fc.option(probe, { nil: undefined }), (events, asOf, knownAt, reportedBy) => {
        const segment = commitmentSegmentAt(commitmentSegments(events, knownAt, reportedBy), asOf);
        expect(segment?.state).toEqual(commitmentAsOf(events, asOf, knownAt, { reportedBy }));
      }),
      RUNS,
    );
  });

  it('a claimed fact shows the value of its current claim, and lists every claim once, one of them current', () => {
    fc.assert(
      fc.property(stream, probe, fc.option(probe, { nil: undefined }), (events, asOf, reportedBy) => {
        const state = commitmentAsOf(events, asOf, FAR, { reportedBy });
        if (!state) return;
        for (const [path, attribution] of Object.entries(state.sources)) {
          const claims = attribution.claims;
          if (!claims) continue;
          const current = claims.claims.filter((claim) => claim.current);
          expect(current.map((claim) => claim.claimId)).toEqual([claims.current]);
          expect(new Set(claims.claims.map((claim) => claim.claimId)).size).toBe(claims.claims.length);
          if (path.startsWith('terms.')) expect((state.terms as Record<string, unknown>)[path.slice(6)]).toEqual(current[0].value);
          if (path === 'effectiveAt') expect(current[0].value).toEqual(expect.any(String));
          // The attribution cites the current claim: its ClaimRecorded, or for the fact's own value
          // the fact's event, or the correction of ours that set that value.
          const cited = events.find((event) => event.id === attribution.eventId)!;
          if (cited.type === 'ClaimRecorded') expect(attribution.eventId).toBe(claims.current);
          else if (cited.type === 'EventCorrected') expect((cited.data as { eventId: string }).eventId).toBe(claims.current);
          else expect(attribution.eventId).toBe(claims.current);
        }
      }),
      RUNS,
    );
  });

  it('with everything published, reportedBy changes nothing', () => {
    fc.assert(
      fc.property(stream, probe, probe, (events, asOf, knownAt) => {
        expect(commitmentAsOf(events, asOf, knownAt, { reportedBy: FAR })).toStrictEqual(commitmentAsOf(events, asOf, knownAt));
      }),
      RUNS,
    );
  });

  it('a fact once reported stays reported: the commitment exists at a later reportedBy, with no fewer claims', () => {
    // Asked after every date: a claim on the date may move the start of the commitment, not undo it.
    fc.assert(
      fc.property(stream, probe, probe, (events, first, second) => {
        const [earlier, later] = first <= second ? [first, second] : [second, first];
        const before = commitmentAsOf(events, FAR, FAR, { reportedBy: earlier });
        const after = commitmentAsOf(events, FAR, FAR, { reportedBy: later });
        if (before) expect(after).toBeDefined();
        const count = (state: typeof before, path: string) => state?.sources[path]?.claims?.claims.length ?? 0;
        if (before && after)
          expect(count(after, 'terms.amount') >= count(before, 'terms.amount') || !deepEqual(before.terms, after.terms)).toBe(true);
      }),
      RUNS,
    );
  });

  it('reportedBy counts a source from the first instant of its publication period, like asOf counts an effective time', () => {
    fc.assert(
      fc.property(stream, probe, (events, reportedBy) => {
        const limit = Date.parse(reportedBy);
        const published = (event: RecordedEvent) =>
          Date.parse(event.source.publishedAt ? parseEffectiveTime(event.source.publishedAt).at : event.recordedAt) <= limit;
        const resolved = resolveRevisions(events, undefined, reportedBy);
        const others = (id: string) =>
          events.filter(
            (event) => ['SourceCorroborated', 'ClaimRecorded'].includes(event.type) && (event.data as { eventId: string }).eventId === id,
          );
        for (const event of events.filter(
          (candidate) =>
            !['SourceCorroborated', 'ClaimRecorded', 'ClaimChosen', 'EventCorrected', 'EventRetracted'].includes(candidate.type),
        )) {
          const counts = resolved.some((item) => item.original.id === event.id);
          expect({ id: event.id, counts }).toEqual({ id: event.id, counts: published(event) || others(event.id).some(published) });
        }
        for (const item of resolved) {
          for (const set of item.claims?.claimSets ?? []) {
            for (const claim of set.claims) {
              const claimant = events.find((event) => event.id === claim.claimId)!;
              expect(published(claimant)).toBe(true);
            }
          }
        }
        // Dates in answers keep their text form.
        for (const item of resolved) expect(formatEffectiveTime(item.event.effectiveAt)).toEqual(expect.any(String));
      }),
      RUNS,
    );
  });
});
