import { PageState } from '../../apps/web/src/page-state';
import type { TimelineItem } from '../../apps/web/src/timeline-items';
import type { State, StateAnswer, StreamedEvent } from '../../apps/web/src/types';

const state = (asOf: string, next: string | null = null): State => ({
  asOf,
  knownAt: '2026-01-01T00:00:00.000Z',
  parties: [],
  tracks: [],
  commitments: [],
  deployments: [],
  uncertain: false,
  totals: { parties: 2, tracks: 0, commitments: 0, deployments: 0 },
  next: { parties: next, tracks: null, commitments: null, deployments: null },
});

const item = (start: string): TimelineItem => ({ start }) as TimelineItem;

describe("the page's state", () => {
  it('reads the view from the URL and says which keys a change altered', () => {
    const page = new PageState('?asOf=2021-09-30&party=BY,RU');
    expect(page.asOfDay()).toBe('2021-09-30');
    const changed = page.update({ asOf: '2021-10-01', parties: ['BY', 'RU'] });
    expect(changed('asOf')).toBe(true);
    expect(changed('parties')).toBe(false);
    expect(page.view.asOf).toBe('2021-10-01');
  });

  it('cancels a read still on its way when another of its kind begins, and only the latest counts', () => {
    const page = new PageState('');
    const first = page.begin('state');
    const chart = page.begin('chart');
    const second = page.begin('state');
    expect(first.signal.aborted).toBe(true);
    expect(chart.signal.aborted).toBe(false);
    expect(page.isLatest('state', first)).toBe(false);
    expect(page.isLatest('state', second)).toBe(true);
    expect(page.signalOf('state')).toBe(second.signal);
  });

  it('marks rows against the state shown before, and adds a next page only to the state still shown', () => {
    const page = new PageState('');
    const march = state('2021-03-31T23:59:59.999Z', '/v1/state?section=parties&cursor=x');
    const october = state('2021-10-01T23:59:59.999Z');
    page.showState(march);
    page.showState(october);
    expect(page.previousState).toBe(march);
    const answer = {
      asOf: march.asOf,
      knownAt: march.knownAt,
      parties: { total: 2, items: [{ partyId: 'RU' }], nextCursor: null, next: null },
    };
    expect(page.addPage(march, 'parties', answer as StateAnswer)).toBeUndefined();
    const more = page.addPage(october, 'parties', answer);
    expect(more?.parties).toEqual([{ partyId: 'RU' }]);
    expect(page.shownState).toBe(more);
  });

  it('hands vis-timeline only the items that changed, and keeps the counts until the events are read', () => {
    const page = new PageState('');
    page.hold([
      { id: 'a', content: '1', start: 0 },
      { id: 'b', content: '2', start: 0 },
    ]);
    expect(page.showsCountsOnly()).toBe(true);
    const updated: unknown[] = [];
    page.items.on('update', (_event, properties) => updated.push(...(properties?.items ?? [])));
    page.hold([
      { id: 'a', content: '1', start: 0 },
      { id: 'c', content: '3', start: 0 },
    ]);
    expect(page.items.getIds().sort()).toEqual(['a', 'c']);
    expect(updated).toEqual([]);
    page.setLine([], [item('2021-01-01T00:00:00Z')]);
    expect(page.showsCountsOnly()).toBe(false);
  });

  it('remembers live events, newest first, and the position reads must include', () => {
    const page = new PageState('');
    const event = (id: string, position: string) => ({ id, position }) as StreamedEvent;
    page.recordLiveEvent(event('e1', '10'));
    page.recordLiveEvent(event('e2', '11'));
    expect(page.newEvents.map((e) => e.id)).toEqual(['e2', 'e1']);
    expect(page.latestPosition).toBe('11');
    expect(page.isNew('e1')).toBe(true);
    expect(page.isNew('e3')).toBe(false);
  });

  it('fits the slider from the year where the data gets busy, and a date typed outside widens it', () => {
    const page = new PageState('?asOf=2021-09-30');
    const drawn = [item('1999-12-08T00:00:00Z'), ...Array.from({ length: 20 }, (_, i) => item(`2019-0${1 + (i % 9)}-01T00:00:00Z`))];
    page.fitSliderTo(drawn);
    expect(page.sliderDay(0)).toBe('2019-01-01');
    expect(page.sliderOffset('2019-01-31')).toBe(30);
    page.widenSliderTo(Date.UTC(2015, 5, 1));
    expect(page.sliderDay(0)).toBe('2015-06-01');
  });
});
