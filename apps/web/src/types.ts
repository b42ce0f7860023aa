/** The shapes of the API's answers that the page reads (see the OpenAPI document at /openapi.json). */

export type Precision = 'year' | 'month' | 'day' | 'instant' | 'range';

export interface EffectiveTime {
  at: string;
  precision: Precision;
  until?: string;
}

export interface Source {
  title?: string;
  publisher?: string;
  url?: string;
  /** With its precision: `2021-09`, `2021-09-09`, or a range `2021-09-09/2021-09-16`. */
  publishedAt?: string;
  /** True: publishedAt is an estimate, not a date the source gives. */
  publishedAtEstimated?: boolean;
  /** The source's own words: shown in quotation marks. */
  quote?: string;
  /** The source in other words than its own: never shown in quotation marks. */
  paraphrase?: string;
  /** What the recorder adds: an inference, the basis of an estimate. */
  note?: string;
}

export interface TimelineEntry {
  eventId: string;
  position: string;
  streamId: string;
  streamType: string;
  streamVersion: number;
  type: string;
  effectiveAt: EffectiveTime;
  recordedAt: string;
  knownSince: string;
  actor: string;
  confidence: string;
  /** The source of the row as it now reads: a correction's when corrected. */
  source: Source;
  /** The source the event was recorded with. */
  originalSource?: Source;
  /** Paths a correction changed → the correction's source. */
  sources?: Record<string, Attribution>;
  /** Other sources that confirm this event. */
  corroboratedBy?: Attribution[];
  /** Facts sources disagree on, keyed `effectiveAt` or `data.<path>` (`data.terms.amount`). */
  claims?: Record<string, ClaimSet>;
  parties: string[];
  data: Record<string, unknown>;
}

export interface TimelinePage {
  knownAt: string;
  items: TimelineEntry[];
  nextCursor: string | null;
}

export interface Terms {
  amount?: string;
  currency?: string;
  unit?: string;
  validFrom?: string;
  validUntil?: string;
  conditions?: string[];
  restrictions?: string[];
  description?: string;
}

/** The source that established a fact's current value. */
export interface Attribution {
  eventId: string;
  type: string;
  source: Source;
  confidence: string;
  recordedAt: string;
  /** Only on a fact sources disagree on: every claim, earliest published first, and which is current and why. */
  claims?: ClaimSet;
  /** Only when other sources confirm the fact's event. */
  corroboratedBy?: Attribution[];
}

/** One source's value of a fact sources disagree on (docs/claims-and-axes.md). */
export interface Claim {
  claimId: string;
  /** The field's own value as text: an amount `630000000`, a date `2021-09-08` or `2021/2021-09`. */
  value: string;
  source: Source;
  confidence: string;
  /** True: the source gives a verbatim quote; otherwise its paraphrase is shown, never in quotation marks. */
  quoted: boolean;
  publishedAt?: string;
  publishedAtEstimated?: boolean;
  recordedAt: string;
  current: boolean;
}

export interface ClaimSet {
  field: string;
  /** The claimId of the current claim. */
  current: string;
  /** `latest_published` by default, `chosen` when an analyst chose one. */
  why: string;
  /** The analyst's reason when chosen, else what the default rests on. */
  reason?: string | null;
  choiceId?: string | null;
  claims: Claim[];
}

export interface Commitment {
  id: string;
  version: number;
  kind: string;
  title: string;
  by: string;
  to: string;
  /** `lapsed` once the validity its terms state has ended (then `lapsedAt` says when). */
  status: string;
  lapsedAt?: string | null;
  terms: Terms;
  currency: string | null;
  unit: string | null;
  pledged: string | null;
  /** Absent for a price: a rate is not a sum. */
  disbursed?: string | null;
  outstanding?: string | null;
  uncertain: unknown[];
  /** Fact path (`status`, `terms.amount`) → the source of its current value. */
  sources?: Record<string, Attribution>;
}

export interface Deadline {
  deadlineId: string;
  due: string;
  description?: string;
}

export interface Track {
  trackId: string;
  title: string;
  kind: string;
  area?: string;
  status: string;
  parties: string[];
  deadlines: Deadline[];
  uncertain: unknown[];
}

export interface Deployment {
  deploymentId: string;
  asset: string;
  quantity: string | null;
  unit: string | null;
  place: string | null;
  by: string;
  host: string;
  commandedBy: string | null;
  startedAt: string;
  uncertain: unknown[];
  /** Fact path (`asset`, `effectiveAt`) → the source of its current value. */
  sources?: Record<string, Attribution>;
}

export interface Party {
  partyId: string;
  name?: string;
  kind?: string;
}

/** One section of GET /v1/state: how many hold, a page of them in id order, and where the next page is. */
export interface StateSection<T> {
  total: number;
  items: T[];
  nextCursor: string | null;
  /** The next page, as a path to GET (its time axes pinned to the first page's); null on the last. */
  next: string | null;
}

export interface StateSectionItems {
  parties: Party;
  tracks: Track;
  commitments: Commitment;
  deployments: Deployment;
}
export type StateSectionName = keyof StateSectionItems;
export const STATE_SECTION_NAMES: readonly StateSectionName[] = ['parties', 'tracks', 'commitments', 'deployments'];

/** GET /v1/state: the first page of every section, or (with `section`) the next page of one. */
export type StateAnswer = { asOf: string; knownAt: string; uncertain?: boolean } & {
  [name in StateSectionName]?: StateSection<StateSectionItems[name]>;
};

/** The state as the page holds it: every page of each section loaded so far. */
export interface State {
  asOf: string;
  knownAt: string;
  parties: Party[];
  tracks: Track[];
  commitments: Commitment[];
  deployments: Deployment[];
  uncertain: boolean;
  totals: Record<StateSectionName, number>;
  /** Per section, the path of its next page; null once every item is loaded. */
  next: Record<StateSectionName, string | null>;
}

export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

export interface HistoryVersion {
  version: number;
  eventId: string;
  type: string;
  effectiveAt: EffectiveTime;
  recordedAt: string;
  actor: string;
  source: Source;
  confidence: string;
  changes: FieldChange[];
  fixes?: { eventId: string; type: string; kind: 'correction' | 'retraction'; ignored?: string };
  correctedBy?: { eventId: string; recordedAt: string }[];
  retracted?: { by: string; recordedAt: string };
  /** For a claim event: the event it is about, and what it says of it. */
  about?: { eventId: string; kind: 'corroboration' | 'claim' | 'choice'; field?: string };
}

export interface History {
  id: string;
  versions: HistoryVersion[];
}

/** An event as the stream sends it (the stored envelope). */
export interface StreamedEvent {
  id: string;
  type: string;
  streamId: string;
  streamType: string;
  position: string;
  effectiveAt: EffectiveTime;
  recordedAt: string;
  data: Record<string, unknown>;
}
