/**
 * The shapes of the API's answers that the page reads, by the page's names. They come from the
 * OpenAPI document (api-types.gen.ts, `npm run openapi:types`): to change one, change the API's DTO.
 */
import type { components, paths } from './api-types.gen';

type Schemas = components['schemas'];

/** The JSON of GET `path`'s 200 answer. */
type Answer<Path extends keyof paths> = paths[Path] extends {
  get: { responses: { 200: { content: { 'application/json': infer Body } } } };
}
  ? Body
  : never;

export type EffectiveTime = Schemas['EffectiveTimeDto'];
export type Precision = EffectiveTime['precision'];
/** A `quote` is the source's own words, a `paraphrase` never is; `publishedAt` keeps its precision. */
export type Source = Schemas['SourceDto'];
/** The source that established a fact's current value, with its claims and corroborations. */
export type Attribution = Schemas['AttributionDto'];
/** One source's value of a fact sources disagree on (docs/claims-and-axes.md). */
export type Claim = Schemas['ClaimAnswerDto'];
export type ClaimSet = Schemas['ClaimSetDto'];

export type TimelinePage = Answer<'/v1/timeline'>;
export type TimelineEntry = TimelinePage['items'][number];
export type TimelineDensity = Answer<'/v1/timeline/density'>;
/** One slice of GET /v1/timeline/density. */
export type DensityRow = TimelineDensity['items'][number];

export type Terms = Schemas['TermsAnswerDto'];
export type Commitment = Answer<'/v1/commitments/{id}'>;
export type Track = Schemas['TrackAnswerDto'];
export type Deadline = Track['deadlines'][number];
export type Deployment = Schemas['DeploymentAnswerDto'];
export type Party = Schemas['PartyAnswerDto'];
export type PartyList = Answer<'/v1/parties'>;
export type SchemaList = Answer<'/v1/schemas'>;

/** GET /v1/state: the first page of every section, or (with `section`) the next page of one. */
export type StateAnswer = Answer<'/v1/state'>;
export type StateSectionName = 'parties' | 'tracks' | 'commitments' | 'deployments';
export const STATE_SECTION_NAMES: readonly StateSectionName[] = ['parties', 'tracks', 'commitments', 'deployments'];
/** One section of GET /v1/state: how many hold, a page of them in id order, and where the next page is. */
export type StateSection<Name extends StateSectionName> = NonNullable<StateAnswer[Name]>;
export type StateSectionItems = { [Name in StateSectionName]: StateSection<Name>['items'][number] };

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

export type StateDiff = Answer<'/v1/state/diff'>;
export type DiffChange = StateDiff['changed'][number]['changes'][number];

export type Ledger = Answer<'/v1/ledger'>;
export type LedgerRow = Ledger['rows'][number];

export type History = Answer<'/v1/commitments/{id}/history'>;
export type HistoryVersion = History['versions'][number];
export type FieldChange = HistoryVersion['changes'][number];

/** An event as GET /v1/events/stream sends it: the stored envelope. */
export type StreamedEvent = Schemas['RecordedEventDto'];
/** The data of the stream's `overflow` frame: where to resume. */
export type StreamOverflow = Schemas['StreamOverflowDto'];
