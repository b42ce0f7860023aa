import { v4 as uuidv4, v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { afterEveryUuid } from './reported';

describe('the upper bound of a walk over one type of streams', () => {
  const ids = [
    uuidv7(),
    uuidv4(),
    uuidv5('a seed key', uuidv4()),
    'ffffffff-ffff-7fff-bfff-ffffffffffff',
    '00000000-0000-0000-0000-000000000000',
  ];
  const orders: [string, (a: string, b: string) => number][] = [
    ['byte order (the C collation, PGlite)', (a, b) => (a < b ? -1 : a > b ? 1 : 0)],
    ['a natural-language collation that ignores the dash', (a, b) => a.localeCompare(b, 'en', { ignorePunctuation: true })],
    ['a natural-language collation', (a, b) => a.localeCompare(b, 'en')],
  ];

  it.each(orders)('is above every stream of the type and below the types after it, in %s', (_, compare) => {
    const bound = afterEveryUuid('commitment');
    for (const id of [...ids, ...ids.map((id) => id.toUpperCase())]) {
      expect(compare(`commitment-${id}`, bound)).toBeLessThan(0);
      expect(compare(bound, `deployment-${id}`)).toBeLessThan(0);
      expect(compare(bound, `occurrence-${id}`)).toBeLessThan(0);
    }
  });
});
