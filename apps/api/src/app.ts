import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { createValidationPipe } from './http/validation';
import { HttpStatus } from '@nestjs/common';
import { ProblemException } from './http/problem';
import { answeringUnparsableRequests, refusingOversizedRequests, refusingPrototypeKeys, refusingUnstorableText } from './http/limits';
import { httpMetricsMiddleware, type Runtime } from '@timeline/runtime';
import { serveWebPage } from './web/web-page';
import { openApiDocument } from './openapi';

/** The HTTP application over a runtime; listening is the caller's choice. */
export async function createApp(runtime: Runtime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRuntime(runtime), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.use(httpMetricsMiddleware(runtime.metrics));
  app.use(closingConnectionsOnShutdown(runtime));
  answeringUnparsableRequests(app.getHttpServer());
  app.use(refusingOversizedRequests);
  if (runtime.config.corsOrigins.length > 0) {
    // Keys go in the Authorization header, never in cookies: no credentials mode.
    app.enableCors({
      origin: runtime.config.corsOrigins.includes('*') ? '*' : [...runtime.config.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'Accept',
        'If-Match',
        'If-None-Match',
        'Idempotency-Key',
        'X-Correlation-Id',
        'Last-Event-ID',
      ],
      exposedHeaders: [
        'ETag',
        'Location',
        'Retry-After',
        'Idempotent-Replayed',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
      ],
      maxAge: 600,
    });
  }
  // Body size is limited before anything is parsed; errors become problem documents.
  app.useBodyParser('json', { limit: runtime.config.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] });
  app.use(namingBodyErrors);
  app.use(refusingUnstorableText);
  app.use(refusingPrototypeKeys);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  const document = openApiDocument(app);
  app
    .getHttpAdapter()
    .getInstance()
    .get('/openapi.json', (_request: Request, response: Response) => {
      response.json(document);
    });
  serveWebPage(app);
  return app;
}

/**
 * Once a shutdown began, each answer closes its connection: a keep-alive client
 * then cannot send more requests to a server that is draining, and the server
 * can close when the requests in flight are answered.
 */
function closingConnectionsOnShutdown(runtime: Runtime) {
  return (_request: Request, response: Response, next: NextFunction): void => {
    if (runtime.shuttingDown) response.setHeader('Connection', 'close');
    next();
  };
}

/** Body-parser's JSON errors, turned into a problem that names the body, before Nest maps them to a bare 400. */
function namingBodyErrors(error: { type?: string } | undefined, _request: Request, _response: Response, next: NextFunction): void {
  if (error?.type === 'entity.parse.failed') {
    next(
      new ProblemException(HttpStatus.BAD_REQUEST, 'malformed_json', 'The request is not valid', 'the request body is not valid JSON', [
        { field: 'body', message: 'is not valid JSON' },
      ]),
    );
    return;
  }
  next(error);
}
