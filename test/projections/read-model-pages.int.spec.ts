import { appendBulk } from '@timeline/event-store';
import { activeGeneration, CommitmentFilter, quoteIdent, ReadModel, rebuildReadModels } from '@timeline/projections';
import { parseEffectiveTime } from '@timeline/domain';
import { SyntheticEvent, SyntheticHistory } from '../../apps/cli/src/generate/synthetic-history';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The pages that are asked in a shape built for speed (the timeline from a date, split in
 * parts; a page of commitments through the covering index) return exactly what the plain
 * definition returns, on a generated history with every precision, corrections and retractions.
 */
describe('read-model pages equal their plain definition', () => {
  let testDb: TestDatabase;
  let readModel: ReadModel;
  let s: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    const history = new SyntheticHistory({
      events: 4000,
      seed: 11,
      from: new Date('2015-01-01'),
      until: new Date('2025-01-01'),
      prefix: 'p-',
    });
    for (let batch = history.next(1000); batch.length > 0; batch = history.next(1000))
      await appendBulk(testDb.db.pool, batch.map(aheadOfTime));
    await rebuildReadModels(testDb.db);
    readModel = new ReadModel(testDb.db.pool);
    s = quoteIdent((await activeGeneration(testDb.db.pool))!.schema);
  });
  afterAll(() => testDb?.dispose());

  /**
   * A few occurrences take effect after they were recorded (a forecast, a planned meeting), as
   * some do in real data: the timeline finds those known at knownAt that start after it apart.
   */
  let occurrences = 0;
  function aheadOfTime(event: SyntheticEvent): SyntheticEvent {
    if (event.streamType !== 'occurrence' || ++occurrences % 20 !== 0) return event;
    const day = new Date(Date.parse(event.recordedAt) + (1 + (occurrences % 400)) * 86_400_000).toISOString().slice(0, 10);
    return { ...event, effectiveAt: parseEffectiveTime(day) };
  }

  let seed = 3;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const instant = (from: number, to: number) => new Date(from + random() * (to - from)).toISOString();
  const START = Date.UTC(2014, 0, 1);
  const END = Date.UTC(2025, 6, 1);

  it('a timeline page from a date: every event whose period ends after it, in effective order', async () => {
    let compared = 0;
    for (let run = 0; run < 60; run++) {
      // Dates at the start of a year, month or day, and any instant.
      const from = [
        instant(START, END).slice(0, 4) + '-01-01T00:00:00.000Z',
        instant(START, END).slice(0, 7) + '-01T00:00:00.000Z',
        instant(START, END),
      ][run % 3];
      // Known now, at any time after `from`, days after it (few of the later events known yet), or before it.
      const knownAt = [
        new Date().toISOString(),
        instant(Date.parse(from), END),
        instant(Date.parse(from), Date.parse(from) + 10 * 86_400_000),
        instant(Date.parse(from) - 200 * 86_400_000, Date.parse(from)),
      ][run % 4];
      const parties = [['BY'], ['RU'], ['KZ'], undefined, ['KZ', 'AM']][(run % 7) % 5];
      const limit = [5, 50, 200][run % 3];
      const page = await readModel.timeline({ knownAt, from, parties, limit });
      const { rows } = await testDb.db.pool.query<{ event_id: string; position: string }>(
        `SELECT event_id, position::text FROM ${s}.timeline t
          WHERE recorded @> $1::timestamptz AND effective_until > $2::timestamptz AND ($3::text[] IS NULL OR parties && $3::text[])
          ORDER BY t.effective_at, t.position LIMIT $4`,
        [knownAt, from, parties ?? null, limit],
      );
      expect(page.map((entry) => `${entry.eventId}@${entry.position}`)).toEqual(rows.map((row) => `${row.event_id}@${row.position}`));
      compared += rows.length;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('a timeline page from a date finds the events known at knownAt that take effect after it', async () => {
    const { rows: ahead } = await testDb.db.pool.query<{ event_id: string; known: Date; effective_at: Date }>(
      `SELECT event_id, lower(recorded) AS known, effective_at FROM ${s}.timeline WHERE effective_at > lower(recorded) ORDER BY position LIMIT 20`,
    );
    expect(ahead.length).toBeGreaterThan(10);
    for (const row of ahead) {
      // From a little before the event was known: the page starts with what had been recorded by then.
      const from = new Date(row.known.getTime() - 86_400_000).toISOString();
      const knownAt = new Date(row.known.getTime() + 1).toISOString();
      const page = await readModel.timeline({ knownAt, from, limit: 1000 });
      expect(page.map((entry) => entry.eventId)).toContain(row.event_id);
      const { rows } = await testDb.db.pool.query<{ event_id: string }>(
        `SELECT event_id FROM ${s}.timeline t WHERE recorded @> $1::timestamptz AND effective_until > $2::timestamptz ORDER BY t.effective_at, t.position LIMIT 1000`,
        [knownAt, from],
      );
      expect(page.map((entry) => entry.eventId)).toEqual(rows.map((other) => other.event_id));
    }
  });

  it('timeline pages follow each other by cursor without a gap or a repeat', async () => {
    const from = '2017-03-01T00:00:00.000Z';
    const knownAt = new Date().toISOString();
    const whole = await readModel.timeline({ knownAt, from, parties: ['BY'], limit: 300 });
    const paged = [];
    let after: { effectiveAt: string; position: string } | undefined;
    for (let page = 0; page < 6; page++) {
      const items = await readModel.timeline({ knownAt, from, parties: ['BY'], limit: 50, after });
      paged.push(...items);
      after = { effectiveAt: items[items.length - 1].effectiveAt.at, position: items[items.length - 1].position };
    }
    expect(whole).toHaveLength(300);
    expect(paged.map((entry) => entry.eventId)).toEqual(whole.map((entry) => entry.eventId));
  });

  it('a page of commitments: those that hold at (asOf, knownAt), in id order', async () => {
    let compared = 0;
    let multiParty = 0;
    for (let run = 0; run < 90; run++) {
      // Every third date early in the history, when few commitments hold yet.
      const asOf = run % 3 ? instant(START, END) : instant(Date.UTC(2015, 0, 1), Date.UTC(2015, 6, 1));
      const knownAt = run % 2 ? new Date().toISOString() : instant(Date.parse(asOf), END);
      // Several parties too: BY and RU share most commitments, which a page must not list twice.
      const filter: CommitmentFilter = {
        parties: [['BY'], ['RU'], ['KZ'], ['AM'], undefined, ['BY', 'RU'], ['KZ', 'AM', 'KZ']][run % 7],
        status: [['pledged'], ['requested', 'pledged'], undefined, ['fulfilled', 'fulfilled']][run % 4],
        kind: run % 7 === 0 ? ['loan', 'cash'] : undefined,
      };
      const page = await readModel.commitments(asOf, knownAt, filter, { limit: 30 });
      const all = await readModel.commitments(asOf, knownAt, filter);
      expect(page.map((view) => view.id)).toEqual(
        all
          .map((view) => view.id)
          .sort()
          .slice(0, 30),
      );
      expect(page).toEqual(page.map((view) => all.find((other) => other.id === view.id)));
      if (filter.parties && filter.parties.length > 1) {
        // Several parties: what any one of them lists, once each.
        const each = await Promise.all(
          filter.parties.map((party) => readModel.commitments(asOf, knownAt, { ...filter, parties: [party] })),
        );
        const union = [...new Set(each.flat().map((view) => view.id))].sort();
        expect(all.map((view) => view.id).sort()).toEqual(union);
        multiParty += union.length;
      }
      compared += page.length;
    }
    expect(compared).toBeGreaterThan(500);
    expect(multiParty).toBeGreaterThan(50);
  });

  it('pages of commitments follow each other by id without a gap or a repeat', async () => {
    let compared = 0;
    for (const [asOf, parties, status] of [
      ['2024-06-30T00:00:00.000Z', ['BY'], ['pledged']],
      ['2015-05-01T00:00:00.000Z', ['RU'], ['pledged', 'requested']],
      ['2020-01-01T00:00:00.000Z', ['KZ'], ['pledged', 'fulfilled']],
      ['2023-01-01T00:00:00.000Z', ['RU', 'BY'], ['pledged', 'requested']],
      ['2022-01-01T00:00:00.000Z', undefined, undefined],
    ] as const) {
      const knownAt = new Date().toISOString();
      const filter: CommitmentFilter = { parties, status };
      const all = (await readModel.commitments(asOf, knownAt, filter)).map((view) => view.id).sort();
      const paged: string[] = [];
      for (let after: string | undefined; ;) {
        const page = await readModel.commitments(asOf, knownAt, filter, { after, limit: 7 });
        paged.push(...page.map((view) => view.id));
        if (page.length < 7) break;
        after = page[page.length - 1].id;
      }
      expect(paged).toEqual(all);
      compared += paged.length;
    }
    expect(compared).toBeGreaterThan(100);
  });
});
