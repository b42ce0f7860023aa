import { InvalidConfiguration, loadConfig } from './config';

describe('access configuration', () => {
  it('defaults to keys for every request, a generous rate limit and no CORS', () => {
    const config = loadConfig({});
    expect(config.anonymousReads).toBe(false);
    expect(config.rateLimit).toEqual({ limit: 1000, windowSeconds: 60 });
    expect(config.corsOrigins).toEqual([]);
    expect(config.bootstrapAdminKey).toBeUndefined();
  });

  it('reads anonymous reads, the rate limit and CORS origins', () => {
    const config = loadConfig({
      TIMELINE_ANONYMOUS_READS: 'true',
      TIMELINE_RATE_LIMIT: '5',
      TIMELINE_RATE_LIMIT_WINDOW_SECONDS: '10',
      TIMELINE_CORS_ORIGINS: 'https://analyst.example.org, http://localhost:5173',
    });
    expect(config.anonymousReads).toBe(true);
    expect(config.rateLimit).toEqual({ limit: 5, windowSeconds: 10 });
    expect(config.corsOrigins).toEqual(['https://analyst.example.org', 'http://localhost:5173']);
    expect(loadConfig({ TIMELINE_RATE_LIMIT: '0' }).rateLimit).toBeUndefined();
  });

  it('names every bad value at once', () => {
    const attempt = () =>
      loadConfig({
        TIMELINE_ANONYMOUS_READS: 'yes please',
        TIMELINE_RATE_LIMIT: '-1',
        TIMELINE_CORS_ORIGINS: 'https://ok.example.org,example.org/path',
        TIMELINE_BOOTSTRAP_ADMIN_KEY: 'short',
      });
    expect(attempt).toThrow(InvalidConfiguration);
    let problems: string[] = [];
    try {
      attempt();
    } catch (error) {
      problems = (error as InvalidConfiguration).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^TIMELINE_BOOTSTRAP_ADMIN_KEY must be at least 16/),
      expect.stringMatching(/^TIMELINE_ANONYMOUS_READS="yes please" must be true or false/),
      expect.stringMatching(/^TIMELINE_RATE_LIMIT="-1" must be a whole number/),
      expect.stringMatching(/^TIMELINE_CORS_ORIGINS: "example.org\/path" must be an origin/),
    ]);
  });
});

describe('public base URL', () => {
  it('is unset by default and read without a trailing slash', () => {
    expect(loadConfig({}).publicBaseUrl).toBeUndefined();
    expect(loadConfig({ TIMELINE_PUBLIC_BASE_URL: 'https://timeline.example.org/' }).publicBaseUrl).toBe('https://timeline.example.org');
    expect(loadConfig({ TIMELINE_PUBLIC_BASE_URL: 'http://localhost:3000/api' }).publicBaseUrl).toBe('http://localhost:3000/api');
  });

  it.each([
    'timeline.example.org',
    '/v1',
    'ftp://timeline.example.org',
    'https://timeline.example.org/?a=1',
    'https://user:pw@timeline.example.org',
  ])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ TIMELINE_PUBLIC_BASE_URL: value })).toThrow(/TIMELINE_PUBLIC_BASE_URL=.* must be an absolute http\(s\) URL/);
  });
});
