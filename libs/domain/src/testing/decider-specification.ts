import { DomainRuleViolation } from '../shared/errors';

/**
 * An emmett-style decider: a fold over past events and a pure decision.
 * `Given` is what the fold reads, when that is not what the decision makes
 * (the revision decider folds recorded events and decides new ones).
 */
export interface Decider<State, Command, Event, Given = Event> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Given) => State;
  readonly decide: (command: Command, state: State) => Event | readonly Event[];
}

export interface DeciderSpecification<Command, Event, Given = Event> {
  given(events: readonly Given[]): {
    when(command: Command): DeciderThen<Event>;
  };
}

export interface DeciderThen<Event> {
  /** The decision produces exactly these events, in order. */
  then(expected: Event | readonly Event[]): void;
  /** The decision is refused with a `DomainRuleViolation` of this code (and field, when given). */
  thenThrows(code: string, field?: string): void;
}

/**
 * Given/when/then for Jest (uses the global `expect`):
 *
 *     const spec = deciderSpecification(commitmentDecider);
 *     spec.given([recorded]).when(disburse).then([disbursed]);
 *     spec.given([]).when(disburse).thenThrows('commitment_not_found', 'commitmentId');
 */
export function deciderSpecification<State, Command, Event, Given = Event>(
  decider: Decider<State, Command, Event, Given>,
): DeciderSpecification<Command, Event, Given> {
  return {
    given: (events) => ({
      when: (command) => {
        // Folded outside the decision so a broken `given` fails loudly instead of passing as a refusal.
        const state = (): State => events.reduce<State>(decider.evolve, decider.initialState());
        return {
          then(expected) {
            const current = state();
            expect(asList(decider.decide(command, current))).toEqual(asList(expected));
          },
          thenThrows(code, field) {
            const current = state();
            let produced: readonly Event[];
            try {
              produced = asList(decider.decide(command, current));
            } catch (error) {
              if (!(error instanceof DomainRuleViolation)) throw error;
              expect({ code: error.code, field: field === undefined ? undefined : error.field }).toEqual({
                code,
                field,
              });
              return;
            }
            throw new Error(`expected a DomainRuleViolation "${code}" but the command was accepted with ${JSON.stringify(produced)}`);
          },
        };
      },
    }),
  };
}

function asList<Event>(events: Event | readonly Event[]): readonly Event[] {
  return Array.isArray(events) ? (events as readonly Event[]) : [events as Event];
}
