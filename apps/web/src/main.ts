/**
 * The page: a timeline, a date slider (asOf) with knownAt beside it, the state
 * on that date, a commitment's history in a drawer, and new events live.
 * Everything it shows comes from the HTTP API; the view lives in the URL.
 */
import { Timeline, type DataItem, type TimelineOptions } from 'vis-timeline/standalone';
import { allPages, ApiError, apiKey, getJson, setApiKey } from './api';
import { byId, escapeHtml, h } from './dom';
import { loadCharts } from './chart';
import { renderComparison } from './compare';
import { renderHistory, renderStream } from './drawer';
import { downloadCsv, downloadPng } from './export';
import { eventTypeLabel, formatDay, textOf } from './format';
import { keyboardTimeline, trapFocus } from './keyboard';
import { LiveStream, type LiveStatus } from './live';
import { renderState } from './state-panel';
import { loadedState, stateSections } from './state-sections';
import { clusterTitle, densityClusters, drawnWindow, planLine, sliceWidth, type Cluster, type Window } from './dense-line';
import { KIND_GROUPS, NOT_DRAWN, timelineItems, type TimelineItem } from './timeline-items';
import type {
  Commitment,
  History,
  PartyList,
  SchemaList,
  State,
  StateAnswer,
  StateDiff,
  StateSectionName,
  StreamedEvent,
  TimelineDensity,
  TimelineEntry,
} from './types';
import { DAY_MS, PageState } from './page-state';
import { serializeView, type ViewState } from './view-state';

const page = new PageState(location.search);
const { view } = page;
/** vis-timeline, built once the first read of the line has begun (see start). */
let timeline: Timeline;

const el = {
  slider: byId<HTMLInputElement>('as-of-slider'),
  asOf: byId<HTMLInputElement>('as-of'),
  knownAt: byId<HTMLInputElement>('known-at'),
  reportedBy: byId<HTMLInputElement>('reported-by'),
  party: byId<HTMLFieldSetElement>('party'),
  partySummary: byId('party-summary'),
  type: byId<HTMLFieldSetElement>('type'),
  typeSummary: byId('type-summary'),
  q: byId<HTMLInputElement>('q'),
  group: byId<HTMLSelectElement>('group'),
  stateBody: byId('state-body'),
  stateCaption: byId('state-caption'),
  error: byId('error'),
  errorText: byId('error-text'),
  drawer: byId('drawer'),
  drawerTitle: byId('drawer-title'),
  drawerBody: byId('drawer-body'),
  live: byId('live'),
  liveText: byId('live-text'),
  newButton: byId<HTMLButtonElement>('new-events'),
  newList: byId('new-list'),
  timelineEmpty: byId('timeline-empty'),
  timelineCount: byId('timeline-count'),
  compareBody: byId('compare-body'),
  compareFrom: byId<HTMLInputElement>('compare-from'),
  compareTo: byId<HTMLInputElement>('compare-to'),
  compareFromKnown: byId<HTMLInputElement>('compare-from-known'),
  compareToKnown: byId<HTMLInputElement>('compare-to-known'),
};

/** Changes the view, writes it to the URL, and reloads what depends on what changed. */
function update(patch: Partial<ViewState>): void {
  const changed = page.update(patch);
  history.replaceState(null, '', `${location.pathname}${serializeView(view)}`);
  byId<HTMLInputElement>('permalink').value = location.href;
  syncControls();
  if (changed('asOf') || changed('knownAt') || changed('reportedBy')) void loadState();
  else if (changed('parties') || changed('q')) rerenderState();
  if (changed('knownAt') || changed('reportedBy') || changed('parties') || changed('types') || changed('q') || changed('group'))
    void loadTimeline();
  if (changed('asOf')) timeline.setCustomTime(dayStart(page.asOfDay()), 'asOf');
  if (changed('panel')) showPanel();
  if (view.panel === 'compare' && (changed('panel') || changed('compare') || changed('knownAt') || changed('reportedBy')))
    void loadComparison();
  if (view.panel === 'chart' && (changed('panel') || changed('asOf') || changed('knownAt') || changed('reportedBy') || changed('parties')))
    void loadChart();
  if (changed('reportedBy') && !changed('commitment') && view.commitment) void openCommitment(view.commitment);
  if (changed('commitment')) {
    if (view.commitment) void openCommitment(view.commitment);
    else closeDrawer();
  }
}

function dayStart(day: string): Date {
  // asOf is the end of the day; the bar sits at its close.
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

function syncControls(): void {
  const day = page.asOfDay();
  el.asOf.value = day;
  el.slider.min = '0';
  el.slider.max = String(page.sliderDays());
  el.slider.dataset.start = page.sliderDay(0);
  el.slider.value = String(page.sliderOffset(day));
  el.slider.setAttribute('aria-valuetext', formatDay(`${day}T00:00:00Z`));
  el.knownAt.value = view.knownAt ? toLocalInput(view.knownAt) : '';
  el.reportedBy.value = view.reportedBy ?? '';
  for (const box of el.party.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) box.checked = view.parties.includes(box.value);
  el.partySummary.textContent =
    view.parties.length === 0 ? 'all' : view.parties.length <= 3 ? view.parties.join(', ') : `${view.parties.length} parties`;
  el.partySummary.setAttribute('aria-label', `Parties: ${view.parties.length ? view.parties.join(', ') : 'all'}`);
  for (const box of el.type.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) box.checked = view.types.includes(box.value);
  el.typeSummary.textContent =
    view.types.length === 0 ? 'all' : view.types.length === 1 ? eventTypeLabel(view.types[0]) : `${view.types.length} types`;
  el.typeSummary.setAttribute('aria-label', `Event types: ${view.types.length ? view.types.map(eventTypeLabel).join(', ') : 'all'}`);
  el.q.value = view.q ?? '';
  el.group.value = view.group;
  el.compareFrom.value = view.compare.from ?? '';
  el.compareTo.value = view.compare.to ?? '';
  el.compareFromKnown.value = view.compare.fromKnownAt ? toLocalInput(view.compare.fromKnownAt) : '';
  el.compareToKnown.value = view.compare.toKnownAt ? toLocalInput(view.compare.toKnownAt) : '';
}

/** The local datetime input's value as an instant in the URL, or undefined when empty. */
function fromLocalInput(value: string): string | undefined {
  return value ? new Date(value).toISOString().replace('.000Z', 'Z') : undefined;
}

// ---- the pane: state, comparison, chart ------------------------------------

function showPanel(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('.panel-switch button'))
    button.setAttribute('aria-pressed', String(button.dataset.panel === view.panel));
  for (const panel of ['state', 'compare', 'chart'] as const) byId(`pane-${panel}`).hidden = view.panel !== panel;
}

/** Without dates of its own, a comparison runs from six months before the date shown to that date. */
function comparisonDefaults(): Partial<ViewState> {
  const to = view.compare.to ?? page.asOfDay();
  const from = new Date(`${to}T00:00:00Z`);
  from.setUTCMonth(from.getUTCMonth() - 6);
  return { compare: { ...view.compare, to, from: view.compare.from ?? from.toISOString().slice(0, 10) } };
}

async function loadChart(): Promise<void> {
  const request = page.begin('chart');
  const body = byId('chart-body');
  body.setAttribute('aria-busy', 'true');
  try {
    await loadCharts(
      body,
      {
        startYear: new Date(page.sliderStart).getUTCFullYear(),
        last: page.asOfDay(),
        knownAt: view.knownAt,
        reportedBy: view.reportedBy,
        parties: view.parties,
        selected: view.chartAt,
      },
      {
        openCommitment: (id, opener) => ((page.drawerOpener = opener), update({ commitment: id })),
        select: (day) => update({ chartAt: day }),
      },
      request.signal,
    );
    clearError();
  } catch (error) {
    if ((error as Error).name !== 'AbortError') showError(error);
  } finally {
    if (page.isLatest('chart', request)) body.setAttribute('aria-busy', 'false');
  }
}

async function loadComparison(): Promise<void> {
  const { from, to, fromKnownAt, toKnownAt } = view.compare;
  if (!from || !to) return;
  const request = page.begin('compare');
  el.compareBody.setAttribute('aria-busy', 'true');
  try {
    const diff = await getJson<StateDiff>(
      '/v1/state/diff',
      { from, to, fromKnownAt, toKnownAt, knownAt: view.knownAt, reportedBy: view.reportedBy, minPosition: page.latestPosition },
      request.signal,
    );
    renderComparison(el.compareBody, diff, { openCommitment: (id, opener) => ((page.drawerOpener = opener), update({ commitment: id })) });
    clearError();
  } catch (error) {
    if ((error as Error).name === 'AbortError') return;
    el.compareBody.replaceChildren(h('p', { className: 'error-inline' }, error instanceof Error ? error.message : String(error)));
  } finally {
    if (page.isLatest('compare', request)) el.compareBody.setAttribute('aria-busy', 'false');
  }
}

function toLocalInput(iso: string): string {
  const date = new Date(iso.length === 10 ? `${iso}T23:59:59Z` : iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

function sliderDay(): string {
  return page.sliderDay(Number(el.slider.value));
}

function shiftMonths(months: number): void {
  const date = new Date(`${page.asOfDay()}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + months);
  update({ asOf: date.toISOString().slice(0, 10) });
}

// ---- loading -------------------------------------------------------------

async function loadState(): Promise<void> {
  const request = page.begin('state');
  el.stateBody.setAttribute('aria-busy', 'true');
  try {
    const state = loadedState(
      await getJson<StateAnswer>(
        '/v1/state',
        { asOf: page.asOfDay(), knownAt: view.knownAt, reportedBy: view.reportedBy, minPosition: page.latestPosition },
        request.signal,
      ),
    );
    page.showState(state);
    renderStatePanel(state, page.previousState);
    // The day the panel shows, for whoever waits on it (the browser tests' timings).
    el.stateBody.dataset.asOf = state.asOf.slice(0, 10);
    clearError();
  } catch (error) {
    if ((error as Error).name !== 'AbortError') showError(error);
  } finally {
    if (page.isLatest('state', request)) el.stateBody.setAttribute('aria-busy', 'false');
  }
}

/**
 * "Show more": the next page of one section, by the path the last page gave (its time axes
 * pinned), added to the state shown. A load of another date meanwhile wins.
 */
async function showMoreOf(name: StateSectionName): Promise<void> {
  const state = page.shownState;
  const next = state?.next[name];
  if (!state || !next) return;
  const signal = page.signalOf('state');
  try {
    const path = new URL(next, location.origin);
    const answer = await getJson<StateAnswer>(path.pathname, Object.fromEntries(path.searchParams), signal);
    const more = page.addPage(state, name, answer);
    if (!more) return;
    renderStatePanel(more, page.previousState);
    clearError();
  } catch (error) {
    if ((error as Error).name !== 'AbortError') showError(error);
  }
}

function renderStatePanel(state: State, previous: State | undefined): void {
  const sections = stateSections(state, previous, { parties: view.parties, q: view.q });
  const known = view.knownAt ? `as known at ${formatDay(state.knownAt)} ${state.knownAt.slice(11, 16)} UTC` : 'as known now';
  const reported = view.reportedBy ? `, as reported by ${formatDay(`${view.reportedBy}T00:00:00Z`)}` : '';
  el.stateCaption.textContent = `At the end of ${formatDay(state.asOf)}, ${known}${reported}.${state.uncertain ? ' Some dates are known only to the month or year: rows marked “uncertain” may not have happened yet.' : ''}${view.parties.length ? ` ${view.parties.length === 1 ? 'Party' : 'Parties'} ${view.parties.join(', ')} only.` : ''}`;
  renderState(el.stateBody, state, sections, {
    openCommitment: (id, opener) => ((page.drawerOpener = opener), update({ commitment: id })),
    showMore: (name) => void showMoreOf(name),
  });
}

function rerenderState(): void {
  if (page.shownState) renderStatePanel(page.shownState, undefined);
}

async function loadTimeline(): Promise<void> {
  const request = page.begin('timeline');
  try {
    const query = {
      knownAt: view.knownAt,
      reportedBy: view.reportedBy,
      party: view.parties.join(',') || undefined,
      type: view.types.join(',') || undefined,
      q: view.q,
      minPosition: page.latestPosition,
    };
    // A long history takes seconds to read: the counts for the window in view come first, drawn as
    // clusters (counted on the same axes, reportedBy included).
    if (!page.entries.length && view.group === 'kind') {
      const counted = drawDensity(query, request.signal);
      page.firstCounts = counted.catch(() => undefined);
      await counted;
    }
    drawTimeline(await allPages<TimelineEntry>('/v1/timeline', query, request.signal));
    clearError();
  } catch (error) {
    if ((error as Error).name !== 'AbortError') showError(error);
  }
}

function drawTimeline(entries: TimelineEntry[]): void {
  const drawn = timelineItems(entries, view.group, new Date());
  setGroups(drawn.groups);
  page.setLine(entries, drawn.items);
  drawWindow();
  el.timelineEmpty.hidden = drawn.items.length > 0;
  el.timelineCount.textContent = `${drawn.items.length} on the line`;
  fitSliderToData(drawn.items);
  markPaint('timeline:complete');
}

function setGroups(wanted: { id: string; label: string; order: number }[]): void {
  page.setGroups(wanted.map((group) => ({ id: group.id, content: escapeHtml(group.label), order: group.order })));
}

const INITIAL_WINDOW: Window = { start: Date.UTC(2018, 0, 1), end: Date.UTC(2022, 11, 31) };

function visibleWindow(): Window {
  if (!timeline) return INITIAL_WINDOW;
  const range = timeline.getWindow();
  return { start: range.start.getTime(), end: range.end.getTime() };
}

/** Hands vis-timeline what the window in view needs: items, or clusters where a group is dense. */
function drawWindow(): void {
  // Until the events are read, the line shows the API's counts (drawDensity): keep them.
  if (page.showsCountsOnly()) return;
  const shown = visibleWindow();
  // The window drawn, for whoever needs to know what is in view (the browser tests do).
  byId('timeline').dataset.windowStart = String(shown.start);
  byId('timeline').dataset.windowEnd = String(shown.end);
  const plan = planLine(page.lineItems, shown);
  showItems([...plan.items.map(toVisItem), ...plan.clusters.map(toVisCluster)]);
}

/** Before the events are read: clusters from the API's counts for the window in view (grouped by kind). */
async function drawDensity(query: Record<string, string | undefined>, signal: AbortSignal): Promise<void> {
  const drawn = drawnWindow(visibleWindow());
  const buckets = Math.round((drawn.end - drawn.start) / sliceWidth(visibleWindow()));
  const density = await getJson<TimelineDensity>(
    '/v1/timeline/density',
    { ...query, from: new Date(drawn.start).toISOString(), to: new Date(drawn.end - 1).toISOString(), buckets: String(buckets) },
    signal,
  );
  const clusters = densityClusters(density.items, new Set(Object.keys(KIND_GROUPS)), NOT_DRAWN);
  // A short history is read whole at once: clusters would only flash.
  if (clusters.reduce((sum, cluster) => sum + cluster.count, 0) <= 300) return;
  setGroups(
    Object.entries(KIND_GROUPS)
      .filter(([id]) => clusters.some((cluster) => cluster.group === id))
      .map(([id, group]) => ({ id, ...group })),
  );
  showItems(clusters.map(toVisCluster));
  el.timelineCount.textContent = 'Reading the events…';
}

function showItems(wanted: DataItem[]): void {
  page.hold(wanted);
  if (wanted.length) markPaint('timeline:first-paint');
}

/** Performance marks the browser tests read (bench/RESULTS.md): set once, when vis-timeline has drawn and the frame is painted. */
function markPaint(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length) return;
  // vis-timeline redraws in the next animation frame; this frame callback runs after it, and the
  // timeout after the frame is painted.
  timeline.redraw();
  requestAnimationFrame(() =>
    setTimeout(() => {
      if (!performance.getEntriesByName(name, 'mark').length) performance.mark(name);
    }, 0),
  );
}

function toVisCluster(cluster: Cluster): DataItem {
  const title = clusterTitle(cluster);
  return {
    id: cluster.id,
    group: cluster.group,
    content: `<span aria-label="${escapeHtml(title)}">${cluster.count}${cluster.ongoing ? ' running from before' : ''}</span>`,
    title: escapeHtml(title),
    start: new Date(cluster.start),
    end: new Date(cluster.end),
    type: 'range',
    className: cluster.ongoing ? 'cluster ongoing' : 'cluster',
  };
}

function toVisItem(item: TimelineItem): DataItem {
  const classes = [...item.classNames, page.isNew(item.eventId) ? 'is-new' : ''].filter(Boolean).join(' ');
  return {
    id: item.id,
    group: item.group,
    content: escapeHtml(item.label),
    title: escapeHtml(item.tooltip).replace(/\n/g, '<br>'),
    start: item.start,
    end: item.end,
    type: item.type,
    className: classes,
  };
}

/** The slider runs from the start of the year where the data gets busy to today. */
function fitSliderToData(drawn: TimelineItem[]): void {
  if (!drawn.length) return;
  page.fitSliderTo(drawn);
  syncControls();
}

// ---- the drawer ----------------------------------------------------------

async function openCommitment(id: string): Promise<void> {
  showDrawer('Commitment history');
  el.drawerBody.replaceChildren(h('p', { className: 'hint' }, 'Loading the history…'));
  try {
    const [history, current] = await Promise.all([
      getJson<History>(`/v1/commitments/${encodeURIComponent(id)}/history`, { reportedBy: view.reportedBy }),
      getJson<Commitment>(`/v1/commitments/${encodeURIComponent(id)}`, {
        asOf: page.asOfDay(),
        knownAt: view.knownAt,
        reportedBy: view.reportedBy,
      }).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      }),
    ]);
    if (view.commitment !== id) return;
    const title = current?.title ?? titleFromHistory(history);
    el.drawerTitle.textContent = title;
    renderHistory(el.drawerBody, history, current);
  } catch (error) {
    el.drawerBody.replaceChildren(h('p', { className: 'error-inline' }, error instanceof Error ? error.message : String(error)));
  }
}

function titleFromHistory(history: History): string {
  for (const version of [...history.versions].reverse()) {
    const change = version.changes.find((c) => c.path === 'title');
    if (change && typeof change.to === 'string') return change.to;
  }
  return 'Commitment history';
}

function openStream(streamId: string): void {
  const stream = page.entries.filter((entry) => entry.streamId === streamId);
  if (!stream.length) return;
  const first = stream[0];
  showDrawer(textOf(first.data.title, first.data.asset, eventTypeLabel(first.type)));
  renderStream(el.drawerBody, stream);
}

let releaseDrawer: (() => void) | undefined;

function showDrawer(title: string): void {
  el.drawerTitle.textContent = title;
  if (el.drawer.hidden) {
    // Focus goes back where it was when the drawer opened.
    if (!page.drawerOpener && document.activeElement instanceof HTMLElement && document.activeElement !== document.body)
      page.drawerOpener = document.activeElement;
    el.drawer.hidden = false;
    releaseDrawer = trapFocus(el.drawer);
  }
  byId('drawer-close').focus();
}

function closeDrawer(): void {
  if (el.drawer.hidden) return;
  el.drawer.hidden = true;
  releaseDrawer?.();
  releaseDrawer = undefined;
  timeline.setSelection([]);
  if (page.drawerOpener?.isConnected) page.drawerOpener.focus();
  page.drawerOpener = undefined;
}

// ---- export ----------------------------------------------------------------

function wireExports(): void {
  const exportMenu = byId<HTMLDetailsElement>('export');
  const permalink = byId<HTMLInputElement>('permalink');
  const run = (task: () => Promise<void>) => () => void task().catch(showError);
  exportMenu.addEventListener('toggle', () => {
    permalink.value = location.href;
    byId<HTMLButtonElement>('export-compare-csv').disabled = view.panel !== 'compare' || !view.compare.from || !view.compare.to;
    byId<HTMLButtonElement>('export-chart-png').disabled = view.panel !== 'chart';
  });
  byId('export-state-csv').addEventListener(
    'click',
    run(() =>
      downloadCsv(
        '/v1/commitments',
        { asOf: page.asOfDay(), knownAt: view.knownAt, reportedBy: view.reportedBy, party: view.parties.join(',') || undefined },
        `commitments-${page.asOfDay()}.csv`,
      ),
    ),
  );
  byId('export-compare-csv').addEventListener(
    'click',
    run(() =>
      downloadCsv(
        '/v1/state/diff',
        { ...view.compare, knownAt: view.knownAt, reportedBy: view.reportedBy },
        `diff-${view.compare.from}-${view.compare.to}.csv`,
      ),
    ),
  );
  byId('export-timeline-png').addEventListener(
    'click',
    run(() => downloadPng(byId('timeline'), `timeline-${page.asOfDay()}.png`)),
  );
  byId('export-chart-png').addEventListener(
    'click',
    run(async () => {
      for (const figure of document.querySelectorAll<HTMLElement>('#chart-body figure.pair-chart')) {
        const canvas = figure.querySelector('canvas');
        if (canvas)
          await downloadPng(
            canvas,
            `pledged-vs-delivered-${(figure.dataset.pair ?? 'chart').replace(/[^A-Za-z0-9]+/g, '-')}-${page.asOfDay()}.png`,
          );
      }
    }),
  );
  byId('copy-permalink').addEventListener('click', () => {
    permalink.value = location.href;
    permalink.select();
    void navigator.clipboard?.writeText(location.href).catch(() => undefined);
  });
}

// ---- live ----------------------------------------------------------------

function onLiveEvent(event: StreamedEvent): void {
  page.recordLiveEvent(event);
  el.newButton.hidden = false;
  el.newButton.textContent = `${page.newEvents.length} new`;
  el.newList.prepend(
    h(
      'li',
      {},
      h(
        'button',
        { type: 'button', className: 'link', onclick: () => focusEvent(event) },
        `${eventTypeLabel(event.type)}: ${textOf(event.data.title, event.data.asset, event.data.description, event.streamId)}`,
      ),
      h('span', { className: 'hint' }, ` recorded ${event.recordedAt.slice(11, 19)} UTC`),
    ),
  );
  // Several events often arrive together: reload once, after the read models hold them.
  page.refreshSoon(() => {
    void loadTimeline();
    void loadState();
    if (view.commitment && event.streamId === `commitment-${view.commitment}`) void openCommitment(view.commitment);
  }, 250);
}

function focusEvent(event: StreamedEvent): void {
  el.newList.hidden = true;
  el.newButton.setAttribute('aria-expanded', 'false');
  const item = page.lineItems.find((candidate) => candidate.eventId === event.id);
  if (item) {
    // Drawn only when its window is in view: go there first (a week around it, where it stands alone).
    const at = Date.parse(item.start);
    timeline.setWindow(new Date(at - DAY_MS * 3), new Date(at + DAY_MS * 4), { animation: false });
    drawWindow();
    if (page.items.get(item.id)) timeline.setSelection([item.id], { focus: false, animation: { animation: false } });
  }
  if (event.streamType === 'commitment') update({ commitment: event.streamId.replace(/^commitment-/, '') });
  else openStream(event.streamId);
}

const LIVE_TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Not subscribed',
};

function onLiveStatus(status: LiveStatus, error?: ApiError): void {
  el.live.dataset.status = status;
  el.liveText.textContent = LIVE_TEXT[status];
  el.live.title =
    status === 'live'
      ? 'New events appear as they are recorded'
      : status === 'refused'
        ? (error?.message ?? '')
        : 'The event stream is not connected; it retries by itself';
  if (error) showError(error);
}

// ---- errors --------------------------------------------------------------

function showError(error: unknown): void {
  const apiError = error instanceof ApiError ? error : undefined;
  el.error.dataset.kind = apiError?.kind ?? 'failed';
  el.errorText.textContent =
    apiError?.kind === 'unauthorized' || apiError?.kind === 'forbidden'
      ? `${apiError.message}. Enter an API key with the reader role under “API key” at the top right.`
      : apiError?.kind === 'unreachable'
        ? `${apiError.message} Is the service running? The page tries again when you press the button or change the view.`
        : error instanceof Error
          ? error.message
          : String(error);
  el.error.hidden = false;
  if (apiError?.kind === 'unauthorized' || apiError?.kind === 'forbidden')
    (document.querySelector('details.key') as HTMLDetailsElement).open = true;
}

function clearError(): void {
  el.error.hidden = true;
}

// ---- start ---------------------------------------------------------------

async function loadFilterOptions(): Promise<void> {
  try {
    const [parties, schemas] = await Promise.all([
      getJson<PartyList>('/v1/parties', { knownAt: view.knownAt }),
      getJson<SchemaList>('/v1/schemas'),
    ]);
    el.party.append(
      ...parties.items.map((party) =>
        h(
          'label',
          {},
          h('input', { type: 'checkbox', name: 'party', value: party.partyId }),
          ` ${party.name ? `${party.name} (${party.partyId})` : party.partyId}`,
        ),
      ),
    );
    el.type.append(
      ...schemas.items.map((schema) =>
        h('label', {}, h('input', { type: 'checkbox', name: 'type', value: schema.type }), ` ${eventTypeLabel(schema.type)}`),
      ),
    );
    syncControls();
  } catch (error) {
    showError(error);
  }
}

function createTimeline(): void {
  const options: TimelineOptions = {
    stack: true,
    orientation: { axis: 'top', item: 'top' },
    zoomMin: DAY_MS * 7,
    zoomMax: DAY_MS * 365 * 40,
    start: new Date(INITIAL_WINDOW.start),
    end: new Date(INITIAL_WINDOW.end),
    height: '100%',
    verticalScroll: true,
    horizontalScroll: false,
    zoomKey: 'ctrlKey',
    groupOrder: 'order',
    tooltip: { followMouse: true, overflowMethod: 'cap', delay: 200 },
    margin: { item: { horizontal: 2, vertical: 4 } },
    selectable: true,
    // The item's id on its element: the keyboard finds items by it.
    dataAttributes: ['id'],
  };
  timeline = new Timeline(byId('timeline'), page.items, page.groups, options);
  timeline.addCustomTime(dayStart(page.asOfDay()), 'asOf');
  // Zooming or panning ends: draw what the new window needs, once the hand rests.
  let redraw: ReturnType<typeof setTimeout> | undefined;
  timeline.on('rangechanged', () => {
    clearTimeout(redraw);
    redraw = setTimeout(() => requestAnimationFrame(drawWindow), 80);
  });
  timeline.setCustomTimeTitle('as of: drag to change the date', 'asOf');
  timeline.on('timechanged', (properties: { id: string; time: Date }) => {
    if (properties.id === 'asOf') update({ asOf: new Date(properties.time.getTime() - 1).toISOString().slice(0, 10) });
  });
  timeline.on('select', (properties: { items: string[] }) => {
    const id = properties.items[0];
    if (!id) return;
    if (id.startsWith('cluster:')) return expandCluster(id);
    openItem(id, undefined);
  });
  keyboardTimeline(byId('timeline'), {
    order: () => page.items.get({ order: 'start' }).map((item) => String(item.id)),
    open: (id) => {
      if (id.startsWith('cluster:')) return expandCluster(id);
      timeline.setSelection([id]);
      openItem(id, document.activeElement as HTMLElement);
    },
    reveal: (id) => timeline.focus(id, { animation: false }),
    pan: (fraction) => {
      const window = timeline.getWindow();
      const shift = (window.end.getTime() - window.start.getTime()) * fraction;
      timeline.setWindow(window.start.getTime() + shift, window.end.getTime() + shift, { animation: false });
    },
    zoom: (factor) =>
      factor < 1 ? timeline.zoomIn(1 - factor, { animation: false }) : timeline.zoomOut(1 - 1 / factor, { animation: false }),
  });
}

/** Opens what a timeline item belongs to: a commitment's history, or the record's events. */
function openItem(id: string, opener: HTMLElement | undefined): void {
  const entry = page.entries.find((e) => e.eventId === id);
  if (!entry) return;
  page.drawerOpener = opener;
  if (entry.streamType === 'commitment') update({ commitment: entry.streamId.replace(/^commitment-/, '') });
  else openStream(entry.streamId);
}

/** A cluster opens by zooming to its slice (an ongoing one by zooming out). */
function expandCluster(id: string): void {
  const cluster = page.items.get(id);
  timeline.setSelection([]);
  if (!cluster || !cluster.end) return;
  const start = new Date(cluster.start).getTime();
  const end = new Date(cluster.end).getTime();
  if (String(cluster.className).includes('ongoing')) {
    timeline.zoomOut(0.6, { animation: false });
    return;
  }
  const pad = (end - start) / 10;
  timeline.setWindow(new Date(start - pad), new Date(end + pad), { animation: false });
}

function wireControls(): void {
  let sliderTimer: ReturnType<typeof setTimeout> | undefined;
  // Held by the pointer, the slider asks only when let go or still for 400 ms: a slow drag on a
  // long history otherwise asks for (and draws) the state at every other day it passes.
  let sliderHeld = false;
  el.slider.addEventListener('pointerdown', () => (sliderHeld = true));
  const letGo = () => {
    if (!sliderHeld) return;
    sliderHeld = false;
    clearTimeout(sliderTimer);
    if (sliderDay() !== page.asOfDay()) update({ asOf: sliderDay() });
  };
  // Let go anywhere: the pointer may leave the slider while dragging.
  window.addEventListener('pointerup', letGo);
  window.addEventListener('pointercancel', letGo);
  el.slider.addEventListener('input', () => {
    el.asOf.value = sliderDay();
    el.slider.setAttribute('aria-valuetext', formatDay(`${sliderDay()}T00:00:00Z`));
    // Dragging fires many inputs: ask once the hand rests a moment.
    clearTimeout(sliderTimer);
    sliderTimer = setTimeout(() => update({ asOf: sliderDay() }), sliderHeld ? 400 : 120);
  });
  el.asOf.addEventListener('change', () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(el.asOf.value)) return;
    const asOf = Date.parse(`${el.asOf.value}T00:00:00Z`);
    page.widenSliderTo(asOf);
    update({ asOf: el.asOf.value });
    timeline.moveTo(new Date(asOf), { animation: false });
  });
  byId('month-back').addEventListener('click', () => shiftMonths(-1));
  byId('month-forward').addEventListener('click', () => shiftMonths(1));
  byId('as-of-today').addEventListener('click', () => update({ asOf: undefined }));
  el.knownAt.addEventListener('change', () => update({ knownAt: fromLocalInput(el.knownAt.value) }));
  byId('known-at-now').addEventListener('click', () => update({ knownAt: undefined }));
  el.reportedBy.addEventListener('change', () =>
    update({ reportedBy: /^\d{4}-\d{2}-\d{2}$/.test(el.reportedBy.value) ? el.reportedBy.value : undefined }),
  );
  byId('reported-by-any').addEventListener('click', () => update({ reportedBy: undefined }));
  el.party.addEventListener('change', () =>
    update({ parties: [...el.party.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((box) => box.value) }),
  );
  byId('party-all').addEventListener('click', () => update({ parties: [] }));
  el.type.addEventListener('change', () =>
    update({ types: [...el.type.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((box) => box.value) }),
  );
  byId('type-all').addEventListener('click', () => update({ types: [] }));
  el.group.addEventListener('change', () => update({ group: el.group.value === 'party' ? 'party' : 'kind' }));
  let typing: ReturnType<typeof setTimeout> | undefined;
  el.q.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => update({ q: el.q.value.trim() || undefined }), 300);
  });
  byId('controls').addEventListener('submit', (event) => event.preventDefault());
  wireExports();
  for (const button of document.querySelectorAll<HTMLButtonElement>('.panel-switch button')) {
    button.addEventListener('click', () => {
      const panel = button.dataset.panel === 'compare' ? 'compare' : button.dataset.panel === 'chart' ? 'chart' : 'state';
      update({ panel, ...(panel === 'compare' ? comparisonDefaults() : {}) });
    });
  }
  byId('compare-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const day = (input: HTMLInputElement) => (/^\d{4}-\d{2}-\d{2}$/.test(input.value) ? input.value : undefined);
    update({
      compare: {
        from: day(el.compareFrom),
        to: day(el.compareTo),
        fromKnownAt: fromLocalInput(el.compareFromKnown.value),
        toKnownAt: fromLocalInput(el.compareToKnown.value),
      },
    });
  });

  byId('drawer-close').addEventListener('click', () => update({ commitment: undefined }));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !el.newList.hidden) {
      el.newList.hidden = true;
      el.newButton.setAttribute('aria-expanded', 'false');
      el.newButton.focus();
      return;
    }
    if (event.key === 'Escape' && !el.drawer.hidden) {
      if (view.commitment) update({ commitment: undefined });
      else closeDrawer();
    }
  });
  el.newButton.addEventListener('click', () => {
    el.newList.hidden = !el.newList.hidden;
    el.newButton.setAttribute('aria-expanded', String(!el.newList.hidden));
  });
  byId('error-retry').addEventListener('click', () => {
    clearError();
    void reloadAll();
  });
  const keyInput = byId<HTMLInputElement>('api-key');
  keyInput.value = apiKey() ?? '';
  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey(keyInput.value.trim() || undefined);
    void reloadAll();
  });
  byId('key-clear').addEventListener('click', () => {
    keyInput.value = '';
    setApiKey(undefined);
    void reloadAll();
  });
}

let live: LiveStream;

async function reloadAll(): Promise<void> {
  live.restart();
  if (!el.party.querySelector('input')) await loadFilterOptions();
  await Promise.all([loadTimeline(), loadState()]);
  if (view.panel === 'compare') void loadComparison();
  if (view.panel === 'chart') void loadChart();
  if (view.commitment) void openCommitment(view.commitment);
}

function start(): void {
  // The line's counts are asked first, before the timeline is even built: on a long history
  // they are the first paint, and the state (a large answer then) waits for them.
  const timelineLoaded = loadTimeline();
  createTimeline();
  wireControls();
  syncControls();
  live = new LiveStream({ onEvent: onLiveEvent, onStatus: onLiveStatus });
  live.start();
  void loadFilterOptions();
  const ready = Promise.all([timelineLoaded, page.firstCounts.then(loadState)]);
  void ready.then(() => {
    if (view.asOf) timeline.moveTo(dayStart(view.asOf), { animation: false });
  });
  if (view.commitment) void openCommitment(view.commitment);
  showPanel();
  if (view.panel === 'chart') void ready.then(loadChart);
  if (view.panel === 'compare') {
    if (!view.compare.from || !view.compare.to) update(comparisonDefaults());
    else void loadComparison();
  }
  document.body.dataset.ready = 'true';
}

start();
