import { v7 as uuidv7 } from 'uuid';
import {
  Aggregate,
  applyRevisions,
  commitmentAggregate,
  Confidence,
  deploymentAggregate,
  DomainEvent,
  EffectiveTime,
  foldAggregate,
  occurrenceAggregate,
  parseEffectiveTime,
  partyAggregate,
  RecordedEvent,
  Source,
  streamIdOf,
  trackAggregate,
} from '@timeline/domain';
import { validateEventData } from '@timeline/event-schemas';
import { seedEntityId } from '@timeline/seeds';

/**
 * A long, plausible negotiation history made up from a seed: parties,
 * commitments that are amended, disbursed, closed, corrected and retracted,
 * programmes with deadlines, deployments, and many meetings and statements.
 * Every event is decided by the aggregate's own decider and checked against
 * its published JSON Schema, so the history is one the service could have
 * recorded. Same seed and options, same events, ids included.
 */
export interface SyntheticHistoryOptions {
  readonly events: number;
  readonly seed: number;
  /** Recorded times run evenly from just after `from` to `until`. */
  readonly from: Date;
  readonly until: Date;
  /** Keys of generated entities start with this (so several runs make different ids). */
  readonly prefix: string;
  /** Parties the store has already: not registered again. */
  readonly registeredParties?: ReadonlySet<string>;
}

/** An event with the place the store would give it, except the global position. */
export type SyntheticEvent = Omit<RecordedEvent, 'position'>;

type Random = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARTIES: readonly [string, string, string][] = [
  ['RU', 'Russian Federation', 'state'],
  ['BY', 'Republic of Belarus', 'state'],
  ['UA', 'Ukraine', 'state'],
  ['KZ', 'Kazakhstan', 'state'],
  ['AM', 'Armenia', 'state'],
  ['KG', 'Kyrgyzstan', 'state'],
  ['TJ', 'Tajikistan', 'state'],
  ['UZ', 'Uzbekistan', 'state'],
  ['AZ', 'Azerbaijan', 'state'],
  ['GE', 'Georgia', 'state'],
  ['MD', 'Moldova', 'state'],
  ['LT', 'Lithuania', 'state'],
  ['LV', 'Latvia', 'state'],
  ['PL', 'Poland', 'state'],
  ['EE', 'Estonia', 'state'],
  ['DE', 'Germany', 'state'],
  ['FR', 'France', 'state'],
  ['CN', 'China', 'state'],
  ['US', 'United States', 'state'],
  ['TR', 'Türkiye', 'state'],
  ['RS', 'Serbia', 'state'],
  ['EU', 'European Union', 'bloc'],
  ['EAEU', 'Eurasian Economic Union', 'bloc'],
  ['CSTO', 'Collective Security Treaty Organization', 'organisation'],
  ['IMF', 'International Monetary Fund', 'organisation'],
  ['EDB', 'Eurasian Development Bank', 'organisation'],
  ['UNION', 'Union State of Russia and Belarus', 'union'],
  ['CIS', 'Commonwealth of Independent States', 'organisation'],
];
/** Most of what happens is between a few parties: weights follow the seed data's shape. */
const PARTY_WEIGHTS = PARTIES.map(([code]) =>
  code === 'RU' || code === 'BY' ? 30 : ['UA', 'KZ', 'EU', 'CN', 'EAEU'].includes(code) ? 4 : 1,
);
const CURRENCIES = ['USD', 'USD', 'USD', 'RUB', 'RUB', 'EUR', 'CNY'];
const PUBLISHERS = ['Reuters', 'TASS', 'BelTA', 'Interfax', 'RFE/RL', 'Kommersant', 'Meduza', 'EIU', 'Nasha Niva', 'Vedomosti'];
const SUBJECTS = [
  'oil supplies',
  'gas price',
  'refinancing',
  'tax manoeuvre',
  'border',
  'airbase',
  'potash transit',
  'nuclear plant',
  'single currency',
  'customs code',
  'energy market',
  'sanctions',
  'food safety',
  'air defence',
  'migration',
  'grain exports',
];
const PLACES = ['Minsk', 'Moscow', 'Sochi', 'St Petersburg', 'Brest', 'Grodno', 'Baranovichi', 'Gomel', 'Vitebsk', 'Kaliningrad'];
const SPEAKERS = ['Lukashenko', 'Putin', 'Medvedev', 'Siluanov', 'Makei', 'Lavrov', 'Golovchenko', 'Mishustin', 'Peskov', 'Kobyakov'];
const ASSETS = [
  'S-400 battalion',
  'Su-30SM fighters',
  'Iskander-M launchers',
  'motor rifle battalion',
  'radar station',
  'Mi-8 helicopters',
];
const AREAS = ['tax', 'customs', 'energy', 'transport', 'banking', 'agriculture', 'industry', 'labour', 'health', 'defence'];
const STATUS_PATHS: Record<string, string[]> = {
  proposed: ['agreed', 'stalled', 'dropped'],
  agreed: ['signed', 'stalled', 'dropped'],
  signed: ['in_implementation', 'stalled'],
  in_implementation: ['completed', 'stalled'],
  stalled: ['agreed', 'in_implementation', 'dropped'],
};

const DAY = 86_400_000;

interface OpenStream {
  readonly streamId: string;
  readonly aggregate: Aggregate;
  readonly entityId: string;
  readonly events: RecordedEvent[];
  /** Valid time of the stream's latest fact: later facts mostly follow it. */
  lastEffective: number;
  state: unknown;
}

export class SyntheticHistory {
  private readonly random: Random;
  private recorded: number;
  private readonly step: number;
  private produced = 0;
  private streams = 0;
  /** Streams still changing; a stream leaves when it is closed or after its last planned event. */
  private readonly open: OpenStream[] = [];
  private readonly partyTotal = PARTY_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  private readonly unregistered: (typeof PARTIES)[number][];

  constructor(private readonly options: SyntheticHistoryOptions) {
    this.random = seededRandom(options.seed);
    this.recorded = options.from.getTime();
    this.unregistered = PARTIES.filter(([code]) => !options.registeredParties?.has(code));
    this.step = Math.max(1, Math.floor((options.until.getTime() - options.from.getTime()) / Math.max(options.events, 1)));
  }

  /** The next `count` events at most, in recording order. */
  next(count: number): SyntheticEvent[] {
    const batch: SyntheticEvent[] = [];
    while (batch.length < count && this.produced < this.options.events) {
      const party = this.unregistered.shift();
      const event = party ? this.registerParty(party) : this.nextFact();
      if (!event) continue;
      batch.push(event);
      this.produced++;
    }
    return batch;
  }

  get done(): number {
    return this.produced;
  }

  private nextFact(): SyntheticEvent | undefined {
    const roll = this.random();
    if (this.open.length > 0 && roll < 0.45) return this.continueStream(this.open[Math.floor(this.random() * this.open.length)]);
    if (roll < 0.62) return this.newCommitment();
    if (roll < 0.66) return this.newTrack();
    if (roll < 0.69) return this.newDeployment();
    return this.newOccurrence();
  }

  private registerParty([partyId, name, kind]: (typeof PARTIES)[number]): SyntheticEvent {
    const stream = this.openStream(partyAggregate, partyId, false);
    return this.decide(
      stream,
      { type: 'RegisterParty', data: { partyId, name, kind } },
      this.effective(this.recorded - 20 * 365 * DAY, 'year'),
    )!;
  }

  private newCommitment(): SyntheticEvent | undefined {
    const [by, to] = this.pair();
    const kind = this.pick(['loan', 'loan', 'price', 'cash', 'compensation', 'deployment', 'legal', 'other']);
    const money = ['loan', 'price', 'cash', 'compensation'].includes(kind);
    const currency = this.pick(CURRENCIES);
    const amount = String(this.int(1, 300) * (kind === 'price' ? 1 : 10_000_000));
    const terms: Record<string, unknown> = money
      ? { amount, currency, ...(kind === 'price' ? { unit: `${currency} per 1000 m3` } : {}) }
      : { description: `${this.pick(SUBJECTS)} arrangement` };
    if (this.random() < 0.4) terms.validUntil = String(new Date(this.recorded + this.int(365, 5 * 365) * DAY).getUTCFullYear());
    if (this.random() < 0.3) terms.conditions = [`progress on ${this.pick(SUBJECTS)}`];
    if (this.random() < 0.2) terms.restrictions = [`only for ${this.pick(SUBJECTS)}`];
    const stream = this.openStream(commitmentAggregate, this.nextId('c'), true);
    return this.decide(
      stream,
      {
        type: 'RecordCommitment',
        data: {
          commitmentId: stream.entityId,
          kind,
          title: `${by} ${kind} to ${to} on ${this.pick(SUBJECTS)}`,
          by,
          to,
          status: this.random() < 0.35 ? 'requested' : 'pledged',
          terms,
        },
      },
      this.lagged(),
    );
  }

  private newTrack(): SyntheticEvent | undefined {
    const stream = this.openStream(trackAggregate, this.nextId('t'), true);
    const parties = [...new Set(this.pair())];
    return this.decide(
      stream,
      {
        type: 'OpenTrack',
        data: {
          trackId: stream.entityId,
          title: `Union programme on ${this.pick(SUBJECTS)}`,
          area: this.pick(AREAS),
          kind: this.pick(['program', 'agreement', 'reform', 'plan']),
          parties,
          status: 'proposed',
        },
      },
      this.lagged(),
    );
  }

  private newDeployment(): SyntheticEvent | undefined {
    const stream = this.openStream(deploymentAggregate, this.nextId('d'), true);
    return this.decide(
      stream,
      {
        type: 'StartDeployment',
        data: {
          deploymentId: stream.entityId,
          asset: this.pick(ASSETS),
          quantity: String(this.int(1, 24)),
          unit: 'units',
          place: this.pick(PLACES),
          host: 'BY',
          by: 'RU',
          purpose: 'joint air defence',
        },
      },
      this.lagged(),
    );
  }

  private newOccurrence(): SyntheticEvent | undefined {
    const kind = this.pick([
      'meeting',
      'meeting',
      'statement',
      'statement',
      'statement',
      'exercise',
      'sanction',
      'forecast',
      'indicator',
      'decision',
    ]);
    const parties = [...new Set(this.pair())];
    const subject = this.pick(SUBJECTS);
    const data: Record<string, unknown> = { kind, title: `${kind} on ${subject}`, parties };
    if (kind === 'meeting')
      Object.assign(data, {
        place: this.pick(PLACES),
        participants: [this.pick(SPEAKERS), this.pick(SPEAKERS)],
        durationHours: String(this.int(1, 9)),
      });
    if (kind === 'statement') Object.assign(data, { speaker: this.pick(SPEAKERS), quote: `we will not give up on the ${subject}` });
    if (kind === 'forecast' || kind === 'indicator') {
      const value = this.int(-8, 12);
      Object.assign(data, {
        value: String(value),
        valueMax: String(value + this.int(0, 3)),
        unit: '% of GDP',
        horizon: String(new Date(this.recorded).getUTCFullYear() + 1),
      });
    }
    // Most occurrences are one event; some stay open for a later correction or retraction.
    const stream = this.openStream(occurrenceAggregate, this.nextId('o'), this.random() < 0.1);
    data.occurrenceId = stream.entityId;
    return this.decide(stream, { type: 'RecordOccurrence', data }, this.lagged());
  }

  /** The next change to a stream that is still open: the aggregate's usual lifecycle, or a fix of an earlier event. */
  private continueStream(stream: OpenStream): SyntheticEvent | undefined {
    const roll = this.random();
    const effective = this.after(stream);
    if (stream.aggregate !== occurrenceAggregate && stream.events.length >= 2 && roll < 0.08) return this.revise(stream, 'correction');
    if (stream.aggregate !== occurrenceAggregate && stream.events.length >= 2 && roll < 0.11) return this.revise(stream, 'retraction');
    const state = stream.state as Record<string, unknown>;
    switch (stream.aggregate) {
      case commitmentAggregate: {
        const status = state.status as string;
        const terms = (state.terms ?? {}) as Record<string, unknown>;
        const id = stream.entityId;
        if (status !== 'requested' && status !== 'pledged') return this.close(stream);
        if (roll < 0.4) {
          const changes: Record<string, unknown> = terms.amount
            ? { amount: String(Number(terms.amount) + this.int(1, 50) * (terms.unit ? 1 : 5_000_000)) }
            : { description: `${this.pick(SUBJECTS)} arrangement, revised` };
          if (this.random() < 0.3) changes.validUntil = String(new Date(effective.at).getUTCFullYear() + this.int(1, 3));
          return this.decide(
            stream,
            { type: 'AmendCommitmentTerms', data: { commitmentId: id, changes, reason: 'renegotiated' } },
            effective,
          );
        }
        const disbursable = status === 'pledged' && terms.currency && !terms.unit && state.kind !== 'price';
        if (roll < 0.7 && disbursable) {
          const amount = String(Math.max(1, Math.floor(Number(terms.amount) / this.int(3, 8))));
          return this.decide(
            stream,
            { type: 'RecordDisbursement', data: { commitmentId: id, amount, currency: terms.currency } },
            effective,
          );
        }
        const next =
          status === 'requested'
            ? this.pick(['pledged', 'pledged', 'rejected', 'withdrawn', 'lapsed'])
            : this.pick(['fulfilled', 'fulfilled', 'lapsed', 'withdrawn', 'broken']);
        return this.decide(
          stream,
          { type: 'ChangeCommitmentStatus', data: { commitmentId: id, status: next, reason: 'as reported' } },
          effective,
        );
      }
      case trackAggregate: {
        const status = state.status as string;
        if (!STATUS_PATHS[status]) return this.close(stream);
        if (roll < 0.45) {
          const due = new Date(effective.at);
          const text = `${due.getUTCFullYear() + this.int(0, 2)}-${String(this.int(1, 12)).padStart(2, '0')}`;
          return this.decide(
            stream,
            {
              type: 'SetTrackDeadline',
              data: {
                trackId: stream.entityId,
                deadlineId: `d${stream.events.length}`,
                description: `stage ${stream.events.length}`,
                due: text,
              },
            },
            effective,
          );
        }
        return this.decide(
          stream,
          { type: 'ChangeTrackStatus', data: { trackId: stream.entityId, status: this.pick(STATUS_PATHS[status]), reason: 'as reported' } },
          effective,
        );
      }
      case deploymentAggregate:
        if (state.active === false || stream.events.length > 1) return this.close(stream);
        return this.decide(stream, { type: 'EndDeployment', data: { deploymentId: stream.entityId, reason: 'rotated out' } }, effective);
      case occurrenceAggregate:
        // A report is sometimes corrected (date or wording) or withdrawn after it was recorded.
        this.close(stream);
        return this.revise(stream, roll < 0.7 ? 'correction' : 'retraction');
      default:
        return this.close(stream);
    }
  }

  /** A correction of the date or data of an earlier fact, or its retraction, as the service would append it. */
  private revise(stream: OpenStream, kind: 'correction' | 'retraction'): SyntheticEvent | undefined {
    const current = applyRevisions(stream.events);
    const candidates = current.filter((event, index) => index > 0 && !event.type.startsWith('Event'));
    const target = kind === 'correction' || candidates.length === 0 ? current[this.int(0, current.length - 1)] : this.pick(candidates);
    if (!target) return undefined;
    const original = stream.events.find((event) => event.id === target.id)!;
    const source = this.source();
    if (kind === 'retraction') {
      return this.append(
        stream,
        { type: 'EventRetracted', data: { eventId: target.id, eventType: target.type, reason: 'the report was denied' } },
        target.effectiveAt,
        source,
        original.id,
        true,
      );
    }
    const data = target.data as { terms?: { amount?: string; unit?: string }; title?: string };
    if (target.type === 'CommitmentRecorded' && data.terms?.amount && this.random() < 0.5) {
      const amount = String(Number(data.terms.amount) + this.int(1, 9) * (data.terms.unit ? 1 : 1_000_000));
      const changes = { data: { terms: { amount } } };
      return this.append(
        stream,
        { type: 'EventCorrected', data: { eventId: target.id, eventType: target.type, changes, reason: 'the amount was misreported' } },
        target.effectiveAt,
        source,
        original.id,
        true,
      );
    }
    if (target.type === 'OccurrenceRecorded' && this.random() < 0.5) {
      const changes = { data: { title: `${data.title} (as corrected)` } };
      return this.append(
        stream,
        { type: 'EventCorrected', data: { eventId: target.id, eventType: target.type, changes, reason: 'the wording was misreported' } },
        target.effectiveAt,
        source,
        original.id,
        true,
      );
    }
    const shifted = this.effective(
      new Date(target.effectiveAt.at).getTime() + this.int(-40, 40) * DAY,
      target.effectiveAt.precision === 'range' ? 'day' : target.effectiveAt.precision,
    );
    return this.append(
      stream,
      {
        type: 'EventCorrected',
        data: { eventId: target.id, eventType: target.type, changes: { effectiveAt: shifted }, reason: 'the date was misreported' },
      },
      shifted,
      source,
      original.id,
      true,
    );
  }

  private openStream(aggregate: Aggregate, entityId: string, keepOpen: boolean): OpenStream {
    const stream: OpenStream = {
      streamId: streamIdOf(aggregate, entityId),
      aggregate,
      entityId,
      events: [],
      lastEffective: 0,
      state: aggregate.initialState(),
    };
    if (keepOpen) {
      // A bounded set of open streams keeps memory flat however many events are made.
      if (this.open.length >= 20_000) this.open.splice(Math.floor(this.random() * this.open.length), 1);
      this.open.push(stream);
    }
    return stream;
  }

  private close(stream: OpenStream): undefined {
    const index = this.open.indexOf(stream);
    if (index >= 0) this.open.splice(index, 1);
    return undefined;
  }

  private decide(
    stream: OpenStream,
    command: { type: string; data: Record<string, unknown> },
    effectiveAt: EffectiveTime,
  ): SyntheticEvent | undefined {
    let event: DomainEvent;
    try {
      [event] = stream.aggregate.decide(command, stream.state);
    } catch {
      // The lifecycle does not allow it (say, its creation was retracted): the service would refuse it too.
      return this.close(stream);
    }
    return this.append(stream, event, effectiveAt, this.source(), null, false);
  }

  private append(
    stream: OpenStream,
    event: DomainEvent,
    effectiveAt: EffectiveTime,
    source: Source,
    causationId: string | null,
    revision: boolean,
  ): SyntheticEvent | undefined {
    const problems = validateEventData(event.type, event.data);
    if (problems.length)
      throw new Error(`generated ${event.type} does not match its schema: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    this.recorded += this.step;
    const recordedAt = new Date(this.recorded).toISOString();
    const recorded: RecordedEvent = {
      id: uuidv7({ msecs: this.recorded, random: this.bytes() }),
      type: event.type,
      schemaVersion: 1,
      streamId: stream.streamId,
      streamType: stream.aggregate.streamType,
      streamVersion: stream.events.length + 1,
      position: '0',
      effectiveAt,
      recordedAt,
      actor: this.pick(['analyst:anna', 'analyst:ivan', 'editor:olga', 'import:newswire']),
      source,
      confidence: this.pick<Confidence>(['reported', 'reported', 'confirmed', 'claimed']),
      correlationId: uuidv7({ msecs: this.recorded, random: this.bytes() }),
      causationId,
      data: event.data,
    };
    if (revision) {
      try {
        stream.state = foldAggregate(stream.aggregate, [...stream.events, recorded]);
      } catch {
        this.recorded -= this.step;
        return undefined; // this fix would leave the history inconsistent: the service refuses it too
      }
    } else {
      stream.state = stream.aggregate.evolve(stream.state, event);
    }
    stream.events.push(recorded);
    stream.lastEffective = Math.max(stream.lastEffective, new Date(effectiveAt.at).getTime());
    if (this.open.includes(stream) && stream.events.length >= 8) this.close(stream);
    const { position: _position, ...placed } = recorded;
    return placed;
  }

  /** When a new fact took effect: mostly days before it was recorded, sometimes years (a retroactive record). */
  private lagged(): EffectiveTime {
    const roll = this.random();
    const lagDays = roll < 0.7 ? this.int(0, 20) : roll < 0.95 ? this.int(20, 400) : this.int(400, 2000);
    return this.effective(this.recorded - lagDays * DAY, this.precision());
  }

  /** A later fact of a stream: after the stream's latest, and not after it is recorded (mostly). */
  private after(stream: OpenStream): EffectiveTime {
    const earliest = stream.lastEffective + DAY;
    const at = Math.max(earliest, this.recorded - this.int(0, 60) * DAY);
    return this.effective(at, this.precision());
  }

  private precision(): string {
    const roll = this.random();
    return roll < 0.55 ? 'day' : roll < 0.8 ? 'month' : roll < 0.88 ? 'year' : roll < 0.96 ? 'instant' : 'range';
  }

  private effective(millis: number, precision: string): EffectiveTime {
    const date = new Date(millis).toISOString();
    if (precision === 'year') return parseEffectiveTime(date.slice(0, 4));
    if (precision === 'month') return parseEffectiveTime(date.slice(0, 7));
    if (precision === 'instant') return parseEffectiveTime(`${date.slice(0, 19)}Z`);
    if (precision === 'range') return parseEffectiveTime(`${date.slice(0, 7)}/${new Date(millis + 62 * DAY).toISOString().slice(0, 7)}`);
    return parseEffectiveTime(date.slice(0, 10));
  }

  private source(): Source {
    const publisher = this.pick(PUBLISHERS);
    const subject = this.pick(SUBJECTS);
    // Made up, and says so: no outlet wrote this, so it is a paraphrase in a made-up title, never a quote.
    return {
      title: `Made-up (generated): ${publisher} on ${subject}`,
      publisher,
      url: `https://news.example/${this.int(1, 9_999_999)}`,
      paraphrase: `made-up: talks on ${subject} continued`,
    };
  }

  private pair(): [string, string] {
    const first = this.party();
    let second = this.party();
    while (second === first) second = this.party();
    return [first, second];
  }

  private party(): string {
    let roll = this.random() * this.partyTotal;
    for (let index = 0; index < PARTIES.length; index++) {
      roll -= PARTY_WEIGHTS[index];
      if (roll < 0) return PARTIES[index][0];
    }
    return PARTIES[0][0];
  }

  /** A UUID, as every entity id; made from a key the way data-set entries' ids are, so the same run makes the same ids. */
  private nextId(kind: string): string {
    this.streams++;
    return seedEntityId(`${this.options.prefix}${kind}${this.streams.toString(36)}`);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)];
  }

  private bytes(): Uint8Array {
    const bytes = new Uint8Array(16);
    for (let index = 0; index < 16; index += 4) {
      const value = (this.random() * 4294967296) >>> 0;
      bytes[index] = value & 255;
      bytes[index + 1] = (value >>> 8) & 255;
      bytes[index + 2] = (value >>> 16) & 255;
      bytes[index + 3] = value >>> 24;
    }
    return bytes;
  }
}
