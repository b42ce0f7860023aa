import { applyFieldChanges, fieldChanges } from './field-changes';

describe('fieldChanges', () => {
  it('compares objects key by key, with dotted paths, sorted', () => {
    expect(
      fieldChanges(
        { status: 'pledged', terms: { amount: '600', currency: 'USD' }, title: 'Loan' },
        { status: 'fulfilled', terms: { amount: '500', currency: 'USD' }, title: 'Loan' },
      ),
    ).toEqual([
      { path: 'status', from: 'pledged', to: 'fulfilled' },
      { path: 'terms.amount', from: '600', to: '500' },
    ]);
  });

  it('compares arrays as whole values', () => {
    expect(fieldChanges({ terms: { restrictions: ['a'] } }, { terms: { restrictions: ['a', 'b'] } })).toEqual([
      { path: 'terms.restrictions', from: ['a'], to: ['a', 'b'] },
    ]);
    expect(fieldChanges({ list: [{ x: 1 }] }, { list: [{ x: 1 }] })).toEqual([]);
  });

  it('reports a missing key as null: from null when added, to null when removed', () => {
    expect(fieldChanges({ terms: { amount: '1' } }, { terms: { currency: 'USD' } })).toEqual([
      { path: 'terms.amount', from: '1', to: null },
      { path: 'terms.currency', from: null, to: 'USD' },
    ]);
  });

  it('takes null, undefined and a missing key as the same', () => {
    expect(fieldChanges({ outstanding: null, a: undefined }, {})).toEqual([]);
    expect(fieldChanges({}, { outstanding: null })).toEqual([]);
  });

  it('reports an object against a non-object as a whole value', () => {
    expect(fieldChanges({}, { status: 'pledged', terms: { amount: '1' } })).toEqual([
      { path: 'status', from: null, to: 'pledged' },
      { path: 'terms', from: null, to: { amount: '1' } },
    ]);
    expect(fieldChanges({ terms: { amount: '1' } }, { terms: ['x'] })).toEqual([{ path: 'terms', from: { amount: '1' }, to: ['x'] }]);
  });

  it('prefixes paths, and reports differing scalars at the given path', () => {
    expect(fieldChanges({ amount: '1' }, { amount: '2' }, 'terms')).toEqual([{ path: 'terms.amount', from: '1', to: '2' }]);
    expect(fieldChanges(1, 2)).toEqual([{ path: '', from: 1, to: 2 }]);
    expect(fieldChanges('same', 'same')).toEqual([]);
  });

  it('sorts paths across levels', () => {
    expect(fieldChanges({ b: 1, a: { z: 1, y: 1 }, c: 1 }, { b: 2, a: { z: 2, y: 2 }, c: 2 }).map((change) => change.path)).toEqual([
      'a.y',
      'a.z',
      'b',
      'c',
    ]);
  });
});

describe('applyFieldChanges', () => {
  it('sets values along paths and removes keys changed to null, without touching the base', () => {
    const base = { status: 'pledged', terms: { amount: '1', currency: 'USD' } };
    const result = applyFieldChanges(base, [
      { path: 'status', from: 'pledged', to: 'broken' },
      { path: 'terms.amount', from: '1', to: null },
      { path: 'terms.restrictions', from: null, to: ['x'] },
    ]);
    expect(result).toEqual({ status: 'broken', terms: { currency: 'USD', restrictions: ['x'] } });
    expect(base).toEqual({ status: 'pledged', terms: { amount: '1', currency: 'USD' } });
  });

  it('replaces the whole value at path "" and creates missing objects', () => {
    expect(applyFieldChanges({ a: 1 }, [{ path: '', from: { a: 1 }, to: 3 }])).toBe(3);
    expect(applyFieldChanges({}, [{ path: 'a.b', from: null, to: 1 }])).toEqual({ a: { b: 1 } });
  });

  it('undoes fieldChanges', () => {
    const before = { status: 'pledged', terms: { amount: '1', conditions: ['a'] }, gone: 'x' };
    const after = { status: 'fulfilled', terms: { conditions: ['a', 'b'], currency: 'USD' }, added: { deep: true } };
    expect(applyFieldChanges(before, fieldChanges(before, after))).toEqual(after);
  });
});
