import { fromScaled, InvalidDecimal, toScaled } from '../commitments/decimal';
import { InvalidEffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import { DomainRuleViolation } from '../shared/errors';
import { checkPartyList, optionalText, requireText } from '../parties/validation';
import type { OccurrenceCommand, RecordOccurrence } from './commands';
import type { OccurrenceEvent, OccurrenceRecorded, OccurrenceTopic } from './events';
import { occurrenceExists, OccurrenceState } from './state';
import { isOccurrenceKind } from './vocabulary';

const CURRENCY = /^[A-Z]{3}$/;

/** The events a command produces, in order; each command here produces exactly one. */
export function decideOccurrence(command: OccurrenceCommand, state: OccurrenceState): OccurrenceEvent[] {
  switch (command.type) {
    case 'RecordOccurrence':
      return [recordOccurrence(command, state)];
    default: {
      // A one-command union does not narrow `command` itself, only its type.
      const unknown: never = command.type;
      throw new DomainRuleViolation('unknown_command', `unknown command ${String(unknown)}`, 'type');
    }
  }
}

/**
 * Validates the occurrence and records it in canonical form: decimals
 * normalized, the title trimmed, the horizon trimmed, absent keys dropped.
 */
function recordOccurrence({ data }: RecordOccurrence, state: OccurrenceState): OccurrenceRecorded {
  if (occurrenceExists(state)) {
    throw new DomainRuleViolation('occurrence_already_exists', `occurrence ${state.occurrenceId} is already recorded`, 'occurrenceId');
  }
  if (typeof data.occurrenceId !== 'string' || data.occurrenceId.trim() === '') {
    throw new DomainRuleViolation('occurrence_id_required', 'an occurrence needs an id', 'occurrenceId');
  }
  if (!isOccurrenceKind(data.kind)) {
    throw new DomainRuleViolation('invalid_occurrence_kind', `"${String(data.kind)}" is not an occurrence kind`, 'kind');
  }
  const kind = data.kind;
  const title = requireText(data.title, 'title_required', 'title', 'an occurrence needs a title');
  const parties = checkPartyList(data.parties, 'parties');
  const place = optionalText(data.place, 'place');
  const participants = data.participants === undefined ? undefined : checkTexts(data.participants, 'participants');

  const durationHours = optionalDecimal(data.durationHours, 'durationHours', false);
  const topics = data.topics === undefined ? undefined : checkTopics(data.topics);
  if (durationHours !== undefined && topics !== undefined) {
    const spent = topics.reduce((sum, topic) => sum + (topic.hours === undefined ? 0n : toScaled(topic.hours)), 0n);
    if (spent > toScaled(durationHours)) {
      throw new DomainRuleViolation(
        'topic_hours_exceed_duration',
        `the topics take ${fromScaled(spent)} hours but the occurrence lasted ${durationHours}`,
        'topics',
      );
    }
  }

  const speaker = optionalText(data.speaker, 'speaker');
  const quote = optionalText(data.quote, 'quote');
  if (kind === 'statement' && (speaker === undefined || quote === undefined)) {
    throw new DomainRuleViolation(
      'statement_needs_speaker_and_quote',
      'a statement needs who said it and what was said',
      speaker === undefined ? 'speaker' : 'quote',
    );
  }

  const value = optionalDecimal(data.value, 'value', true);
  const valueMax = optionalDecimal(data.valueMax, 'valueMax', true);
  if (valueMax !== undefined) {
    if (value === undefined) {
      throw new DomainRuleViolation('invalid_range', 'valueMax is the upper end of a range that starts at value', 'valueMax');
    }
    if (toScaled(valueMax) < toScaled(value)) {
      throw new DomainRuleViolation('invalid_range', `valueMax ${valueMax} is below value ${value}`, 'valueMax');
    }
  }
  const unit = optionalText(data.unit, 'unit');
  if (data.currency !== undefined && (typeof data.currency !== 'string' || !CURRENCY.test(data.currency))) {
    throw new DomainRuleViolation(
      'invalid_currency',
      `currency must be an ISO 4217 code of 3 uppercase letters, got "${String(data.currency)}"`,
      'currency',
    );
  }
  const currency = data.currency;
  if (value !== undefined && unit === undefined && currency === undefined) {
    throw new DomainRuleViolation('value_needs_unit', 'a value needs a unit or a currency that says what it counts', 'unit');
  }

  const horizon = data.horizon === undefined ? undefined : checkHorizon(data.horizon);
  const description = optionalText(data.description, 'description');

  return {
    type: 'OccurrenceRecorded',
    data: {
      occurrenceId: data.occurrenceId,
      kind,
      title,
      parties,
      ...(place !== undefined && { place }),
      ...(participants !== undefined && { participants }),
      ...(durationHours !== undefined && { durationHours }),
      ...(topics !== undefined && { topics }),
      ...(speaker !== undefined && { speaker }),
      ...(quote !== undefined && { quote }),
      ...(value !== undefined && { value }),
      ...(valueMax !== undefined && { valueMax }),
      ...(unit !== undefined && { unit }),
      ...(currency !== undefined && { currency }),
      ...(horizon !== undefined && { horizon }),
      ...(description !== undefined && { description }),
    },
  };
}

/** Absent, or an exact decimal in canonical form (`"-06.50"` → `"-6.5"`); `invalid_decimal` otherwise. */
function optionalDecimal(value: unknown, field: string, negativeAllowed: boolean): string | undefined {
  if (value === undefined) return undefined;
  let units: bigint;
  try {
    units = toScaled(value as string);
  } catch (error) {
    if (error instanceof InvalidDecimal) throw new DomainRuleViolation('invalid_decimal', error.message, field);
    throw error;
  }
  if (!negativeAllowed && units < 0n) {
    throw new DomainRuleViolation('invalid_decimal', `${field} must not be negative`, field);
  }
  return fromScaled(units);
}

function checkTexts(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value)) throw new DomainRuleViolation('invalid_text', `${field} must be a list of texts`, field);
  return value.map((item, index) => optionalText(item, `${field}[${index}]`) ?? missingText(`${field}[${index}]`));
}

function checkTopics(value: unknown): readonly OccurrenceTopic[] {
  if (!Array.isArray(value)) throw new DomainRuleViolation('invalid_text', 'topics must be a list of topics', 'topics');
  return value.map((item: unknown, index) => {
    const field = `topics[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new DomainRuleViolation('invalid_text', `${field} must be { topic, hours? }`, field);
    }
    const entry = item as { topic?: unknown; hours?: unknown };
    const topic = optionalText(entry.topic, `${field}.topic`) ?? missingText(`${field}.topic`);
    const hours = optionalDecimal(entry.hours, `${field}.hours`, false);
    return { topic, ...(hours !== undefined && { hours }) };
  });
}

function missingText(field: string): never {
  throw new DomainRuleViolation('invalid_text', `${field} must be non-empty text`, field);
}

function checkHorizon(value: unknown): string {
  if (typeof value !== 'string') {
    throw new DomainRuleViolation('invalid_horizon', 'horizon must be an effective-time text like 2021', 'horizon');
  }
  try {
    parseEffectiveTime(value);
  } catch (error) {
    if (error instanceof InvalidEffectiveTime) {
      throw new DomainRuleViolation('invalid_horizon', error.message, 'horizon');
    }
    throw error;
  }
  return value.trim();
}
