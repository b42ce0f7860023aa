import { deciderSpecification } from '../testing/decider-specification';
import { looseRecordOccurrence, occurrenceRecorded, recordOccurrence } from './occurrence-fixtures';
import { OCCURRENCE_KINDS, occurrenceDecider, OccurrenceData } from './occurrence';

const spec = deciderSpecification(occurrenceDecider);

describe('RecordOccurrence', () => {
  it('records a meeting', () => {
    spec.given([]).when(recordOccurrence()).then([occurrenceRecorded()]);
  });

  it('records a meeting with its place, participants, duration and topics', () => {
    const details: Partial<OccurrenceData> = {
      place: 'Sochi',
      participants: ['Alexander Lukashenko', 'Vladimir Putin'],
      durationHours: '5.5',
      topics: [{ topic: 'oil tax manoeuvre', hours: '3' }, { topic: 'gas price', hours: '2.5' }, { topic: 'roadmaps' }],
      description: 'No agreement on oil and gas',
    };
    spec
      .given([])
      .when(recordOccurrence(details))
      .then([occurrenceRecorded(details)]);
  });

  it('records a statement with its speaker and quote', () => {
    const statement: Partial<OccurrenceData> = {
      kind: 'statement',
      title: 'Lukashenko on sovereignty',
      parties: ['BY'],
      speaker: 'Alexander Lukashenko',
      quote: 'Sovereignty is sacred',
    };
    spec
      .given([])
      .when(recordOccurrence(statement))
      .then([occurrenceRecorded(statement)]);
  });

  it('records a forecast as a negative value with a unit and a horizon', () => {
    const forecast: Partial<OccurrenceData> = { kind: 'forecast', value: '-6', unit: '% GDP', horizon: '2020' };
    spec
      .given([])
      .when(recordOccurrence(forecast))
      .then([occurrenceRecorded(forecast)]);
  });

  it('records a range of money', () => {
    const range: Partial<OccurrenceData> = { kind: 'indicator', value: '300', valueMax: '400', currency: 'USD', unit: 'million' };
    spec
      .given([])
      .when(recordOccurrence(range))
      .then([occurrenceRecorded(range)]);
    const point: Partial<OccurrenceData> = { kind: 'indicator', value: '300', valueMax: '300', currency: 'USD' };
    spec
      .given([])
      .when(recordOccurrence(point))
      .then([occurrenceRecorded(point)]);
  });

  it('stores decimals in canonical form, the title and horizon trimmed', () => {
    spec
      .given([])
      .when(
        recordOccurrence({
          kind: 'exercise',
          title: ' Zapad-2021 ',
          value: '-006.50',
          valueMax: '0007.0',
          unit: 'thousand troops',
          durationHours: '010',
          topics: [{ topic: 'defence', hours: '02.500' }],
          horizon: ' 2021-09-10/2021-09-16 ',
        }),
      )
      .then([
        occurrenceRecorded({
          kind: 'exercise',
          title: 'Zapad-2021',
          value: '-6.5',
          valueMax: '7',
          unit: 'thousand troops',
          durationHours: '10',
          topics: [{ topic: 'defence', hours: '2.5' }],
          horizon: '2021-09-10/2021-09-16',
        }),
      ]);
  });

  it('accepts topic hours that add up to the duration exactly, and topic hours without a duration', () => {
    const exact: Partial<OccurrenceData> = {
      durationHours: '3',
      topics: [
        { topic: 'a', hours: '1.5' },
        { topic: 'b', hours: '1.5' },
      ],
    };
    spec
      .given([])
      .when(recordOccurrence(exact))
      .then([occurrenceRecorded(exact)]);
    const free: Partial<OccurrenceData> = { topics: [{ topic: 'a', hours: '12' }] };
    spec
      .given([])
      .when(recordOccurrence(free))
      .then([occurrenceRecorded(free)]);
  });

  it.each(OCCURRENCE_KINDS.filter((kind) => kind !== 'statement'))('records a %s', (kind) => {
    spec
      .given([])
      .when(recordOccurrence({ kind }))
      .then([occurrenceRecorded({ kind })]);
  });

  it('lists the kinds', () => {
    expect(OCCURRENCE_KINDS).toEqual(['meeting', 'exercise', 'statement', 'sanction', 'forecast', 'indicator', 'decision', 'other']);
  });

  it('refuses a second record on the same stream', () => {
    spec.given([occurrenceRecorded()]).when(recordOccurrence()).thenThrows('occurrence_already_exists', 'occurrenceId');
  });

  it('refuses a blank id', () => {
    spec
      .given([])
      .when(recordOccurrence({ occurrenceId: ' ' }))
      .thenThrows('occurrence_id_required', 'occurrenceId');
  });

  it.each(['summit', undefined])('refuses the kind %p', (kind) => {
    spec.given([]).when(looseRecordOccurrence({ kind })).thenThrows('invalid_occurrence_kind', 'kind');
  });

  it.each(['', ' ', undefined])('refuses the title %p', (title) => {
    spec.given([]).when(looseRecordOccurrence({ title })).thenThrows('title_required', 'title');
  });

  it.each([[[]], [undefined], ['BY']])('refuses the parties %p', (parties) => {
    spec.given([]).when(looseRecordOccurrence({ parties })).thenThrows('parties_required', 'parties');
  });

  it.each([[['BY', 'Belarus']], [['RU', 'RU']]])('refuses the parties %p', (parties) => {
    spec.given([]).when(looseRecordOccurrence({ parties })).thenThrows('invalid_party', 'parties');
  });

  it.each([
    [{ quote: 'Sovereignty is sacred' }, 'speaker'],
    [{ speaker: 'Alexander Lukashenko' }, 'quote'],
    [{}, 'speaker'],
  ])('refuses a statement without speaker or quote (%p)', (given, field) => {
    spec
      .given([])
      .when(recordOccurrence({ kind: 'statement', ...given }))
      .thenThrows('statement_needs_speaker_and_quote', field);
  });

  it('refuses a value that says neither its unit nor its currency', () => {
    spec
      .given([])
      .when(recordOccurrence({ kind: 'forecast', value: '-6' }))
      .thenThrows('value_needs_unit', 'unit');
  });

  it.each([
    ['value', 'minus six'],
    ['value', '6e0'],
    ['valueMax', '1.1234567'],
    ['durationHours', '-1'],
    ['durationHours', 'five'],
    ['durationHours', 5],
  ])('refuses %s = %p', (field, value) => {
    spec
      .given([])
      .when(looseRecordOccurrence({ [field]: value, unit: 'x' }))
      .thenThrows('invalid_decimal', field);
  });

  it.each(['-1', 'two'])('refuses topic hours %p', (hours) => {
    spec
      .given([])
      .when(looseRecordOccurrence({ topics: [{ topic: 'gas' }, { topic: 'oil', hours }] }))
      .thenThrows('invalid_decimal', 'topics[1].hours');
  });

  it('refuses a valueMax below the value, or without a value', () => {
    spec
      .given([])
      .when(recordOccurrence({ value: '400', valueMax: '300', unit: 'aircraft' }))
      .thenThrows('invalid_range', 'valueMax');
    spec
      .given([])
      .when(recordOccurrence({ valueMax: '300', unit: 'aircraft' }))
      .thenThrows('invalid_range', 'valueMax');
  });

  it('refuses topics that take longer than the occurrence', () => {
    spec
      .given([])
      .when(
        recordOccurrence({
          durationHours: '3',
          topics: [
            { topic: 'oil', hours: '2' },
            { topic: 'gas', hours: '1.000001' },
          ],
        }),
      )
      .thenThrows('topic_hours_exceed_duration', 'topics');
  });

  it.each(['next year', '2021-Q1', '2021-09-09T12:00', 2021])('refuses the horizon %p', (horizon) => {
    spec.given([]).when(looseRecordOccurrence({ horizon })).thenThrows('invalid_horizon', 'horizon');
  });

  it.each(['usd', 'US', 7])('refuses the currency %p', (currency) => {
    spec
      .given([])
      .when(looseRecordOccurrence({ value: '1', currency }))
      .thenThrows('invalid_currency', 'currency');
  });

  it.each([
    [{ place: ' ' }, 'place'],
    [{ participants: ['Putin', ''] }, 'participants[1]'],
    [{ participants: 'Putin' }, 'participants'],
    [{ topics: 'gas' }, 'topics'],
    [{ topics: ['gas'] }, 'topics[0]'],
    [{ topics: [{ hours: '1' }] }, 'topics[0].topic'],
    [{ speaker: '' }, 'speaker'],
    [{ unit: ' ' }, 'unit'],
    [{ description: '' }, 'description'],
  ])('refuses blank or malformed text %p', (data, field) => {
    spec.given([]).when(looseRecordOccurrence(data)).thenThrows('invalid_text', field);
  });
});
