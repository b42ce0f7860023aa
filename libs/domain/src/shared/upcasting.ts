import type { RecordedEvent } from './envelope';

/**
 * Stored shape is not domain shape: an event keeps the schema version it was
 * written with, and readers lift old versions to the current one as they read
 * (store rows, topic records). A change to an event's data shape adds a
 * version here and in the published schemas; old versions stay readable.
 * Every event type is at version 1 today, so the table is empty.
 */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;
export type UpcasterTable = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

export const UPCASTERS: UpcasterTable = {};

export class UnknownSchemaVersion extends Error {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(`no way to read ${type} at schema version ${schemaVersion}`);
    this.name = 'UnknownSchemaVersion';
  }
}

/** The event at the newest schema version its type has in `table`. */
export function upcast(event: RecordedEvent, table: UpcasterTable = UPCASTERS): RecordedEvent {
  const steps = table[event.type];
  if (!steps) {
    // A type with no upcasters is at version 1; anything newer is from a later release.
    if (event.schemaVersion !== 1) throw new UnknownSchemaVersion(event.type, event.schemaVersion);
    return event;
  }
  let { data, schemaVersion } = event as { data: Record<string, unknown>; schemaVersion: number };
  while (steps[schemaVersion]) {
    data = steps[schemaVersion](data);
    schemaVersion++;
  }
  const newest = Math.max(...Object.keys(steps).map(Number)) + 1;
  if (schemaVersion !== newest) throw new UnknownSchemaVersion(event.type, event.schemaVersion);
  return schemaVersion === event.schemaVersion ? event : { ...event, data, schemaVersion };
}
