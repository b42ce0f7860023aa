/**
 * Turns timeline entries (GET /v1/timeline) into what the timeline draws:
 * durations (a commitment from its record to its end, a programme from its
 * opening to its close, a deployment from start to end), points for the other
 * events, deadlines where they fall, and every date known only to the month,
 * year or a range drawn as a hatched span over that whole period.
 * No DOM and no library here: the page hands the result to vis-timeline.
 */
import { compactAmount, eventTypeLabel, formatEffective, formatPartialDate, humanize, partialDatePeriod, textOf } from './format';
import { fieldLabel } from './fields';
import type { GroupBy } from './view-state';
import type { TimelineEntry } from './types';

export interface TimelineItem {
  id: string;
  group: string;
  /** Plain text: the page escapes it before vis-timeline sees it. */
  label: string;
  tooltip: string;
  start: string;
  end?: string;
  type: 'point' | 'range';
  classNames: string[];
  streamId: string;
  streamType: string;
  eventId: string;
}

export interface TimelineGroup {
  id: string;
  label: string;
  order: number;
}

export const KIND_GROUPS: Record<string, { label: string; order: number }> = {
  commitment: { label: 'Commitments', order: 1 },
  track: { label: 'Programmes', order: 2 },
  deployment: { label: 'Deployments', order: 3 },
  occurrence: { label: 'Meetings, statements', order: 4 },
};

const CLOSING_COMMITMENT = new Set(['fulfilled', 'lapsed', 'withdrawn', 'broken', 'rejected']);
const CLOSING_TRACK = new Set(['completed', 'dropped']);
const COARSE = new Set(['year', 'month', 'range']);

/** Parties are drawn through what they do; their registration is not an event on the line. */
export const NOT_DRAWN = new Set(['PartyRegistered', 'EventCorrected', 'EventRetracted']);

export function timelineItems(entries: TimelineEntry[], groupBy: GroupBy, now: Date): { items: TimelineItem[]; groups: TimelineGroup[] } {
  const closes = closingDates(entries);
  const items: TimelineItem[] = [];
  for (const entry of entries) {
    if (NOT_DRAWN.has(entry.type) || !KIND_GROUPS[entry.streamType]) continue;
    // A row whose sources disagree on a fact is marked on the line itself (its tooltip lists the claims).
    const disputed = Object.values(entry.claims ?? {}).some((claims) => claims.claims.length > 1);
    items.push(
      ...itemsOf(entry, closes, now).map((item) => ({
        ...item,
        group: groupOf(entry, groupBy),
        classNames: disputed ? [...item.classNames, 'disputed'] : item.classNames,
      })),
    );
  }
  const groupIds = [...new Set(items.map((item) => item.group))];
  const groups = groupIds
    .map((id) =>
      groupBy === 'kind' ? { id, label: KIND_GROUPS[id]?.label ?? id, order: KIND_GROUPS[id]?.order ?? 9 } : { id, label: id, order: 0 },
    )
    .sort((a, b) => a.order - b.order || a.label.localeCompare(b.label));
  return { items, groups };
}

function groupOf(entry: TimelineEntry, groupBy: GroupBy): string {
  if (groupBy === 'kind') return entry.streamType;
  return entry.parties.length ? [...entry.parties].sort().join(' · ') : 'no party';
}

/**
 * When each stream's duration ends: a closing status, the end of a deployment,
 * or — for a commitment still open — the end of the validity its terms state
 * (the record's `validUntil`, or the last amendment's): it lapses there.
 */
function closingDates(entries: TimelineEntry[]): Map<string, string> {
  const closes = new Map<string, string>();
  const validity = new Map<string, string>();
  for (const entry of entries) {
    const changes = entry.data.changes as { validUntil?: string | null } | undefined;
    if (entry.type === 'CommitmentTermsAmended' && changes && 'validUntil' in changes) {
      const period = changes.validUntil ? partialDatePeriod(changes.validUntil) : undefined;
      validity.set(entry.streamId, period ? period.end.toISOString() : '');
    }
  }
  for (const entry of entries) {
    const status = textOf(entry.data.to, entry.data.status);
    const closing =
      (entry.type === 'CommitmentStatusChanged' && CLOSING_COMMITMENT.has(status)) ||
      (entry.type === 'TrackStatusChanged' && CLOSING_TRACK.has(status)) ||
      entry.type === 'DeploymentEnded';
    if (closing && !closes.has(entry.streamId)) closes.set(entry.streamId, entry.effectiveAt.at);
  }
  for (const [streamId, end] of validity) if (!closes.has(streamId)) closes.set(streamId, end);
  return closes;
}

function itemsOf(entry: TimelineEntry, closes: Map<string, string>, now: Date): Omit<TimelineItem, 'group'>[] {
  const base = {
    streamId: entry.streamId,
    streamType: entry.streamType,
    eventId: entry.eventId,
    tooltip: tooltipOf(entry),
  };
  const uncertain = COARSE.has(entry.effectiveAt.precision);
  const precisionClass = `precision-${entry.effectiveAt.precision}`;
  switch (entry.type) {
    case 'CommitmentRecorded':
    case 'TrackOpened':
    case 'DeploymentStarted': {
      const end = durationEnd(entry, closes.get(entry.streamId));
      const status = textOf(entry.data.status);
      return [
        {
          ...base,
          id: entry.eventId,
          label: titleOf(entry),
          start: entry.effectiveAt.at,
          end: end?.at ?? now.toISOString(),
          type: 'range',
          classNames: [
            'duration',
            `stream-${entry.streamType}`,
            status ? `status-${status}` : '',
            end ? '' : 'open-ended',
            uncertain ? 'uncertain-start' : '',
            precisionClass,
          ].filter(Boolean),
        },
      ];
    }
    case 'TrackDeadlineSet': {
      const due = partialDatePeriod(textOf(entry.data.due));
      if (!due) return [];
      return [
        {
          ...base,
          id: entry.eventId,
          label: `Due: ${textOf(entry.data.description, entry.data.deadlineId, 'deadline')}`,
          tooltip: `Deadline ${formatPartialDate(String(entry.data.due))}\n${base.tooltip}`,
          start: due.start.toISOString(),
          end: due.precision === 'day' ? undefined : due.end.toISOString(),
          type: due.precision === 'day' ? 'point' : 'range',
          classNames: ['deadline', due.precision === 'day' ? '' : 'uncertain', `precision-${due.precision}`].filter(Boolean),
        },
      ];
    }
    default:
      return [
        {
          ...base,
          id: entry.eventId,
          label: titleOf(entry),
          start: entry.effectiveAt.at,
          end: uncertain ? entry.effectiveAt.until : undefined,
          type: uncertain && entry.effectiveAt.until ? 'range' : 'point',
          classNames: ['event', `stream-${entry.streamType}`, `type-${entry.type}`, uncertain ? 'uncertain' : '', precisionClass].filter(
            Boolean,
          ),
        },
      ];
  }
}

/** A commitment runs to its closing status, else to the end of its validity; programmes and deployments to their close. */
function durationEnd(entry: TimelineEntry, closedAt: string | undefined): { at: string } | undefined {
  if (closedAt !== undefined) return closedAt ? { at: closedAt } : undefined;
  const terms = entry.data.terms as { validUntil?: string } | undefined;
  const validUntil = terms?.validUntil ? partialDatePeriod(terms.validUntil) : undefined;
  return validUntil ? { at: validUntil.end.toISOString() } : undefined;
}

function titleOf(entry: TimelineEntry): string {
  const data = entry.data;
  switch (entry.type) {
    case 'CommitmentRecorded':
      return `${textOf(data.title, 'Commitment')} (${textOf(data.by, '?')}→${textOf(data.to, '?')}, ${humanize(textOf(data.status))})`;
    case 'CommitmentStatusChanged':
    case 'TrackStatusChanged':
      return `→ ${humanize(textOf(data.to, data.status))}`;
    case 'CommitmentTermsAmended':
      return 'Terms amended';
    case 'CommitmentDisbursed':
      return `Disbursed ${compactAmount(typeof data.amount === 'string' ? data.amount : null, typeof data.currency === 'string' ? data.currency : null)}`;
    case 'DeploymentStarted':
      return `${textOf(data.asset, 'Deployment')}${data.place ? ` — ${textOf(data.place)}` : ''}`;
    case 'DeploymentEnded':
      return 'Deployment ended';
    default:
      return textOf(data.title, data.name, data.description, eventTypeLabel(entry.type));
  }
}

function tooltipOf(entry: TimelineEntry): string {
  const name = (source: TimelineEntry['source']) => [source.publisher, source.title].filter(Boolean).join(': ');
  const source = name(entry.source);
  const corrected =
    entry.originalSource && name(entry.originalSource) !== source ? `Corrected; first recorded from ${name(entry.originalSource)}` : '';
  const uncertain = COARSE.has(entry.effectiveAt.precision) ? ' (date known to the ' + entry.effectiveAt.precision + ')' : '';
  // The source's words in quotation marks; a paraphrase is labelled and never quoted.
  return [
    `${eventTypeLabel(entry.type)} · ${formatEffective(entry.effectiveAt)}${uncertain}`,
    source && `Source: ${source}`,
    entry.source.quote && `“${entry.source.quote}”`,
    entry.source.paraphrase && `Paraphrase: ${entry.source.paraphrase}`,
    corrected,
    ...Object.entries(entry.claims ?? {})
      .filter(([, claims]) => claims.claims.length > 1)
      .map(
        ([path, claims]) =>
          `${claims.claims.length} sources disagree on ${fieldLabel(path.replace(/^data\./, '')).toLowerCase()}: ${claims.claims.map((claim) => `${claimText(entry, path, claim.value)} (${claim.source.publisher ?? claim.source.title ?? 'source'}${claim.current ? ', current' : ''})`).join('; ')}`,
      ),
    entry.corroboratedBy?.length
      ? `Also reported by ${entry.corroboratedBy.map((other) => other.source.publisher ?? other.source.title ?? 'a source').join(', ')}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** A claimed value as the row's own figures read: an amount with the row's currency or unit, a date with its precision. */
function claimText(entry: TimelineEntry, path: string, value: string): string {
  if (path === 'effectiveAt') return value.split('/').map(formatPartialDate).join(' to ');
  if (/(^|\.)amount$/.test(path)) {
    const terms = entry.data.terms as { currency?: string; unit?: string } | undefined;
    return compactAmount(value, terms?.currency, terms?.unit);
  }
  return value;
}
