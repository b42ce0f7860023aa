/** What happened: a meeting, a military exercise, a statement, a sanction, a forecast, an indicator, a decision. */
export type OccurrenceKind = 'meeting' | 'exercise' | 'statement' | 'sanction' | 'forecast' | 'indicator' | 'decision' | 'other';

export const OCCURRENCE_KINDS: readonly OccurrenceKind[] = [
  'meeting',
  'exercise',
  'statement',
  'sanction',
  'forecast',
  'indicator',
  'decision',
  'other',
];

export function isOccurrenceKind(value: unknown): value is OccurrenceKind {
  return OCCURRENCE_KINDS.includes(value as OccurrenceKind);
}
