import { parseFailpoints } from './failpoints';

describe('failpoints', () => {
  it('reads steps and the hit that kills', () => {
    expect([...parseFailpoints('relay.after-send:3, projector.after-commit:1')]).toEqual([
      ['relay.after-send', 3],
      ['projector.after-commit', 1],
    ]);
    expect(parseFailpoints('').size).toBe(0);
  });

  it('refuses an unknown step or count, naming it', () => {
    expect(() => parseFailpoints('relay.before-lunch:1')).toThrow('"relay.before-lunch:1" is not <step>:<n> with a known step');
    expect(() => parseFailpoints('relay.after-send:0')).toThrow(/relay.after-send:0/);
  });
});
