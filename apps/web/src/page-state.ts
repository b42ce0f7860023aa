/**
 * The page's state, in one place: the view (kept in the URL by view-state.ts), what was read
 * from the API, what the line holds, the requests in flight, the live events and the slider's
 * bounds. main.ts wires the DOM and vis-timeline to it and changes it only through its
 * operations; nothing here touches the DOM.
 */
import { DataSet, type DataGroup, type DataItem } from 'vis-timeline/standalone';
import { withNextPage } from './state-sections';
import type { TimelineItem } from './timeline-items';
import type { State, StateAnswer, StateSectionName, StreamedEvent, TimelineEntry } from './types';
import { parseView, type ViewState } from './view-state';

export const DAY_MS = 86_400_000;

/** The reads of which only the latest counts: a new one cancels the one still on its way. */
export type Read = 'state' | 'timeline' | 'compare' | 'chart';

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function endOfToday(): number {
  return Date.parse(`${today()}T00:00:00Z`);
}

export class PageState {
  readonly view: ViewState;
  /** The events of the line, as the API answered (every page). */
  entries: TimelineEntry[] = [];
  /** Every item of the line; vis-timeline holds only those planned for the window in view (see dense-line). */
  lineItems: TimelineItem[] = [];
  /** Settles once the first counts of the line are drawn (or were not needed). */
  firstCounts: Promise<void> = Promise.resolve();
  /** What vis-timeline holds. */
  readonly items = new DataSet<DataItem>();
  readonly groups = new DataSet<DataGroup>();
  /** The state in the panel, and the one before the last change of date, which rows are marked against. */
  shownState: State | undefined;
  previousState: State | undefined;
  /** The position of the last live event: reads ask for answers that include it. */
  latestPosition: string | undefined;
  /** Live events since the page opened, newest first. */
  readonly newEvents: StreamedEvent[] = [];
  /** Where focus returns when the drawer closes (an element; typed by what is used, so the module needs no DOM). */
  drawerOpener: { focus(): void; readonly isConnected: boolean } | undefined;
  /** The slider's first and last day, as instants (start of the day, UTC). */
  sliderStart = Date.UTC(2018, 0, 1);
  sliderEnd = endOfToday();

  /** vis-timeline's items by id, with a key of what each shows: a redraw changes only what differs. */
  private readonly heldItems = new Map<string, string>();
  private readonly newEventIds = new Set<string>();
  private readonly reads = new Map<Read, AbortController>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(search: string) {
    this.view = parseView(search);
  }

  /** The day shown: the view's, or today. */
  asOfDay(): string {
    return this.view.asOf ?? today();
  }

  /** Changes the view; the answer tells which of its keys the change altered. */
  update(patch: Partial<ViewState>): (key: keyof ViewState) => boolean {
    const before = { ...this.view };
    Object.assign(this.view, patch);
    return (key) => JSON.stringify(before[key]) !== JSON.stringify(this.view[key]);
  }

  // ---- reads ----------------------------------------------------------------

  /** Starts a read, cancelling the one of its kind still on its way. */
  begin(read: Read): AbortController {
    this.reads.get(read)?.abort();
    const request = new AbortController();
    this.reads.set(read, request);
    return request;
  }

  /** Whether no later read of its kind began since. */
  isLatest(read: Read, request: AbortController): boolean {
    return this.reads.get(read) === request;
  }

  signalOf(read: Read): AbortSignal | undefined {
    return this.reads.get(read)?.signal;
  }

  // ---- the state panel ----------------------------------------------------------

  /** A newly read state replaces the one shown, which becomes the one rows are marked against. */
  showState(state: State): void {
    this.previousState = this.shownState;
    this.shownState = state;
  }

  /** Adds a section's next page to `state` if that is still the state shown, and answers the new one; undefined when another replaced it meanwhile. */
  addPage(state: State, name: StateSectionName, answer: StateAnswer): State | undefined {
    if (this.shownState !== state) return undefined;
    this.shownState = withNextPage(state, name, answer);
    return this.shownState;
  }

  // ---- the line -------------------------------------------------------------------

  setLine(entries: TimelineEntry[], items: TimelineItem[]): void {
    this.entries = entries;
    this.lineItems = items;
  }

  /** Until the events are read, the line shows the API's counts. */
  showsCountsOnly(): boolean {
    return !this.lineItems.length && this.heldItems.size > 0 && !this.entries.length;
  }

  /** Makes vis-timeline hold `wanted`, changing only the items that differ. */
  hold(wanted: DataItem[]): void {
    const keys = new Map(wanted.map((item) => [String(item.id), JSON.stringify(item)]));
    const gone = [...this.heldItems.keys()].filter((id) => !keys.has(id));
    const changed = wanted.filter((item) => this.heldItems.get(String(item.id)) !== keys.get(String(item.id)));
    if (gone.length) this.items.remove(gone);
    if (changed.length) this.items.update(changed);
    for (const id of gone) this.heldItems.delete(id);
    for (const item of changed) this.heldItems.set(String(item.id), keys.get(String(item.id))!);
  }

  setGroups(wanted: DataGroup[]): void {
    const ids = new Set(wanted.map((group) => String(group.id)));
    this.groups.remove(this.groups.getIds().filter((id) => !ids.has(String(id))));
    this.groups.update(wanted);
  }

  // ---- live -------------------------------------------------------------------------

  recordLiveEvent(event: StreamedEvent): void {
    this.latestPosition = event.position;
    this.newEventIds.add(event.id);
    this.newEvents.unshift(event);
  }

  isNew(eventId: string): boolean {
    return this.newEventIds.has(eventId);
  }

  /** Several events often arrive together: `reload` runs once, `delayMs` after the last call. */
  refreshSoon(reload: () => void, delayMs: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(reload, delayMs);
  }

  // ---- the slider -------------------------------------------------------------------

  sliderDays(): number {
    return Math.round((this.sliderEnd - this.sliderStart) / DAY_MS);
  }

  sliderDay(offset: number): string {
    return new Date(this.sliderStart + offset * DAY_MS).toISOString().slice(0, 10);
  }

  sliderOffset(day: string): number {
    return Math.round((Date.parse(`${day}T00:00:00Z`) - this.sliderStart) / DAY_MS);
  }

  /** The slider runs from the start of the year where the data gets busy (its 10th percentile) to today, and over the day shown. */
  fitSliderTo(drawn: TimelineItem[]): void {
    const starts = drawn.map((item) => Date.parse(item.start)).sort((a, b) => a - b);
    const busy = new Date(starts[Math.floor(starts.length * 0.1)]);
    const asOf = Date.parse(`${this.asOfDay()}T00:00:00Z`);
    this.sliderStart = Math.min(Date.UTC(busy.getUTCFullYear(), 0, 1), asOf);
    this.sliderEnd = Math.max(endOfToday(), asOf);
  }

  /** A date typed outside the slider widens it. */
  widenSliderTo(at: number): void {
    this.sliderStart = Math.min(this.sliderStart, at);
    this.sliderEnd = Math.max(this.sliderEnd, at);
  }
}
