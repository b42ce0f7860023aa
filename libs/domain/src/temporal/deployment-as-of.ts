import type { RecordedEvent } from '../shared/envelope';
import { dataOf, EntityFold, FoldFacts, foldAsOf, textOrNull } from './entity-fold';

/** A deployment as it stood at a valid time, as known at a transaction time. */
export interface DeploymentAsOf extends FoldFacts {
  readonly deploymentId: string;
  readonly asset: string;
  /** Exact decimal as text; null when the source gives no number. */
  readonly quantity: string | null;
  readonly unit: string | null;
  readonly place: string;
  readonly host: string;
  readonly by: string;
  readonly commandedBy: string | null;
  readonly purpose: string | null;
  /** False once a DeploymentEnded event counts. */
  readonly active: boolean;
  /** `effectiveAt.at` of the DeploymentStarted event. */
  readonly startedAt: string;
  /** `effectiveAt.at` of the first counting DeploymentEnded event; null while active. */
  readonly endedAt: string | null;
  /** The reason the ending gives; null while active or when it gives none. */
  readonly endReason: string | null;
}

interface DeploymentFoldState {
  readonly started: RecordedEvent;
  readonly ended: RecordedEvent | null;
}

const DEPLOYMENT_FOLD: EntityFold<DeploymentFoldState, DeploymentAsOf> = {
  creation: 'DeploymentStarted',
  changes: ['DeploymentEnded'],
  idField: 'deploymentId',
  start: (started) => ({ started, ended: null }),
  // The first ending in valid time ends it; a later one changes nothing.
  evolve: (state, event) => (event.type === 'DeploymentEnded' && !state.ended ? { ...state, ended: event } : state),
  answer: ({ started, ended }, facts) => {
    const data = dataOf(started);
    return {
      deploymentId: data.deploymentId as string,
      asset: data.asset as string,
      quantity: textOrNull(data.quantity),
      unit: textOrNull(data.unit),
      place: data.place as string,
      host: data.host as string,
      by: data.by as string,
      commandedBy: textOrNull(data.commandedBy),
      purpose: textOrNull(data.purpose),
      active: ended === null,
      startedAt: started.effectiveAt.at,
      endedAt: ended === null ? null : ended.effectiveAt.at,
      endReason: ended === null ? null : textOrNull(dataOf(ended).reason),
      ...facts,
    };
  },
};

/**
 * The deployment as it stood at valid time `asOf`, as known at `knownAt`, with
 * the semantics of `commitmentAsOf`: it exists once its DeploymentStarted
 * event counts, and is no longer active once a DeploymentEnded event counts
 * (whatever their order in the stream: an ending dated before the start ends
 * it from its start). `events` is one deployment stream, in any order.
 * Undefined when the deployment does not exist at `asOf` as known at `knownAt`.
 */
export function deploymentAsOf(
  events: readonly RecordedEvent[],
  asOf: string,
  knownAt: string,
  reportedBy?: string,
): DeploymentAsOf | undefined {
  return foldAsOf(DEPLOYMENT_FOLD, events, asOf, knownAt, reportedBy);
}
