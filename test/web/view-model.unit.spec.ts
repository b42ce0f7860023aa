import { fieldRows, measureAfter } from '../../apps/web/src/fields';
import { compactAmount, formatAmount, formatEffective, formatPartialDate, groupDigits, textOf } from '../../apps/web/src/format';
import { loadedState, stateSections, withNextPage } from '../../apps/web/src/state-sections';
import { timelineItems } from '../../apps/web/src/timeline-items';
import type { Claim, Commitment, State, StateAnswer, TimelineEntry } from '../../apps/web/src/types';
import { parseView, serializeView } from '../../apps/web/src/view-state';

describe('the view in the URL', () => {
  it('reads what a shared URL says and writes it back the same', () => {
    const search =
      '?asOf=2021-10-01&knownAt=2026-01-01T12:00:00Z&reportedBy=2021-09-30&party=BY,RU&type=CommitmentRecorded,TrackDeadlineSet&q=gas+price&group=party&commitment=f2d7ac0b-f151-54fd-8b4e-71bc42f0cd0e' +
      '&panel=compare&from=2021-03-31&to=2021-10-01&fromKnownAt=2021-10-01T00:00:00Z';
    const view = parseView(search);
    expect(view).toEqual({
      asOf: '2021-10-01',
      knownAt: '2026-01-01T12:00:00Z',
      reportedBy: '2021-09-30',
      parties: ['BY', 'RU'],
      types: ['CommitmentRecorded', 'TrackDeadlineSet'],
      q: 'gas price',
      group: 'party',
      commitment: 'f2d7ac0b-f151-54fd-8b4e-71bc42f0cd0e',
      panel: 'compare',
      compare: { from: '2021-03-31', to: '2021-10-01', fromKnownAt: '2021-10-01T00:00:00Z' },
    });
    expect(parseView(serializeView(view))).toEqual(view);
    expect(serializeView(view)).toContain('&reportedBy=2021-09-30&party=BY,RU&');
  });

  it('drops values that cannot be right instead of guessing', () => {
    expect(
      parseView(
        '?asOf=October&reportedBy=last%20week&party=<script>&type=drop%20table&group=nonsense&commitment=..%2F..&panel=x&from=May&toKnownAt=later',
      ),
    ).toEqual({
      parties: [],
      types: [],
      group: 'kind',
      panel: 'state',
      compare: {},
    });
  });

  it('leaves defaults out of the URL', () => {
    expect(serializeView({ parties: [], types: [], group: 'kind', panel: 'state', compare: {} })).toBe('');
    expect(serializeView({ asOf: '2021-03-31', parties: [], types: [], group: 'kind', panel: 'state', compare: {} })).toBe(
      '?asOf=2021-03-31',
    );
    expect(serializeView({ parties: [], types: [], group: 'kind', panel: 'chart', compare: {} })).toBe('?panel=chart');
  });
});

describe('dates and amounts as a reader writes them', () => {
  it('names untyped event data as text by its type, never "[object Object]"', () => {
    expect(textOf(undefined, null, 'Loan')).toBe('Loan');
    expect(textOf(630, 'x')).toBe('630');
    expect(textOf(false)).toBe('false');
    expect(textOf({ title: 'x' })).toBe('{"title":"x"}');
    expect(textOf(['a', 'b'])).toBe('["a","b"]');
    expect(textOf(undefined, null)).toBe('');
  });

  it('keeps the precision of a date', () => {
    expect(formatEffective({ at: '2021-09-01T00:00:00.000Z', precision: 'month' })).toBe('Sep 2021');
    expect(formatEffective({ at: '2021-01-01T00:00:00.000Z', precision: 'year' })).toBe('2021');
    expect(formatEffective({ at: '2021-09-09T00:00:00.000Z', precision: 'day' })).toBe('9 Sep 2021');
    expect(formatEffective({ at: '2021-09-01T00:00:00.000Z', precision: 'range', until: '2021-11-01T00:00:00.000Z' })).toBe(
      'Sep 2021 – Oct 2021',
    );
    expect(formatPartialDate('2022-07')).toBe('Jul 2022');
  });

  it('groups digits of decimal strings without floating point, and always names the currency or unit', () => {
    expect(groupDigits('12345678901234567890.05')).toBe('12,345,678,901,234,567,890.05');
    expect(formatAmount('630000000', 'USD')).toBe('630,000,000 USD');
    expect(formatAmount('128.5', 'USD', 'USD per 1000 m3')).toBe('128.5 USD per 1000 m³');
    expect(formatAmount(null, 'USD')).toBe('–');
    expect(compactAmount('630000000', 'USD')).toBe('$630m');
    expect(compactAmount('1500000000', 'USD')).toBe('$1.5bn');
    expect(compactAmount('-30000000', 'USD')).toBe('-$30m');
    expect(compactAmount('2000000000', 'RUB')).toBe('2bn RUB');
    expect(compactAmount('250000', 'EUR')).toBe('€250,000');
    expect(compactAmount('127', 'USD', 'USD per 1000 m3')).toBe('127 USD per 1000 m³');
  });
});

const entry = (over: Partial<TimelineEntry> & Pick<TimelineEntry, 'eventId' | 'type' | 'streamId' | 'streamType'>): TimelineEntry => ({
  position: '1',
  streamVersion: 1,
  effectiveAt: { at: '2021-09-09T00:00:00.000Z', precision: 'day', until: '2021-09-10T00:00:00.000Z' },
  recordedAt: '2026-01-01T00:00:00.000Z',
  knownSince: '2026-01-01T00:00:00.000Z',
  actor: 'seed',
  confidence: 'reported',
  source: { title: 'A made-up test source', publisher: 'Test Wire', quote: 'a quote' },
  originalSource: { title: 'A made-up test source', publisher: 'Test Wire', quote: 'a quote' },
  sources: {},
  parties: ['BY', 'RU'],
  data: {},
  ...over,
});

describe('what the timeline draws', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const loan = entry({
    eventId: 'e1',
    type: 'CommitmentRecorded',
    streamId: 'commitment-1',
    streamType: 'commitment',
    effectiveAt: { at: '2021-09-01T00:00:00.000Z', precision: 'month', until: '2021-10-01T00:00:00.000Z' },
    data: { title: 'Loan', by: 'RU', to: 'BY', status: 'pledged', terms: { validUntil: '2022-12' } },
  });
  const withdrawn = entry({
    eventId: 'e2',
    type: 'CommitmentStatusChanged',
    streamId: 'commitment-1',
    streamType: 'commitment',
    effectiveAt: { at: '2022-03-01T00:00:00.000Z', precision: 'day' },
    data: { status: 'withdrawn' },
  });
  const deployment = entry({
    eventId: 'e3',
    type: 'DeploymentStarted',
    streamId: 'deployment-1',
    streamType: 'deployment',
    parties: ['BY', 'RU'],
    data: { asset: 'S-400', place: 'Grodno' },
  });
  const deadline = entry({
    eventId: 'e4',
    type: 'TrackDeadlineSet',
    streamId: 'track-1',
    streamType: 'track',
    data: { due: '2022-07', description: 'Gas market' },
  });
  const meeting = entry({
    eventId: 'e5',
    type: 'OccurrenceRecorded',
    streamId: 'occurrence-1',
    streamType: 'occurrence',
    effectiveAt: { at: '2021-01-01T00:00:00.000Z', precision: 'year', until: '2022-01-01T00:00:00.000Z' },
    data: { title: 'Talks' },
  });
  const party = entry({ eventId: 'e6', type: 'PartyRegistered', streamId: 'party-BY', streamType: 'party', data: { name: 'Belarus' } });

  it('draws a commitment as a duration to its closing status, else to the end of its validity, else open to now', () => {
    const closed = timelineItems([loan, withdrawn], 'kind', now).items.find((item) => item.id === 'e1')!;
    expect(closed).toMatchObject({
      type: 'range',
      start: '2021-09-01T00:00:00.000Z',
      end: '2022-03-01T00:00:00.000Z',
      group: 'commitment',
    });
    expect(closed.classNames).toEqual(expect.arrayContaining(['duration', 'uncertain-start', 'status-pledged']));
    expect(timelineItems([loan], 'kind', now).items[0].end).toBe('2023-01-01T00:00:00.000Z');
    const open = timelineItems([deployment], 'kind', now).items[0];
    expect(open).toMatchObject({ end: now.toISOString(), label: 'S-400 — Grodno' });
    expect(open.classNames).toContain('open-ended');
  });

  it('ends a commitment at a status change as the API gives it (to), or where an amended validity ends, when it lapses', () => {
    const fulfilled = entry({
      eventId: 'e7',
      type: 'CommitmentStatusChanged',
      streamId: 'commitment-1',
      streamType: 'commitment',
      effectiveAt: { at: '2022-05-01T00:00:00.000Z', precision: 'day' },
      data: { from: 'pledged', to: 'fulfilled' },
    });
    expect(timelineItems([loan, fulfilled], 'kind', now).items.find((item) => item.id === 'e1')!.end).toBe('2022-05-01T00:00:00.000Z');
    expect(timelineItems([loan, fulfilled], 'kind', now).items.find((item) => item.id === 'e7')!.label).toBe('→ fulfilled');
    const extended = entry({
      eventId: 'e8',
      type: 'CommitmentTermsAmended',
      streamId: 'commitment-1',
      streamType: 'commitment',
      data: { changes: { validUntil: '2023-06' } },
    });
    expect(timelineItems([loan, extended], 'kind', now).items.find((item) => item.id === 'e1')!.end).toBe('2023-07-01T00:00:00.000Z');
    const unlimited = entry({
      eventId: 'e9',
      type: 'CommitmentTermsAmended',
      streamId: 'commitment-1',
      streamType: 'commitment',
      data: { changes: { validUntil: null } },
    });
    expect(timelineItems([loan, unlimited], 'kind', now).items.find((item) => item.id === 'e1')!.end).toBe(now.toISOString());
  });

  it('cites the correcting source in the tooltip of a corrected row, and the first one beside it', () => {
    const corrected = entry({
      ...meeting,
      source: { title: 'Follow-up', publisher: 'Other Wire', quote: 'met on the 9th' },
      originalSource: { title: 'Article', publisher: 'Reuters', quote: 'a quote' },
    });
    const [item] = timelineItems([corrected], 'kind', now).items;
    expect(item.tooltip).toContain('Source: Other Wire: Follow-up');
    expect(item.tooltip).toContain('“met on the 9th”');
    expect(item.tooltip).toContain('Corrected; first recorded from Reuters: Article');
    expect(timelineItems([meeting], 'kind', now).items[0].tooltip).not.toContain('Corrected');
  });

  it('marks a row whose sources disagree, and lists the claims and the confirming sources in its tooltip', () => {
    // Made-up claims, in the shape the API gives them.
    const claim = (value: string, publisher: string, current: boolean): Claim => ({
      claimId: value,
      value,
      source: { publisher, title: 't' },
      confidence: 'reported',
      quoted: false,
      publishedAt: null,
      publishedAtEstimated: false,
      recordedAt: '2026-01-01T00:00:00Z',
      current,
    });
    const disputed = entry({
      ...loan,
      data: { ...loan.data, terms: { validUntil: '2022-12', amount: '600000000', currency: 'USD' } },
      claims: {
        'data.terms.amount': {
          field: 'terms.amount',
          current: '2',
          why: 'latest_published',
          reason: 'the latest published',
          choiceId: null,
          claims: [claim('630000000', 'Wire A', false), claim('600000000', 'Wire B', true)],
        },
      },
      corroboratedBy: [
        {
          eventId: 'c1',
          type: 'SourceCorroborated',
          source: { title: 't', publisher: 'Wire C' },
          confidence: 'confirmed',
          recordedAt: '2026-01-01T00:00:00Z',
        },
      ],
    });
    const [item] = timelineItems([disputed], 'kind', now).items;
    expect(item.classNames).toContain('disputed');
    expect(item.tooltip).toContain('2 sources disagree on amount: $630m (Wire A); $600m (Wire B, current)');
    expect(item.tooltip).toContain('Also reported by Wire C');
    expect(timelineItems([loan], 'kind', now).items[0].classNames).not.toContain('disputed');
  });

  it('draws a date known to the month or year as a hatched span over the whole period, and a deadline where it falls', () => {
    const [talks] = timelineItems([meeting], 'kind', now).items;
    expect(talks).toMatchObject({ type: 'range', start: '2021-01-01T00:00:00.000Z', end: '2022-01-01T00:00:00.000Z' });
    expect(talks.classNames).toContain('uncertain');
    const [due] = timelineItems([deadline], 'kind', now).items;
    expect(due).toMatchObject({
      type: 'range',
      start: '2022-07-01T00:00:00.000Z',
      end: '2022-08-01T00:00:00.000Z',
      label: 'Due: Gas market',
    });
    expect(due.tooltip).toMatch(/^Deadline Jul 2022/);
  });

  it('shows a quote in quotation marks and a paraphrase labelled as one, never in quotation marks', () => {
    const quoted = timelineItems([loan], 'kind', now).items[0].tooltip;
    expect(quoted).toContain('“a quote”');
    const paraphrased = entry({
      eventId: 'e7',
      type: 'DeploymentStarted',
      streamId: 'deployment-2',
      streamType: 'deployment',
      source: { title: 'Su-30SM jets arrive at Baranovichi', publisher: 'TASS; Belsat', paraphrase: 'Su-30SM jets arrive at Baranovichi' },
      data: { asset: 'Su-30SM jets', place: 'Baranovichi' },
    });
    const tooltip = timelineItems([paraphrased], 'kind', now).items[0].tooltip;
    expect(tooltip).toContain('Paraphrase: Su-30SM jets arrive at Baranovichi');
    expect(tooltip).not.toMatch(/[“”"]/);
  });

  it('groups by kind of record or by the parties involved, and leaves party registrations off the line', () => {
    const byKind = timelineItems([loan, deployment, meeting, party], 'kind', now);
    expect(byKind.groups.map((group) => group.label)).toEqual(['Commitments', 'Deployments', 'Meetings, statements']);
    expect(byKind.items.map((item) => item.id)).not.toContain('e6');
    const byParty = timelineItems([loan, { ...meeting, parties: ['RU'] }], 'party', now);
    expect(byParty.groups.map((group) => group.id)).toEqual(['BY · RU', 'RU']);
  });
});

describe('the state panel', () => {
  const commitment = (over: Partial<Commitment>): Commitment => ({
    id: 'c',
    version: 1,
    kind: 'loan',
    title: 'Loan',
    by: 'RU',
    to: 'BY',
    status: 'pledged',
    lapsedAt: null,
    terms: {},
    currency: 'USD',
    unit: null,
    pledged: '100',
    disbursed: '0',
    outstanding: '100',
    uncertain: [],
    sources: {},
    ...over,
  });
  const state = (commitments: Commitment[]): State => ({
    asOf: '2021-10-01T23:59:59.999Z',
    knownAt: '2026-01-01T00:00:00.000Z',
    parties: [],
    tracks: [
      {
        trackId: 't',
        title: 'Gas market',
        kind: 'program',
        area: 'energy',
        description: null,
        status: 'signed',
        parties: ['BY', 'RU'],
        deadlines: [],
        uncertain: [],
        sources: {},
      },
    ],
    commitments,
    deployments: [],
    uncertain: false,
    totals: { parties: 0, tracks: 1, commitments: commitments.length, deployments: 0 },
    next: { parties: null, tracks: null, commitments: null, deployments: null },
  });

  it('sorts commitments into pledges, demands, prices and closed, and marks what is new or changed since the date before', () => {
    const before = state([commitment({ id: 'a' }), commitment({ id: 'b', status: 'requested' })]);
    const after = state([
      commitment({ id: 'a', disbursed: '50', outstanding: '50', version: 2 }),
      commitment({ id: 'p', kind: 'price', title: 'Gas price' }),
      commitment({ id: 'x', status: 'withdrawn' }),
      commitment({ id: 'd', status: 'requested', title: 'Cash' }),
    ]);
    const sections = stateSections(after, before, {});
    expect(sections.pledges.map(({ item, change }) => [item.id, change])).toEqual([['a', 'changed']]);
    expect(sections.prices.map(({ item, change }) => [item.id, change])).toEqual([['p', 'new']]);
    expect(sections.demands.map(({ item, change }) => [item.id, change])).toEqual([['d', 'new']]);
    expect(sections.closed.map(({ item }) => item.id)).toEqual(['x']);
    const lapsed = stateSections(
      state([
        commitment({ id: 'l', status: 'lapsed', lapsedAt: '2023-01-01T00:00:00.000Z', outstanding: null }),
        commitment({ id: 'q', kind: 'price', status: 'lapsed' }),
      ]),
      undefined,
      {},
    );
    expect(lapsed.closed.map(({ item }) => item.id)).toEqual(['l', 'q']);
    expect([...lapsed.pledges, ...lapsed.prices]).toEqual([]);
    expect(sections.gone.map((c) => c.id)).toEqual(['b']);
    expect(sections.programmes).toEqual([
      { status: 'signed', tracks: [{ item: expect.objectContaining({ trackId: 't' }), change: undefined }] },
    ]);
  });

  it('holds the pages of GET /v1/state loaded so far, and marks only what those pages can tell', () => {
    const page = (items: Commitment[], total: number, next: string | null): StateAnswer => ({
      asOf: '2021-10-01T23:59:59.999Z',
      knownAt: '2026-01-01T00:00:00.000Z',
      commitments: { total, items, nextCursor: next && 'x', next },
    });
    const first = loadedState({
      ...page([commitment({ id: 'a' }), commitment({ id: 'c' })], 4, '/v1/state?section=commitments&cursor=Yw'),
      tracks: { total: 0, items: [], nextCursor: null, next: null },
      uncertain: false,
    });
    expect(first.totals).toEqual({ parties: 0, tracks: 0, commitments: 4, deployments: 0 });
    expect(first.next.commitments).toBe('/v1/state?section=commitments&cursor=Yw');
    // Nothing loaded yet is "none": the panel says how many there are and offers the next page.
    expect(stateSections(first, undefined, {}).empty).toBe(false);

    const whole = withNextPage(first, 'commitments', page([commitment({ id: 'd', uncertain: [{}] }), commitment({ id: 'e' })], 4, null));
    expect(whole.commitments.map((c) => c.id)).toEqual(['a', 'c', 'd', 'e']);
    expect(whole.next.commitments).toBeNull();
    expect(whole.uncertain).toBe(true);
    expect(first.commitments).toHaveLength(2);

    // Before: a and c loaded of more. Now: b is new (c was loaded, so b would have been seen),
    // e is beyond what was loaded before (not marked), and a is gone only if the pages now reach it.
    const now = state([commitment({ id: 'b' }), commitment({ id: 'c' }), commitment({ id: 'e' })]);
    const marks = stateSections(now, first, {});
    expect(marks.pledges.map(({ item, change }) => [item.id, change])).toEqual([
      ['b', 'new'],
      ['c', undefined],
      ['e', undefined],
    ]);
    expect(marks.gone.map((c) => c.id)).toEqual(['a']);
    const partlyNow = { ...now, commitments: [commitment({ id: 'e' })], next: { ...now.next, commitments: '/v1/state?cursor=ZQ' } };
    expect(stateSections(partlyNow, first, {}).gone.map((c) => c.id)).toEqual(['a', 'c']);
    const notYet = { ...now, commitments: [commitment({ id: '0' })], next: { ...now.next, commitments: '/v1/state?cursor=MA' } };
    expect(stateSections(notYet, first, {}).gone).toEqual([]);
  });

  it('filters by party and by every word of the text, and says when nothing is left', () => {
    const now = state([
      commitment({ id: 'a', title: 'State loan' }),
      commitment({ id: 'g', title: 'Gas price', kind: 'price', by: 'RU', to: 'KZ' }),
    ]);
    expect(stateSections(now, undefined, { parties: ['KZ'] }).prices.map(({ item }) => item.id)).toEqual(['g']);
    expect(stateSections(now, undefined, { parties: ['KZ'] }).pledges).toEqual([]);
    // Several parties: rows by, to or about any of them.
    const either = stateSections(now, undefined, { parties: ['KZ', 'BY'] });
    expect([...either.pledges, ...either.prices].map(({ item }) => item.id).sort()).toEqual(['a', 'g']);
    expect(stateSections(now, undefined, { parties: ['AM', 'UA'] }).empty).toBe(true);
    expect(stateSections(now, undefined, { q: 'state LOAN' }).pledges.map(({ item }) => item.id)).toEqual(['a']);
    expect(stateSections(now, undefined, { q: 'nothing like this' }).empty).toBe(true);
  });
});

describe('field rows of a history version', () => {
  it('spreads a whole record into fields with amounts in their currency, carried to later versions', () => {
    const first = [
      {
        path: '',
        from: null,
        to: { title: 'Loan', status: 'in_implementation', terms: { amount: '600000000', currency: 'USD', validUntil: '2022' } },
      },
    ];
    const rows = fieldRows(first, {});
    expect(rows.map((row) => [row.path, row.to])).toEqual([
      ['title', 'Loan'],
      ['status', 'in implementation'],
      ['terms.amount', '$600m'],
      ['terms.currency', 'USD'],
      ['terms.validUntil', '2022'],
    ]);
    const measure = measureAfter(first, {});
    const amended = fieldRows([{ path: 'terms.amount', from: '600000000', to: '630000000' }], measure);
    expect(amended).toEqual([
      { path: 'terms.amount', label: 'Amount', from: '$600m', fromTitle: '600,000,000 USD', to: '$630m', toTitle: '630,000,000 USD' },
    ]);
    expect(fieldRows([{ path: 'terms.amount', from: null, to: '127' }], { currency: 'USD', unit: 'USD per 1000 m3' })[0].to).toBe(
      '127 USD per 1000 m³',
    );
  });
});
