import { HttpStatus } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { invalidRequest, PROBLEM_CONTENT_TYPE, ProblemException, problemType } from './problem';

/**
 * Limits on what a request may be, besides its body (BODY_LIMIT): the URL,
 * the number of query parameters (each given once), and (Node's own) header
 * size and count.
 */
export const REQUEST_LIMITS = {
  /** Longest URL, path and query together, in bytes: 414 beyond. */
  urlBytes: 8192,
  /** Most query parameters: 400 beyond. A list in one parameter (`status=a,b`) has its own limit per parameter. */
  queryParameters: 50,
  /** Most header lines Node keeps; the headers' total size is Node's limit, 16 KB (431 beyond). */
  headers: 100,
};

export function refusingOversizedRequests(request: Request, _response: Response, next: NextFunction): void {
  // HTTP/1.1 needs a Host header (RFC 9112 §3.2); Node would refuse it with an empty answer, we name it.
  if (request.httpVersion === '1.1' && request.headers.host === undefined) {
    next(invalidRequest([{ field: 'Host', message: 'is missing; HTTP/1.1 requests must carry one' }]));
    return;
  }
  const url = request.originalUrl ?? request.url;
  if (Buffer.byteLength(url) > REQUEST_LIMITS.urlBytes) {
    next(
      new ProblemException(
        HttpStatus.URI_TOO_LONG,
        'uri_too_long',
        'The URL is too long',
        `the URL is longer than ${REQUEST_LIMITS.urlBytes} bytes`,
        [{ field: 'url', message: `must be at most ${REQUEST_LIMITS.urlBytes} bytes` }],
      ),
    );
    return;
  }
  const query = url.indexOf('?');
  if (query >= 0 && url.slice(query + 1).split('&').length > REQUEST_LIMITS.queryParameters) {
    next(invalidRequest([{ field: 'query', message: `must have at most ${REQUEST_LIMITS.queryParameters} parameters` }]));
    return;
  }
  // Lists are comma-separated (`status=a,b`); a parameter given twice would reach the handlers as an array.
  const repeated = Object.entries(request.query).filter(([, value]) => Array.isArray(value));
  if (repeated.length > 0) {
    next(
      invalidRequest(
        repeated.map(([name]) => ({ field: name, message: 'is given more than once; give a list as one comma-separated value' })),
      ),
    );
    return;
  }
  next();
}

/**
 * Requests Node's parser refuses before any handler sees them (bad request
 * line, header too large, bad characters) get a problem document too,
 * instead of Node's empty answer.
 */
export function answeringUnparsableRequests(server: Server): void {
  server.maxHeadersCount = REQUEST_LIMITS.headers;
  // refusingOversizedRequests answers a missing Host with a problem document instead.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  // A client that sends its request and half-closes (`shutdown(SHUT_WR)`, as netcat and
  // some proxies do) still gets its answer: by default Node aborts a request whose
  // client has ended before an answer that is not ready at once (found by the fuzz job).
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's own handler: answer unless an answer has begun (a body broken mid-way arrives after its head).
    const answer = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || answer?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, title, detail] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request header fields too large', 'the request headers are larger than 16 KB']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request timeout', 'the request was not received in time']
          : [400, 'The request is not valid', 'the request is not well-formed HTTP'];
    const code = status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'malformed_http';
    const body = JSON.stringify({ type: problemType(code), title, status, detail, code });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** NUL, and UTF-16 halves without their other half: valid in JSON, refused by PostgreSQL's text and jsonb. */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters this refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text PostgreSQL cannot store is refused up front, naming where it is,
 * rather than failing the transaction (found by the fuzz job: it was a 500).
 */
export function refusingUnstorableText(request: Request, _response: Response, next: NextFunction): void {
  const found = [...unstorablePaths(request.body, 'body'), ...unstorablePaths(request.query, '')].slice(0, 10);
  if (found.length > 0) {
    next(
      invalidRequest(
        found.map((field) => ({ field, message: 'holds a NUL character or a lone UTF-16 surrogate, which cannot be stored' })),
      ),
    );
    return;
  }
  next();
}

/**
 * Body fields named `__proto__`, `constructor` or `prototype` are refused like
 * any other unknown field. JSON.parse keeps them as own properties, but the
 * validation pipe's class-transformer step drops them silently, so the
 * whitelist never saw them and the write was stored without a word.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function refusingPrototypeKeys(request: Request, _response: Response, next: NextFunction): void {
  const found = [...prototypeKeyPaths(request.body, '')].slice(0, 10);
  if (found.length > 0) {
    next(invalidRequest(found.map((field) => ({ field, message: 'is not a known field' }))));
    return;
  }
  next();
}

function* prototypeKeyPaths(value: unknown, path: string, depth = 0): Generator<string> {
  if (value === null || typeof value !== 'object' || depth >= 64) return;
  // Object.keys lists an own `__proto__` key as JSON.parse makes it (for...in and spreading may not).
  for (const key of Object.keys(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) yield childPath;
    else yield* prototypeKeyPaths((value as Record<string, unknown>)[key], childPath, depth + 1);
  }
}

function* unstorablePaths(value: unknown, path: string, depth = 0): Generator<string> {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) yield path || 'query';
  } else if (value !== null && typeof value === 'object' && depth < 64) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === 'body' ? key : path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key)) yield childPath;
      else yield* unstorablePaths(child, childPath, depth + 1);
    }
  }
}
