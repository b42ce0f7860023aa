import type { DomainEvent } from '../shared/envelope';

/** Assets of `by` placed on the territory of `host`: aircraft, air-defence systems, troops, a training centre. */
export type DeploymentStarted = DomainEvent<
  'DeploymentStarted',
  {
    readonly deploymentId: string;
    readonly asset: string;
    /** Exact positive decimal as text, counted in `unit`. */
    readonly quantity?: string;
    /** What the quantity counts (`aircraft`, `troops`); always there when the quantity is. */
    readonly unit?: string;
    readonly place: string;
    /** Party code of the party on whose territory the assets are. */
    readonly host: string;
    /** Party code of the party whose assets they are. */
    readonly by: string;
    /** Party code of the party that commands them, when the source says. */
    readonly commandedBy?: string;
    readonly purpose?: string;
  }
>;

export type DeploymentEnded = DomainEvent<
  'DeploymentEnded',
  {
    readonly deploymentId: string;
    readonly reason?: string;
  }
>;

export type DeploymentEvent = DeploymentStarted | DeploymentEnded;

export type DeploymentEventType = DeploymentEvent['type'];

export const DEPLOYMENT_EVENT_TYPES = ['DeploymentStarted', 'DeploymentEnded'] as const satisfies readonly DeploymentEventType[];

// Fails to compile when an event joins the union but not the list above.
type ListsEvery<Missing extends never> = Missing;
type _EveryEventTypeListed = ListsEvery<Exclude<DeploymentEventType, (typeof DEPLOYMENT_EVENT_TYPES)[number]>>;

export function isDeploymentEventType(type: string): type is DeploymentEventType {
  return (DEPLOYMENT_EVENT_TYPES as readonly string[]).includes(type);
}
