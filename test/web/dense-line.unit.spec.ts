import { clusterTitle, densityClusters, drawnWindow, planLine, sliceWidth } from '../../apps/web/src/dense-line';
import type { TimelineItem } from '../../apps/web/src/timeline-items';

const DAY = 86_400_000;
const at = (day: string) => Date.parse(`${day}T00:00:00Z`);

function item(id: string, start: string, options: Partial<TimelineItem> = {}): TimelineItem {
  return {
    id,
    group: 'occurrence',
    label: id,
    tooltip: '',
    start: `${start}T00:00:00.000Z`,
    type: 'point',
    classNames: [],
    streamId: id,
    streamType: 'occurrence',
    eventId: id,
    ...options,
  };
}

/** `count` points a day apart from `first` in one group. */
function daily(count: number, first: string, group = 'occurrence'): TimelineItem[] {
  return Array.from({ length: count }, (_, i) =>
    item(`${group}-${i}`, new Date(at(first) + i * DAY).toISOString().slice(0, 10), { group }),
  );
}

describe('what the line draws of a long history', () => {
  it('slices a view into about two dozen steady widths aligned to the epoch', () => {
    expect(sliceWidth({ start: at('2018-01-01'), end: at('2023-01-01') })).toBe(91 * DAY);
    expect(sliceWidth({ start: at('2021-06-01'), end: at('2021-06-08') })).toBe(DAY);
    const drawn = drawnWindow({ start: at('2021-01-01'), end: at('2021-04-01') });
    expect(drawn.start % (7 * DAY)).toBe(0);
    expect(drawn.start).toBeLessThanOrEqual(at('2021-01-01') - 45 * DAY);
    expect(drawn.end).toBeGreaterThanOrEqual(at('2021-04-01') + 45 * DAY);
  });

  it('draws the items themselves where a group has few enough in the drawn window', () => {
    const items = daily(100, '2021-01-01');
    const plan = planLine(items, { start: at('2021-01-01'), end: at('2021-06-01') });
    expect(plan.clusters).toEqual([]);
    expect(plan.items).toHaveLength(100);
  });

  it('counts a dense group per slice, leaves a sparse group alone, and a slice of one is the item', () => {
    const dense = daily(400, '2021-01-01');
    const lonely = item('lonely', '2019-06-15');
    const sparse = daily(5, '2021-03-01', 'track');
    const plan = planLine([...dense, lonely, ...sparse], { start: at('2018-01-01'), end: at('2023-01-01') });
    expect(plan.clusters.length).toBeGreaterThan(1);
    expect(plan.clusters.every((cluster) => cluster.group === 'occurrence' && cluster.count > 1 && !cluster.ongoing)).toBe(true);
    expect(plan.clusters.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(400);
    expect(plan.items.map((i) => i.id).sort()).toEqual(['lonely', ...sparse.map((i) => i.id)].sort());
    // Each cluster is one slice wide and holds the items that start in it.
    const width = sliceWidth({ start: at('2018-01-01'), end: at('2023-01-01') });
    for (const cluster of plan.clusters) {
      expect(cluster.end - cluster.start).toBe(width);
      expect(cluster.count).toBe(dense.filter((i) => Date.parse(i.start) >= cluster.start && Date.parse(i.start) < cluster.end).length);
    }
  });

  it('expands as the view zooms in: a month of the dense group is drawn item by item', () => {
    const plan = planLine(daily(400, '2021-01-01'), { start: at('2021-03-01'), end: at('2021-03-31') });
    expect(plan.clusters).toEqual([]);
    expect(plan.items.length).toBeGreaterThan(30);
    expect(plan.items.length).toBeLessThan(100);
  });

  it('counts once, as running from before, the many durations that started before the window', () => {
    const running = Array.from({ length: 200 }, (_, i) =>
      item(`c${i}`, '2019-01-01', { group: 'commitment', type: 'range', end: '2025-01-01T00:00:00.000Z' }),
    );
    const closed = item('closed', '2019-01-01', { group: 'commitment', type: 'range', end: '2019-02-01T00:00:00.000Z' });
    const fresh = item('fresh', '2021-03-10', { group: 'commitment' });
    const plan = planLine([...running, closed, fresh], { start: at('2021-03-01'), end: at('2021-03-31') });
    expect(plan.clusters).toEqual([expect.objectContaining({ group: 'commitment', ongoing: true, count: 200 })]);
    expect(plan.items.map((i) => i.id)).toEqual(['fresh']);
    expect(clusterTitle(plan.clusters[0])).toMatch(/^200 running from before this view/);
    // Few enough: drawn as they are.
    expect(planLine([...running.slice(0, 10), fresh], { start: at('2021-03-01'), end: at('2021-03-31') }).items).toHaveLength(11);
  });

  it('turns the API counts into the same clusters, leaving out what the line does not draw', () => {
    const rows = [
      {
        start: '2021-01-01T00:00:00.000Z',
        end: '2021-04-02T00:00:00.000Z',
        streamType: 'commitment',
        type: 'CommitmentRecorded',
        count: 30,
      },
      {
        start: '2021-01-01T00:00:00.000Z',
        end: '2021-04-02T00:00:00.000Z',
        streamType: 'commitment',
        type: 'CommitmentDisbursed',
        count: 12,
      },
      { start: '2021-01-01T00:00:00.000Z', end: '2021-04-02T00:00:00.000Z', streamType: 'commitment', type: 'EventCorrected', count: 4 },
      { start: '2021-01-01T00:00:00.000Z', end: '2021-04-02T00:00:00.000Z', streamType: 'party', type: 'PartyRegistered', count: 28 },
    ];
    const clusters = densityClusters(rows, new Set(['commitment']), new Set(['EventCorrected', 'PartyRegistered']));
    expect(clusters).toEqual([expect.objectContaining({ group: 'commitment', count: 42, start: at('2021-01-01'), end: at('2021-04-02') })]);
    expect(clusterTitle(clusters[0])).toBe('42 from 1 Jan 2021 to 1 Apr 2021. Click or zoom in to see them.');
  });
});
