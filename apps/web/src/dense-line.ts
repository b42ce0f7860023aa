/**
 * What the timeline draws of a long history for the window in view: the items
 * themselves where a group has few enough, else clusters — counts of the items
 * that start in equal slices of time — which expand as the view zooms in.
 * vis-timeline slows to a crawl past a few thousand items; this keeps what it
 * holds to a few hundred whatever the length of history.
 * No DOM and no library here: the page hands the result to vis-timeline.
 */
import { formatDay } from './format';
import type { TimelineItem } from './timeline-items';
import type { DensityRow } from './types';

const DAY_MS = 86_400_000;

/** Past this many items starting in view (with its margins), a group is drawn as clusters. */
export const INDIVIDUAL_LIMIT = 150;
/** Clusters across the visible width: wide enough for a count, narrow enough to show where it is busy. */
const CLUSTERS_ACROSS = 24;
/** Slice widths, so that slices stay put while the view pans (aligned to multiples of the width since 1970). */
const WIDTHS = [1, 7, 30, 91, 182, 365, 730, 1826, 3652, 7305].map((days) => days * DAY_MS);

export interface Window {
  start: number;
  end: number;
}

export interface Cluster {
  id: string;
  group: string;
  start: number;
  end: number;
  count: number;
  /** Items that started before the window and still run in it: one summary, not a slice. */
  ongoing: boolean;
}

export interface LinePlan {
  items: TimelineItem[];
  clusters: Cluster[];
  /** The window drawn: the view with half its width on each side, so a short pan needs no redraw. */
  drawn: Window;
}

/** The slice width for a view of this width. */
export function sliceWidth(view: Window): number {
  const wanted = (view.end - view.start) / CLUSTERS_ACROSS;
  return WIDTHS.find((width) => width >= wanted) ?? WIDTHS[WIDTHS.length - 1];
}

/** The view widened by half its width each side, out to whole slices. */
export function drawnWindow(view: Window): Window {
  const width = sliceWidth(view);
  const margin = (view.end - view.start) / 2;
  return { start: Math.floor((view.start - margin) / width) * width, end: Math.ceil((view.end + margin) / width) * width };
}

function endOf(item: TimelineItem): number {
  return Date.parse(item.end ?? item.start);
}

/**
 * Per group: the items when no more than the limit start in the drawn window and,
 * with those still running from before it, they stay within the limit; else the
 * items that start there counted per slice (a slice of one is the item itself), and
 * those running from before counted once.
 */
export function planLine(all: readonly TimelineItem[], view: Window, limit = INDIVIDUAL_LIMIT): LinePlan {
  const drawn = drawnWindow(view);
  const width = sliceWidth(view);
  const starting = new Map<string, TimelineItem[]>();
  const ongoing = new Map<string, TimelineItem[]>();
  for (const item of all) {
    const start = Date.parse(item.start);
    if (start >= drawn.end) continue;
    if (start >= drawn.start) push(starting, item.group, item);
    else if (endOf(item) > drawn.start) push(ongoing, item.group, item);
  }
  const items: TimelineItem[] = [];
  const clusters: Cluster[] = [];
  for (const group of new Set([...starting.keys(), ...ongoing.keys()])) {
    const here = starting.get(group) ?? [];
    const before = ongoing.get(group) ?? [];
    if (here.length + before.length <= limit) {
      items.push(...before, ...here);
      continue;
    }
    if (before.length)
      clusters.push({ id: `cluster:${group}:ongoing`, group, start: drawn.start, end: drawn.end, count: before.length, ongoing: true });
    if (here.length <= limit) {
      items.push(...here);
      continue;
    }
    const slices = new Map<number, TimelineItem[]>();
    for (const item of here) push(slices, Math.floor(Date.parse(item.start) / width) * width, item);
    for (const [start, inSlice] of slices) {
      if (inSlice.length === 1) items.push(inSlice[0]);
      else
        clusters.push({
          id: `cluster:${group}:${start}:${width}`,
          group,
          start,
          end: start + width,
          count: inSlice.length,
          ongoing: false,
        });
    }
  }
  return { items, clusters, drawn };
}

/**
 * Clusters from the API's counts, for the first paint before the events
 * themselves are read: grouped by kind of record, leaving out the types the
 * line does not draw, so that the counts match what the line shows once loaded.
 */
export function densityClusters(rows: readonly DensityRow[], drawnGroups: ReadonlySet<string>, notDrawn: ReadonlySet<string>): Cluster[] {
  const clusters = new Map<string, Cluster>();
  for (const row of rows) {
    if (!drawnGroups.has(row.streamType) || notDrawn.has(row.type)) continue;
    const start = Date.parse(row.start);
    const end = Date.parse(row.end);
    const id = `cluster:${row.streamType}:${start}:${end - start}`;
    const cluster = clusters.get(id) ?? { id, group: row.streamType, start, end, count: 0, ongoing: false };
    cluster.count += row.count;
    clusters.set(id, cluster);
  }
  return [...clusters.values()];
}

/** What a cluster says, in its tooltip and to a screen reader. */
export function clusterTitle(cluster: Cluster): string {
  const last = formatDay(new Date(cluster.end - 1).toISOString());
  if (cluster.ongoing) return `${cluster.count} running from before this view. Zoom out to see where they start.`;
  return `${cluster.count} from ${formatDay(new Date(cluster.start).toISOString())} to ${last}. Click or zoom in to see them.`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
