import fc from 'fast-check';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/**
 * Hostile requests for the fuzz job: what the OpenAPI document says the
 * service takes, bent out of shape. Every operation in the document is a
 * target, so a new endpoint is fuzzed as soon as it is documented.
 */

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema?: Schema; example?: unknown }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  readonly method: string;
  /** OpenAPI template: `/v1/commitments/{id}/amendments`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly { name: string; example?: unknown }[];
  /** A body built from the schema's examples, when the operation takes one. */
  readonly exampleBody?: unknown;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, example: p.example ?? p.schema?.example })),
        exampleBody: schema ? exampleOf(schema, document, 0) : undefined,
      });
    }
  }
  return operations;
}

function exampleOf(schema: Schema, document: OpenApiDocument, depth: number): unknown {
  if (depth > 6) return null;
  if (schema.$ref) return exampleOf(document.components!.schemas![schema.$ref.split('/').pop()!], document, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  const composed = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (composed) return Object.assign({}, ...composed.map((part) => exampleOf(part, document, depth + 1) as object));
  if (schema.type === 'object' || schema.properties) {
    // Required fields, and optional ones the document gives an example of: a body the service should accept.
    const wanted = Object.entries(schema.properties ?? {}).filter(
      ([name, property]) => schema.required?.includes(name) || property.example !== undefined,
    );
    return Object.fromEntries(wanted.map(([name, property]) => [name, exampleOf(property, document, depth + 1)]));
  }
  if (schema.type === 'array') return schema.items ? [exampleOf(schema.items, document, depth + 1)] : [];
  if (schema.type === 'number' || schema.type === 'integer') return 1;
  if (schema.type === 'boolean') return true;
  return 'x';
}

export type Credential = 'admin' | 'editor' | 'reader' | 'revoked' | 'none' | 'garbage';
export const CREDENTIALS: readonly Credential[] = ['admin', 'editor', 'reader', 'revoked', 'none', 'garbage'];

export interface HostileRequest {
  readonly method: string;
  /** Already a request target: path and query, as sent on the wire. */
  readonly target: string;
  readonly credential: Credential;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Bytes for the socket as they are, for what an HTTP client would refuse to send. */
  readonly raw?: string;
  /** The operation this was made from (for the report). */
  readonly operation: string;
}

/** Printable Latin-1: what a header value may hold on the wire. */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

const nastyStrings = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  '18446744073709551616',
  '999999999999999999',
  'null',
  'true',
  '[]',
  '{}',
  'NaN',
  '2021-13-01',
  '2021-02-30',
  '2021-09-09T25:61:00Z',
  '0000-01-01',
  '9999-12-31',
  '275760-09-13',
  '2021-09/2021-08',
  '2021-09-09T00:00:00',
  '__proto__',
  'constructor',
  '../../../etc/passwd',
  "' OR 1=1 --",
  '%00',
  '\u0000',
  '\ud800',
  '😀'.repeat(50),
  'a'.repeat(5000),
  'BY,RU,,,',
  ',',
  '00000000-0000-0000-0000-000000000000',
  'ntk_0000000000000000_' + 'A'.repeat(43),
);

const anyString = fc.oneof(
  { weight: 3, arbitrary: nastyStrings },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.integer({ min: -10, max: 2_000_000 }).map(String) },
);

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -0, 1e308, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, [], {}, [[[[[]]]]]) },
  { weight: 1, arbitrary: fc.dictionary(anyString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }) },
);

type Mutation = { path: string[]; value?: unknown; remove?: boolean };

function mutate(example: unknown, mutations: Mutation[]): unknown {
  let body = structuredClone(example);
  for (const mutation of mutations) {
    if (mutation.path.length === 0 || typeof body !== 'object' || body === null) {
      body = structuredClone(mutation.value);
      continue;
    }
    let node = body as Record<string, unknown>;
    for (const key of mutation.path.slice(0, -1)) {
      const child = Object.hasOwn(node, key) ? node[key] : undefined;
      if (typeof child !== 'object' || child === null) setOwn(node, key, {});
      node = node[key] as Record<string, unknown>;
    }
    const last = mutation.path[mutation.path.length - 1];
    if (mutation.remove) delete node[last];
    // A copy: generated values can be shared between mutations, and a shared one can close a cycle.
    else setOwn(node, last, structuredClone(mutation.value));
  }
  return body;
}

/**
 * Sets an own field, as JSON.parse would make it: a key such as `__proto__` becomes a field of
 * the body, not its prototype (assigning it would change the prototype, or throw on a cycle).
 */
function setOwn(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Paths through an example body (its fields, and a few nobody defined), for mutations to aim at. */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const paths = [prefix];
  for (const [key, child] of Object.entries(value)) paths.push(...fieldPaths(child, [...prefix, key]));
  return paths;
}

function bodyFor(operation: Operation): fc.Arbitrary<{ body?: string; contentType?: string }> {
  const example = operation.exampleBody ?? {};
  const paths = [...fieldPaths(example), ['unknownField'], ['__proto__'], ['terms', 'extra'], ['source', 'url']];
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    path: fc.constantFrom(...paths),
    value: anyJson,
    remove: fc.boolean(),
  });
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(json(example)) },
    { weight: 5, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => json(mutate(example, mutations))) },
    { weight: 2, arbitrary: anyJson.map(json) },
    { weight: 1, arbitrary: fc.constant<{ body?: string; contentType?: string }>({}) },
    {
      weight: 1,
      arbitrary: fc.record({
        body: fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.constantFrom(
            '{"kind": ',
            '{"a":1}{"b":2}',
            '\u0000\u0001',
            '[',
            '"',
            'null',
            '{"__proto__":{"polluted":1}}',
            '{"a":'.repeat(200),
          ),
        ),
        contentType: fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/problem+json',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
        ),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ body: JSON.stringify({ padding: 'x'.repeat(300 * 1024) }), contentType: 'application/json' }) },
  );
}

/** Percent-encoding that takes any string: a lone surrogate goes as U+FFFD, as it would from a browser. */
function escape(text: string): string {
  return encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));
}

function queryFor(operation: Operation): fc.Arbitrary<string> {
  const names = [...operation.queryParams.map((p) => p.name), 'unknown', 'limit', 'cursor', '__proto__', 'constructor', ''];
  const examples = operation.queryParams
    .map((p) => p.example)
    .filter((e) => e !== undefined)
    .map(String);
  const value = fc.oneof(
    { weight: 2, arbitrary: examples.length ? fc.constantFrom(...examples) : anyString },
    { weight: 4, arbitrary: anyString },
  );
  const pair = fc.record({ name: fc.constantFrom(...names), value, encode: fc.boolean() });
  return fc.array(pair, { maxLength: 6 }).map((pairs) =>
    pairs
      .map(({ name, value, encode }) =>
        // Unencoded: raw characters (those the request line may carry) and broken escapes like %zz.
        encode ? `${escape(name)}=${escape(value)}` : `${name}=${value.replace(/[^\x21-\x7e]/g, '%').replace(/#/g, '%23')}`,
      )
      .join('&'),
  );
}

function pathFor(operation: Operation, knownIds: readonly string[]): fc.Arbitrary<string> {
  const segment = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...knownIds).map(escape) },
    { weight: 3, arbitrary: anyString.map(escape) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%E0%A4%A', '%C3%28', '%FF', '..', '.', '%2e%2e', '%2F', 'a%00b') },
  );
  return fc.tuple(...operation.pathParams.map(() => segment)).map((values) => {
    let path = operation.path;
    operation.pathParams.forEach((name, index) => (path = path.replace(`{${name}}`, values[index] || 'x')));
    return path;
  });
}

/** A few headers at a time, each sometimes sensible and sometimes not. */
const optionalHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant('if-match'), fc.oneof(fc.constantFrom('"1"', '"2"', 'W/"1"', '*', '"0"', '"999999999999"', '1'), headerText)),
      fc.tuple(fc.constant('if-none-match'), fc.oneof(fc.constantFrom('"1"', '*'), headerText)),
      fc.tuple(fc.constant('idempotency-key'), fc.oneof(fc.constantFrom('fuzz-1', 'fuzz-2'), headerText)),
      fc.tuple(fc.constant('x-correlation-id'), fc.oneof(fc.uuid(), headerText)),
      fc.tuple(fc.constant('last-event-id'), fc.oneof(fc.constantFrom('0', '1', '-1', '99999999999999999999'), headerText)),
      fc.tuple(
        fc.constant('accept'),
        fc.constantFrom(
          'application/json',
          'text/csv',
          'application/x-ndjson',
          'text/event-stream',
          '*/*',
          'image/png',
          'text/csv;q=0.1, application/x-ndjson;q=0.9',
          '',
        ),
      ),
      fc.tuple(
        fc.constant('content-type'),
        fc.constantFrom('text/plain', 'application/json; charset=latin1', 'application/json; charset=utf-8'),
      ),
      fc.tuple(fc.constant('content-encoding'), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus')),
      fc.tuple(fc.constant('origin'), fc.constantFrom('https://evil.example', 'null')),
      fc.tuple(
        headerText.map((name) => `x-${name.replace(/[^a-z0-9-]/gi, '') || 'junk'}`),
        headerText,
      ),
    ),
    { maxLength: 2 },
  )
  .map((pairs) => Object.fromEntries(pairs));

/** Bytes no HTTP client library would send: broken request lines, headers and framing. */
const rawRequests = fc.oneof(
  fc.constantFrom(
    'GET / HTTP/1.1\r\n\r\n',
    'GET /v1/parties HTTP/9.9\r\nHost: x\r\n\r\n',
    'GET /v1/parties\r\n\r\n',
    'BREW /v1/parties HTTP/1.1\r\nHost: x\r\n\r\n',
    'POST /v1/parties HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'POST /v1/parties HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    'POST /v1/parties HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'GET /v1/parties HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
    `GET /v1/parties HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    'GET /v1/parties HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u0000\u0001\r\n\r\n',
    'GET /v1/par ties HTTP/1.1\r\nHost: x\r\n\r\n',
  ),
  fc.string({ maxLength: 200 }).map((junk) => `${junk}\r\n\r\n`),
);

export function hostileRequests(operations: readonly Operation[], knownIds: readonly string[]): fc.Arbitrary<HostileRequest> {
  const documented = fc.constantFrom(...operations).chain((operation) =>
    fc
      .record({
        path: pathFor(operation, knownIds),
        query: queryFor(operation),
        credential: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom<Credential>('admin', 'editor') },
          { weight: 2, arbitrary: fc.constantFrom(...CREDENTIALS) },
        ),
        headers: optionalHeaders,
        body:
          operation.method === 'GET' || operation.method === 'DELETE'
            ? fc.oneof(fc.constant<{ body?: string; contentType?: string }>({}), bodyFor(operation))
            : bodyFor(operation),
        method: fc.oneof(
          { weight: 12, arbitrary: fc.constant(operation.method) },
          { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'POST', 'GET') },
        ),
      })
      .map(({ path, query, credential, headers, body, method }) => ({
        method,
        target: query ? `${path}?${query}` : path,
        credential,
        headers: { ...(body.contentType ? { 'content-type': body.contentType } : {}), ...headers },
        body: body.body,
        operation: `${operation.method} ${operation.path}`,
      })),
  );
  const raw = fc
    .record({ raw: rawRequests })
    .map(({ raw }) => ({ method: 'RAW', target: '', credential: 'none' as const, headers: {}, raw, operation: 'raw bytes' }));
  return fc.oneof({ weight: 40, arbitrary: documented }, { weight: 1, arbitrary: raw });
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

export function closeAgent(): void {
  agent.destroy();
}

/** Sends one request; an event stream is cut once its head has arrived. Rejects after `timeoutMs`. */
export function send(port: number, request: HostileRequest, authorization: string | undefined, timeoutMs: number): Promise<Answer> {
  if (request.raw !== undefined) return sendRaw(port, request.raw, timeoutMs);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const outgoing = httpRequest({ host: '127.0.0.1', port, method: request.method, path: request.target, headers, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      const done = () => {
        clearTimeout(timer);
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
      };
      if (String(incoming.headers['content-type']).startsWith('text/event-stream')) {
        incoming.destroy();
        done();
        return;
      }
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', done);
      incoming.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });
}

function sendRaw(port: number, bytes: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Half-closed after the bytes: the server sees the client has nothing more to say.
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      // One answer is all we wait for; a kept-alive socket would otherwise stay open.
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(text.slice(0, head))?.[1];
      if (head >= 0 && length !== undefined && text.length >= head + 4 + Number(length)) socket.destroy();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const head = text.indexOf('\r\n\r\n');
      const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!statusLine) {
        // Closing without a word is allowed only for bytes that are not a request at all; the caller decides.
        resolve({ status: 0, headers: {}, body: text });
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, head).split('\r\n').slice(1)) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status: Number(statusLine[1]), headers, body: text.slice(head + 4) });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
