import { DomainRuleViolation } from '../shared/errors';
import { Decider, deciderSpecification } from './decider-specification';

type CounterEvent = { type: 'Added'; data: { by: number } };
type CounterCommand = { type: 'Add'; data: { by: number } } | { type: 'Explode' };

const counter: Decider<number, CounterCommand, CounterEvent> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) => {
    if (command.type === 'Explode') throw new Error('not a rule, a bug');
    if (command.data.by <= 0) throw new DomainRuleViolation('not_positive', 'add more than 0', 'by');
    if (total + command.data.by > 10) throw new DomainRuleViolation('over_limit', 'at most 10');
    return { type: 'Added', data: { by: command.data.by } };
  },
};

const added = (by: number): CounterEvent => ({ type: 'Added', data: { by } });
const add = (by: number): CounterCommand => ({ type: 'Add', data: { by } });

describe('deciderSpecification', () => {
  const spec = deciderSpecification(counter);

  it('passes when the decision produces the expected events', () => {
    spec
      .given([])
      .when(add(3))
      .then([added(3)]);
    spec.given([]).when(add(3)).then(added(3));
  });

  it('folds the given events before deciding', () => {
    spec
      .given([added(4), added(5)])
      .when(add(1))
      .then([added(1)]);
    spec
      .given([added(4), added(5)])
      .when(add(2))
      .thenThrows('over_limit');
  });

  it('fails when the events differ', () => {
    expect(() =>
      spec
        .given([])
        .when(add(3))
        .then([added(4)]),
    ).toThrow();
    expect(() => spec.given([]).when(add(3)).then([])).toThrow();
  });

  it('matches a refusal by code, and by field when one is given', () => {
    spec.given([]).when(add(0)).thenThrows('not_positive');
    spec.given([]).when(add(0)).thenThrows('not_positive', 'by');
  });

  it('fails when the code or the field differs', () => {
    expect(() => spec.given([]).when(add(0)).thenThrows('over_limit')).toThrow();
    expect(() => spec.given([]).when(add(0)).thenThrows('not_positive', 'total')).toThrow();
  });

  it('fails when the command is accepted', () => {
    expect(() => spec.given([]).when(add(1)).thenThrows('not_positive')).toThrow(/was accepted/);
  });

  it('lets errors that are not rule violations through', () => {
    expect(() => spec.given([]).when({ type: 'Explode' }).thenThrows('not_positive')).toThrow('not a rule, a bug');
    expect(() => spec.given([]).when({ type: 'Explode' }).then([])).toThrow('not a rule, a bug');
  });
});
