import { parse as parseCsv } from 'csv-parse/sync';
import { applyFieldChanges, effectiveUntil as effectiveEnd, FieldChange } from '@timeline/domain';
import { validateEventData, validateSource } from '@timeline/event-schemas';
import { seedEntityId } from '@timeline/seeds';
import { SeedLoader } from '../../apps/api/src/seeds/seed-loader';
import { seedEmptyStore } from '../../apps/api/src/serve';
import { wholeState } from '../support/state-pages';
import { startTestApp, TestApp } from '../support/test-app';

const SET = 'belarus-russia-2018-2021';

/** Questions an analyst asks of the seeded store, through the HTTP API. */
describe.each([
  { backend: 'pglite' as const, kafka: false },
  { backend: 'postgres' as const, kafka: true },
])(`the ${SET} data set on $backend (kafka: $kafka)`, ({ backend, kafka }) => {
  let t: TestApp;
  let head: string;
  const http = () => t.http();
  const get = async (path: string, query: Record<string, string> = {}) =>
    (await http().get(path).query({ minPosition: head, ...query }).expect(200)).body;
  const ids = (items: { id?: string; deploymentId?: string; occurrenceId?: string }[]) =>
    items.map((item) => item.id ?? item.deploymentId ?? item.occurrenceId);

  beforeAll(async () => {
    t = await startTestApp({ backend, kafka, env: { TIMELINE_SEED: SET } });
    await seedEmptyStore(t.app.get(SeedLoader), t.runtime, () => undefined);
    head = await t.runtime.store.headPosition();
  }, 180_000);
  afterAll(() => t.close());

  it('loads through the command bus once: a second load adds nothing', async () => {
    const loader = t.app.get(SeedLoader);
    const report = await loader.load(loader.read(SET));
    expect(report.applied).toBe(0);
    expect(report.unchanged).toBe(report.entries);
    expect(await t.runtime.store.headPosition()).toBe(head);
    const [event] = await t.runtime.store.readStream(`commitment-${seedEntityId('loan-600m')}`);
    expect(event).toMatchObject({ type: 'CommitmentRecorded', actor: 'seed:belarus-russia-2021' });
    expect(event.source.quote).toMatch(/\$600m loan/);
  });

  it('tells what Russia had pledged Belarus and what Belarus had only demanded, at several dates', async () => {
    const pledged = await get('/v1/commitments', { asOf: '2021-09-30', party: 'BY', status: 'pledged' });
    expect(ids(pledged.items)).toEqual(expect.arrayContaining([seedEntityId('loan-600m'), seedEntityId('gas-price-pledge-128-50')]));
    const loan = pledged.items.find((item: { id: string }) => item.id === seedEntityId('loan-600m'));
    // The article's $600m: the latest published of the two claims (the other is Belsat's about $630m).
    expect(loan).toMatchObject({ by: 'RU', to: 'BY', currency: 'USD', pledged: '600000000' });
    expect(loan.terms.restrictions.join(' ')).toMatch(/Astravets/);

    const demanded = await get('/v1/commitments', { asOf: '2021-09-30', party: 'BY', status: 'requested' });
    expect(ids(demanded.items)).toEqual(
      expect.arrayContaining([seedEntityId('cash-injections-demand'), seedEntityId('gas-domestic-price-demand'), seedEntityId('oil-tax-compensation-demand')]),
    );
    expect(ids(demanded.items)).not.toContain(seedEntityId('loan-600m'));

    const mid2019 = await get('/v1/commitments', { asOf: '2019-06-30', party: 'BY' });
    const loan2019 = mid2019.items.find((item: { id: string }) => item.id === seedEntityId('loan-2019-request'));
    expect(loan2019).toMatchObject({ status: 'pledged', pledged: '600000000', currency: 'USD' });
    const end2019 = await get(`/v1/commitments/${seedEntityId('loan-2019-request')}`, { asOf: '2019-12-31' });
    expect(end2019.status).toBe('withdrawn');

    const end2020 = await get(`/v1/commitments/${seedEntityId('credit-1-5bn-sochi')}`, { asOf: '2020-12-31' });
    expect(end2020).toMatchObject({ status: 'pledged', pledged: '1500000000', disbursed: '500000000', outstanding: '1000000000' });
    const before = await get('/v1/commitments', { asOf: '2018-12-31', party: 'BY' });
    expect(ids(before.items)).not.toContain(seedEntityId('credit-1-5bn-sochi'));
  });

  it('knows Belarus and Russia from the 1999 Union State Treaty, the EU as a bloc, and states by their ISO alpha-2 codes', async () => {
    const in2000 = await get('/v1/parties', { asOf: '2000-01-01' });
    expect(in2000.items.map((party: { partyId: string }) => party.partyId).sort()).toEqual(['BY', 'RU']);
    const treaty = await get('/v1/tracks', { asOf: '1999-12-31', party: 'BY' });
    expect(treaty.items.map((track: { title: string }) => track.title)).toContain('Union State Treaty');
    const now = await get('/v1/parties');
    const kinds = Object.fromEntries(now.items.map((party: { partyId: string; kind: string }) => [party.partyId, party.kind]));
    expect(kinds).toEqual({ BY: 'state', RU: 'state', GE: 'state', UA: 'state', EU: 'bloc', EFSD: 'organisation' });
  });

  it('marks the EFSD payment of the Sochi credit as our inference, and the air defense shared by 8 September 2021 at the latest', async () => {
    const { versions } = await get(`/v1/commitments/${seedEntityId('credit-1-5bn-sochi')}/history`);
    const payment = versions.find((version: { type: string }) => version.type === 'CommitmentDisbursed');
    expect(payment).toMatchObject({ confidence: 'inferred', source: { paraphrase: expect.stringMatching(/EFSD|Eurasian Fund/), note: expect.stringMatching(/inference/) } });
    expect(payment.source.quote).toBeUndefined();
    // "Already" in place in the article: some time from the 1999 treaty to 8 September 2021 (Su-30SM on joint air-border duty).
    const airDefense = seedEntityId('shared-air-defense');
    const trackIds = async (asOf: string) => (await get('/v1/tracks', { asOf })).items.map((track: { trackId: string }) => track.trackId);
    expect(await trackIds('2000-01-01')).toContain(airDefense);
    expect(await trackIds('1999-12-07')).not.toContain(airDefense);
    const timeline = await get('/v1/timeline', { type: 'TrackOpened', q: 'air defense infrastructure' });
    const opened = timeline.items.find((item: { streamId: string }) => item.streamId === `track-${airDefense}`);
    expect(opened.effectiveAt).toEqual({ at: '1999-12-08T00:00:00.000Z', precision: 'range', until: '2021-09-09T00:00:00.000Z' });
  });

  it('tells which programme deadlines fall in 2022 and in 2023, at their precision', async () => {
    const in2022 = await get('/v1/deadlines', { from: '2022', to: '2022' });
    expect(in2022.items.map((deadline: { due: string }) => deadline.due)).toEqual(expect.arrayContaining(['2022-07', '2022-12']));
    expect(in2022.items.every((deadline: { dueAt: string }) => deadline.dueAt.startsWith('2022'))).toBe(true);
    const in2023 = await get('/v1/deadlines', { from: '2023', to: '2023' });
    expect(in2023.items.map((deadline: { due: string }) => deadline.due)).toContain('2023-12-01');
    expect(in2023.items.some((deadline: { track: string }) => /gas/i.test(deadline.track))).toBe(true);
    // Each deadline beside the source of its due date, an event of its track's stream.
    for (const deadline of [...in2022.items, ...in2023.items]) {
      const stream = await t.runtime.store.readStream(`track-${deadline.trackId}`);
      const cited = stream.find((event) => event.id === deadline.source.eventId)!;
      expect(cited.source).toEqual(deadline.source.source);
      const due = (cited.data as { due?: string; changes?: { data?: { due?: string } } });
      expect(due.due ?? due.changes?.data?.due).toBe(deadline.due);
    }
  });

  it('tells which deployments were active on a date', async () => {
    const late = await get('/v1/deployments', { asOf: '2021-09-30' });
    expect(ids(late.items)).toEqual(
      expect.arrayContaining([seedEntityId('s400-deployment'), seedEntityId('su30sm-deployment'), seedEntityId('aa-units-grodno')]),
    );
    const august = await get('/v1/deployments', { asOf: '2021-08-15' });
    expect(ids(august.items)).not.toContain(seedEntityId('aa-units-grodno'));
    const state = await wholeState(get, { asOf: '2021-09-30' });
    expect(state.deployments.length).toBe(late.items.length);
    expect(state.tracks.length).toBeGreaterThan(0);
    expect(state.parties.map((party: { partyId: string }) => party.partyId)).toEqual(expect.arrayContaining(['BY', 'RU']));
  });

  it('shows what was believed about the start of shared air defense before and after the correction', async () => {
    const trackId = seedEntityId('shared-air-defense');
    const [recorded, ...rest] = await t.runtime.store.readStream(`track-${trackId}`);
    const correction = rest.find((event) => event.type === 'EventCorrected')!;
    expect(correction.source.title).not.toBe(recorded.source.title);
    const believedBefore = new Date(Date.parse(correction.recordedAt) - 1).toISOString();
    const row = async (query: Record<string, string>) =>
      (await get('/v1/timeline', { type: 'TrackOpened', ...query })).items.find((item: { streamId: string }) => item.streamId === `track-${trackId}`);

    // Now: some time from 8 December 1999 to 8 September 2021, so the 1990s already hold it.
    expect((await row({ from: '1999-12', to: '2000' })).effectiveAt).toEqual({ at: '1999-12-08T00:00:00.000Z', precision: 'range', until: '2021-09-09T00:00:00.000Z' });
    // As known before the correction: some time from 2008 to September 2021, nothing in the 1990s.
    expect(await row({ from: '1999-12', to: '2000', knownAt: believedBefore })).toBeUndefined();
    expect((await row({ from: '2008', to: '2008', knownAt: believedBefore })).effectiveAt).toEqual({ at: '2008-01-01T00:00:00.000Z', precision: 'range', until: '2021-10-01T00:00:00.000Z' });
  });

  it('keeps both dates of the presidents\' meeting, the article\'s 10 September and Belsat\'s 9 September, each with its source', async () => {
    const meetingId = seedEntityId('meeting-putin-lukashenka');
    const [meeting, claim, ...rest] = await t.runtime.store.readStream(`occurrence-${meetingId}`);
    expect({ claim: claim.type, rest: rest.map((event) => event.type) }).toEqual({ claim: 'ClaimRecorded', rest: [] });
    const listed = (await get('/v1/occurrences', { asOf: '2021-09-30', kind: 'meeting' })).items.find(
      (item: { occurrenceId: string }) => item.occurrenceId === meetingId,
    );
    // The latest published source is the article's: the meeting stays on the 10th, Belsat's 9th beside it.
    expect(listed.validFrom.slice(0, 10)).toBe('2021-09-10');
    const { claims } = listed.sources.effectiveAt;
    expect(claims.why).toBe('latest_published');
    expect(claims.claims).toEqual([
      expect.objectContaining({ value: '2021-09-09', current: false, quoted: false, source: expect.objectContaining({ publisher: 'Belsat', paraphrase: 'Presidents meet in Moscow' }) }),
      expect.objectContaining({ value: '2021-09-10', current: true, quoted: true, source: expect.objectContaining({ quote: expect.stringContaining('on September 10') }) }),
    ]);
    // Reported by 9 September: Belsat alone had dated it, so the meeting is on the 9th.
    const early = (await get('/v1/occurrences', { asOf: '2021-09-30', kind: 'meeting', reportedBy: '2021-09-09' })).items.find(
      (item: { occurrenceId: string }) => item.occurrenceId === meetingId,
    );
    expect(early.validFrom.slice(0, 10)).toBe('2021-09-09');
    expect(early.sources.effectiveAt.claims.claims.map((item: { value: string }) => item.value)).toEqual(['2021-09-09']);
    // Nothing reads as a correction: the timeline row cites the article and keeps it as its original source.
    const entry = (await get('/v1/timeline', { from: '2021-09-10', to: '2021-09-10', type: 'OccurrenceRecorded' })).items.find(
      (item: { streamId: string }) => item.streamId === `occurrence-${meetingId}`,
    );
    expect({ source: entry.source, original: entry.originalSource }).toEqual({ source: meeting.source, original: meeting.source });
    expect(entry.claims.effectiveAt.claims.map((item: { value: string }) => item.value)).toEqual(['2021-09-09', '2021-09-10']);
  });

  it('stores only events whose data matches the published schema of their type', async () => {
    const events = await t.runtime.store.readAll({ after: '0', limit: 10_000 });
    expect(events.length).toBeGreaterThan(80);
    for (const event of events) {
      expect({ type: event.type, problems: validateEventData(event.type, event.data, event.schemaVersion) }).toEqual({ type: event.type, problems: [] });
      expect({ id: event.id, problems: validateSource(event.source) }).toEqual({ id: event.id, problems: [] });
    }
    const schema = (await http().get('/v1/schemas/CommitmentRecorded').expect(200)).body;
    expect(schema).toMatchObject({ $id: '/v1/schemas/CommitmentRecorded?version=1', required: expect.arrayContaining(['terms']) });
    await http().get('/v1/schemas/NoSuchEvent').expect(404);
  });

  it('agrees with itself: for every seeded commitment the history, the axes, the ledger and the exports tell the same', async () => {
    const asOf = '2022-06-30';
    const list = await get('/v1/commitments', { asOf });
    const csv = await http().get('/v1/commitments').query({ asOf, minPosition: head }).set('Accept', 'text/csv').expect(200);
    const exported = parseCsv<Record<string, string>>(csv.text, { columns: true });
    expect(exported.map((row) => row.id)).toEqual(list.items.map((item: { id: string }) => item.id));
    const sums = new Map<string, { pledged: bigint; disbursed: bigint }>();
    for (const item of list.items) {
      const { versions } = await get(`/v1/commitments/${item.id}/history`);
      const events = await t.runtime.store.readStream(`commitment-${item.id}`);
      expect(versions.map((version: { eventId: string }) => version.eventId)).toEqual(events.map((event) => event.id));
      for (const version of versions) expect(`${version.source.quote ?? ''}${version.source.paraphrase ?? ''}`.length).toBeGreaterThan(0);
      const replayed = applyFieldChanges({}, versions.flatMap((version: { changes: FieldChange[] }) => version.changes)) as Record<string, unknown>;
      const current = (await http().get(`/v1/commitments/${item.id}`).expect(200)).body;
      // The history shows the recorded status; the current view lapses an open one whose validity has ended.
      const status = current.lapsedAt ? replayed.status : current.status;
      if (current.lapsedAt) expect(['requested', 'pledged']).toContain(replayed.status);
      expect({ status: replayed.status, terms: replayed.terms, disbursed: replayed.disbursed }).toEqual({ status, terms: current.terms, disbursed: current.disbursed });
      const axes = await get(`/v1/commitments/${item.id}/axes`);
      expect(axes.knowledge.flatMap((entry: { eventIds: string[] }) => entry.eventIds).sort()).toEqual(events.map((event) => event.id).sort());
      if (item.currency && item.kind !== 'price') {
        const key = `${item.by}|${item.to}|${item.kind}|${item.currency}`;
        const sum = sums.get(key) ?? { pledged: 0n, disbursed: 0n };
        if (['pledged', 'fulfilled', 'broken'].includes(item.status) && item.pledged) sum.pledged += BigInt(item.pledged);
        sum.disbursed += BigInt(item.disbursed ?? 0);
        sums.set(key, sum);
      }
    }
    const ledger = await get('/v1/ledger', { asOf });
    for (const row of ledger.rows) {
      const sum = sums.get(`${row.by}|${row.to}|${row.kind}|${row.currency}`)!;
      expect({ pledged: row.pledged, disbursed: row.disbursed }).toEqual({ pledged: String(sum.pledged), disbursed: String(sum.disbursed) });
    }
    expect(ledger.rows.length).toBe(sums.size);
  });

  it('shows a commitment whose validity has ended as lapsed: not open, not outstanding, not an agreed price, out of the ledger', async () => {
    const gas2020 = seedEntityId('gas-price-2020');
    const loan = seedEntityId('loan-600m');
    const sochi = seedEntityId('credit-1-5bn-sochi');
    const inForce = await get(`/v1/commitments/${gas2020}`, { asOf: '2020-12-31' });
    expect(inForce).toMatchObject({ kind: 'price', status: 'pledged', lapsedAt: null });
    const lapsed = await get(`/v1/commitments/${gas2020}`, { asOf: '2021-10-01' });
    expect(lapsed).toMatchObject({ status: 'lapsed', lapsedAt: '2021-01-01T00:00:00.000Z' });
    // A price is a rate, not a sum: nothing disbursed or outstanding on it, in force or not.
    for (const answer of [inForce, lapsed]) {
      expect(answer).not.toHaveProperty('disbursed');
      expect(answer).not.toHaveProperty('outstanding');
    }
    expect(lapsed.sources.status).toEqual(lapsed.sources['terms.validUntil']);

    // The loan available until the end of 2022: pledged through the close of 2022, lapsed after.
    expect(await get(`/v1/commitments/${loan}`, { asOf: '2022-12-31' })).toMatchObject({ status: 'pledged', outstanding: '600000000' });
    expect(await get(`/v1/commitments/${loan}`, { asOf: '2023-01-01' })).toMatchObject({ status: 'lapsed', outstanding: null, lapsedAt: '2023-01-01T00:00:00.000Z' });

    const mid2023 = await get('/v1/commitments', { asOf: '2023-06-30', party: 'BY', status: 'pledged' });
    for (const id of [gas2020, loan, sochi]) expect(ids(mid2023.items)).not.toContain(id);
    const all2023 = await get('/v1/commitments', { asOf: '2023-06-30', party: 'BY', limit: '1000' });
    for (const item of all2023.items) {
      const end = item.terms.validUntil;
      if (end && item.lapsedAt) expect(item.status).toBe('lapsed');
      if (['requested', 'pledged'].includes(item.status) && end) expect(Date.parse(item.lapsedAt ?? '9999-01-01')).toBeGreaterThan(Date.parse('2023-06-30'));
    }
    const state = await wholeState(get, { asOf: '2023-06-30' });
    const agreedPrices = state.commitments.filter((c: { kind: string; status: string }) => c.kind === 'price' && c.status === 'pledged');
    expect(ids(agreedPrices)).not.toContain(gas2020);
    expect(state.commitments.find((c: { id: string }) => c.id === loan)).toMatchObject({ status: 'lapsed', outstanding: null });

    // The ledger counts only what is pledged (or was fulfilled or broken), and owes only what is still pledged.
    const ledger = await get('/v1/ledger', { asOf: '2023-06-30', by: 'RU', to: 'BY' });
    const money = all2023.items.filter((item: { by: string; to: string; kind: string; currency: string | null }) => item.by === 'RU' && item.to === 'BY' && item.kind !== 'price' && item.currency);
    for (const row of ledger.rows) {
      const mine = money.filter((item: { kind: string; currency: string }) => item.kind === row.kind && item.currency === row.currency);
      const sum = (list: { pledged: string | null }[], value: (item: { pledged: string | null; disbursed: string }) => bigint) => String(list.reduce((total, item) => total + value(item as never), 0n));
      expect(row.pledged).toBe(sum(mine.filter((item: { status: string }) => ['pledged', 'fulfilled', 'broken'].includes(item.status)), (item) => BigInt(item.pledged ?? 0)));
      expect(row.outstanding).toBe(sum(mine.filter((item: { status: string }) => item.status === 'pledged'), (item) => BigInt(item.pledged ?? 0) - BigInt(item.disbursed)));
    }
    const loans = ledger.rows.find((row: { kind: string; currency: string }) => row.kind === 'loan' && row.currency === 'USD');
    if (loans) expect(BigInt(loans.outstanding)).toBeLessThan(630_000_000n);
    // Nothing is outstanding on what was never pledged: a demand, a request withdrawn or rejected.
    for (const item of all2023.items) {
      if (!['pledged', 'fulfilled', 'broken'].includes(item.status)) expect({ id: item.id, status: item.status, outstanding: item.outstanding ?? null }).toEqual({ id: item.id, status: item.status, outstanding: null });
    }
  });

  it('owes nothing on the loan Minsk asked for in 2019 and withdrew', async () => {
    const request = seedEntityId('loan-2019-request');
    expect(await get(`/v1/commitments/${request}`, { asOf: '2023-06-30' })).toMatchObject({ status: 'withdrawn', outstanding: null });
  });

  it('counts a fact dated in a month as certain once the month has closed', async () => {
    const loan = seedEntityId('loan-600m');
    const [record] = await t.runtime.store.readStream(`commitment-${loan}`);
    expect(record.effectiveAt.precision).toBe('month');
    const month = record.effectiveAt.at.slice(0, 7);
    const lastDay = new Date(Date.parse(effectiveEnd(record.effectiveAt)) - 86_400_000).toISOString().slice(0, 10);
    const during = await get(`/v1/commitments/${loan}`, { asOf: `${month}-15` });
    expect(during.uncertain.map((fact: { eventId: string }) => fact.eventId)).toContain(record.id);
    const closed = await get(`/v1/commitments/${loan}`, { asOf: lastDay });
    expect(closed.uncertain.map((fact: { eventId: string }) => fact.eventId)).not.toContain(record.id);
    const wholeMonth = await get(`/v1/commitments/${loan}`, { asOf: month });
    expect(wholeMonth.uncertain.map((fact: { eventId: string }) => fact.eventId)).not.toContain(record.id);
    const listed = await get('/v1/commitments', { asOf: lastDay, party: 'BY' });
    expect(listed.items.find((item: { id: string }) => item.id === loan).uncertain).toEqual(closed.uncertain);
  });

  it('sets every current value beside the source that says it, and keeps the original source in the history', async () => {
    const loan = seedEntityId('loan-600m');
    const [record, ...rest] = await t.runtime.store.readStream(`commitment-${loan}`);
    // Belsat's about $630m is a competing claim beside the article's $600m; neither corrects the other.
    expect(rest.filter((event) => event.type === 'EventCorrected')).toEqual([]);
    const correction = rest.find((event) => event.type === 'ClaimRecorded' && (event.data as { field?: string }).field === 'terms.amount')!;
    const amount = (record.data as { terms: { amount: string } }).terms.amount;
    const one = await get(`/v1/commitments/${loan}`, { asOf: '2021-09-30' });
    const cited = one.sources['terms.amount'];
    expect(cited).toMatchObject({ eventId: record.id, type: 'CommitmentRecorded', source: record.source });
    expect(cited.claims).toMatchObject({ field: 'terms.amount', current: record.id, why: 'latest_published' });
    expect(cited.claims.claims.map((claim: { value: string; source: { title: string }; current: boolean; quoted: boolean }) => [claim.value, claim.source.title, claim.current, claim.quoted])).toEqual([
      ['630000000', correction.source.title, false, false],
      ['600000000', record.source.title, true, true],
    ]);
    expect(one.pledged).toBe(amount);
    expect(one.sources.title.eventId).toBe(record.id);
    const listed = await get('/v1/commitments', { asOf: '2021-09-30', party: 'BY' });
    expect(listed.items.find((item: { id: string }) => item.id === loan).sources['terms.amount']).toEqual(cited);
    const state = await wholeState(get, { asOf: '2021-09-30' });
    expect(state.commitments.find((item: { id: string }) => item.id === loan).sources['terms.amount']).toEqual(cited);
    const recorded = (await http().get(`/v1/commitments/${loan}`).expect(200)).body;
    expect(recorded.sources['terms.amount']).toEqual(cited);
    const csv = await http().get('/v1/commitments').query({ asOf: '2021-09-30', party: 'BY', minPosition: head }).set('Accept', 'text/csv').expect(200);
    const row = (parseCsv<Record<string, string>>(csv.text, { columns: true })).find((item) => item.id === loan)!;
    expect(row.amountSource).toContain(record.source.title);
    expect(row.sources).toContain(`terms.amount=${record.id}`);
    expect(row.claims).toContain('"630000000" (Belsat');
    expect(row.claims).toContain('"600000000" (' + record.source.title);
    // The history keeps the record with its own source and quote.
    const { versions } = await get(`/v1/commitments/${loan}/history`);
    expect(versions[0]).toMatchObject({ eventId: record.id, source: record.source });

    // Shared air defense: its start was corrected from other reporting; the timeline row cites that report.
    const trackId = seedEntityId('shared-air-defense');
    const [track, ...later] = await t.runtime.store.readStream(`track-${trackId}`);
    const moved = later.find((event) => event.type === 'EventCorrected')!;
    const timeline = await get('/v1/timeline', { from: '1999-12', to: '2000', type: 'TrackOpened' });
    const entry = timeline.items.find((item: { streamId: string }) => item.streamId === `track-${trackId}`);
    expect(entry.effectiveAt.at).toBe('1999-12-08T00:00:00.000Z');
    expect(entry.source).toEqual(moved.source);
    expect(entry.originalSource).toEqual(track.source);
    expect(entry.sources.effectiveAt.eventId).toBe(moved.id);
    const exported = await http().get('/v1/timeline').query({ from: '1999-12', to: '2000', type: 'TrackOpened', minPosition: head }).set('Accept', 'text/csv').expect(200);
    const line = (parseCsv<Record<string, string>>(exported.text, { columns: true })).find((item) => item.eventId === track.id)!;
    expect({ title: line.sourceTitle, paraphrase: line.paraphrase, original: line.originalQuote }).toEqual({
      title: moved.source.title,
      paraphrase: moved.source.paraphrase,
      original: track.source.quote,
    });
    // Found by the words of the report that corrected it, once the correction is known.
    const word = moved.source.paraphrase!.split(' ').find((token) => token.startsWith('Baranovichi'))!;
    const searched = await get('/v1/timeline', { type: 'TrackOpened', q: word });
    expect(searched.items.map((item: { eventId: string }) => item.eventId)).toContain(track.id);
    const searchedBefore = await get('/v1/timeline', { type: 'TrackOpened', q: word, knownAt: new Date(Date.parse(moved.recordedAt) - 1).toISOString() });
    expect(searchedBefore.items.map((item: { eventId: string }) => item.eventId)).not.toContain(track.id);
    const tracks = await get('/v1/tracks', { asOf: '2021-09-30' });
    const listedTrack = tracks.items.find((item: { trackId: string }) => item.trackId === trackId);
    expect(listedTrack.sources.effectiveAt.eventId).toBe(moved.id);
    expect(listedTrack.sources.title.eventId).toBe(track.id);
    // Before the correction was known, the row cited the article alone.
    const believedBefore = new Date(Date.parse(moved.recordedAt) - 1).toISOString();
    const earlier = await get('/v1/timeline', { from: '2008', to: '2008', type: 'TrackOpened', knownAt: believedBefore });
    const old = earlier.items.find((item: { streamId: string }) => item.streamId === `track-${trackId}`);
    expect({ source: old.source, sources: old.sources }).toEqual({ source: track.source, sources: {} });
  });

  it('shows the loan with the article\'s $600m and Belsat\'s about $630m side by side, the current one marked and why', async () => {
    const loan = seedEntityId('loan-600m');
    const answer = await get(`/v1/commitments/${loan}`, { asOf: '2021-09-30' });
    expect(answer.pledged).toBe('600000000');
    const { claims } = answer.sources['terms.amount'];
    expect(claims.why).toBe('latest_published');
    expect(claims.claims).toEqual([
      expect.objectContaining({ value: '630000000', current: false, quoted: false, publishedAt: '2021-09-09/2021-09-16', publishedAtEstimated: true, source: expect.objectContaining({ publisher: 'Belsat', paraphrase: 'about $630m in loans to end-2022' }) }),
      expect.objectContaining({ value: '600000000', current: true, quoted: true, publishedAt: '2021-09-10/2021-09-30', publishedAtEstimated: true, source: expect.objectContaining({ quote: expect.stringContaining('$600m loan') }) }),
    ]);
    // The timeline row of the loan carries the same claims; nothing reads as a correction.
    const timeline = await get('/v1/timeline', { from: '2021-09', to: '2021-09', type: 'CommitmentRecorded' });
    const row = timeline.items.find((item: { streamId: string }) => item.streamId === `commitment-${loan}`);
    expect(row.claims['data.terms.amount'].claims.map((claim: { value: string }) => claim.value)).toEqual(['630000000', '600000000']);
    expect(row.sources).toEqual({});
    expect(row.source).toEqual(row.originalSource);
  });

  it('tells what had been reported about the loan by 8 September 2021, and by 30 September', async () => {
    const loan = seedEntityId('loan-600m');
    // By 8 September no source of the 2021 loan had appeared: Belsat from the 9th, the article from the 10th.
    await http().get(`/v1/commitments/${loan}`).query({ asOf: '2021-09-30', reportedBy: '2021-09-08', minPosition: head }).expect(404);
    const early = await get('/v1/commitments', { asOf: '2021-09-30', party: 'BY', reportedBy: '2021-09-08' });
    expect(early.reportedBy).toBe('2021-09-08T23:59:59.999Z');
    expect(ids(early.items)).not.toContain(loan);
    expect(ids(early.items)).toContain(seedEntityId('credit-1-5bn-sochi'));
    // When did the $630m first appear: with Belsat, from 9 September; then it is the only claim.
    const ninth = await get(`/v1/commitments/${loan}`, { asOf: '2021-09-30', reportedBy: '2021-09-09' });
    expect(ninth.pledged).toBe('630000000');
    expect(ninth.sources['terms.amount'].claims.claims.map((claim: { value: string }) => claim.value)).toEqual(['630000000']);
    // By 30 September both, the article's the latest published and current.
    const late = await get(`/v1/commitments/${loan}`, { asOf: '2021-09-30', reportedBy: '2021-09-30' });
    expect(late.pledged).toBe('600000000');
    expect(late.sources['terms.amount'].claims.claims.map((claim: { value: string }) => claim.value)).toEqual(['630000000', '600000000']);
    // Every read takes it: the state, the ledger, the timeline.
    const state = await wholeState(get, { asOf: '2021-09-30', reportedBy: '2021-09-08' });
    expect(ids(state.commitments)).not.toContain(loan);
    const ledger = await get('/v1/ledger', { asOf: '2021-09-30', by: 'RU', to: 'BY', reportedBy: '2021-09-08' });
    const full = await get('/v1/ledger', { asOf: '2021-09-30', by: 'RU', to: 'BY', reportedBy: '2021-09-30' });
    const usdLoans = (rows: { kind: string; currency: string; pledged: string }[]) => BigInt(rows.find((row) => row.kind === 'loan' && row.currency === 'USD')?.pledged ?? '0');
    expect(usdLoans(full.rows) - usdLoans(ledger.rows)).toBe(600_000_000n);
    const rows = async (reportedBy: string) =>
      (await get('/v1/timeline', { from: '2021-09', to: '2021-09', type: 'CommitmentRecorded', reportedBy })).items.map((item: { streamId: string }) => item.streamId);
    expect(await rows('2021-09-08')).not.toContain(`commitment-${loan}`);
    expect(await rows('2021-09-30')).toContain(`commitment-${loan}`);
    // A reportedBy that is no date is refused, naming it.
    const bad = await http().get('/v1/commitments').query({ reportedBy: 'last week' }).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'reportedBy' })]);
  });

  it('holds the Su-30SM jets as one deployment on 20 September 2021, with both its sources', async () => {
    const deployments = await get('/v1/deployments', { asOf: '2021-09-20' });
    const jets = deployments.items.filter((item: { asset: string }) => /su-30sm/i.test(item.asset));
    expect(jets.map((item: { deploymentId: string }) => item.deploymentId)).toEqual([seedEntityId('su30sm-deployment')]);
    const [one] = jets;
    expect(one.sources.asset.corroboratedBy.map((other: { source: { title: string } }) => other.source.title)).toEqual(['Su-30SM jets arrive at Baranovichi']);
    expect(one.sources.effectiveAt.claims.claims.map((claim: { value: string; current: boolean }) => [claim.value, claim.current])).toEqual([
      ['2021-09-08', false],
      ['2021/2021-09', true],
    ]);
    // Reported by 8 September through TASS and Belsat, before the article appeared.
    const reported = await get('/v1/deployments', { asOf: '2021-09-20', reportedBy: '2021-09-08' });
    expect(reported.items.map((item: { deploymentId: string }) => item.deploymentId)).toContain(seedEntityId('su30sm-deployment'));
    // One Zapad-21 exercise, with its dates from TASS and Belsat as a claim beside the article's month.
    const occurrences = await get('/v1/occurrences', { asOf: '2021-09-20' });
    const exercises = occurrences.items.filter((item: { kind: string; title: string }) => item.kind === 'exercise' && /zapad/i.test(item.title));
    expect(exercises.map((item: { occurrenceId: string }) => item.occurrenceId)).toEqual([seedEntityId('zapad-21')]);
  });

  it('holds one pledge to keep the gas price at 128.5, confirmed by Belsat, and the 2021 price no longer extended by the same report', async () => {
    const pledge = await get(`/v1/commitments/${seedEntityId('gas-price-pledge-128-50')}`, { asOf: '2021-09-20' });
    expect(pledge.sources['terms.amount'].corroboratedBy.map((other: { source: { publisher: string } }) => other.source.publisher)).toEqual(['Belsat']);
    const in2021 = await get(`/v1/commitments/${seedEntityId('gas-price-2021')}`, { asOf: '2021-09-20' });
    expect(in2021.terms.validUntil).toBe('2021');
    const state = await wholeState(get, { asOf: '2022-06-30' });
    const prices = state.commitments.filter((item: { kind: string; status: string; pledged: string }) => item.kind === 'price' && item.status === 'pledged' && item.pledged === '128.5');
    expect(prices.map((item: { id: string }) => item.id)).toEqual([seedEntityId('gas-price-pledge-128-50')]);
  });

  it('traces every answer to a source that says when it was published, quoted in its words or paraphrased, never both confused', async () => {
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await get('/v1/timeline', { limit: '50', ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        expect(item.source.title).toEqual(expect.any(String));
        expect(item.source.publishedAt).toEqual(expect.any(String));
        expect(`${item.source.quote ?? ''}${item.source.paraphrase ?? ''}`.length).toBeGreaterThan(0);
        // The article is quoted word for word; other reporting is known only in our words. A row
        // corrected from other reporting cites that report, and the article as its original source.
        const original = item.originalSource ?? item.source;
        if (item.actor === 'seed:belarus-russia-2021') expect(original).toMatchObject({ quote: expect.any(String), publishedAtEstimated: true });
        else expect(original.quote).toBeUndefined();
        if (item.source.title !== original.title) expect(item.source.quote).toBeUndefined();
      }
      seen += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toBeGreaterThan(60);
  });
});
