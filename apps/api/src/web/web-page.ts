import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * Where `npm run build` puts the bundled page (apps/web → dist/web): beside the
 * compiled api when it runs from dist, under dist/ when it runs from source (tests).
 */
export function webPageDirectory(): string | undefined {
  const root = resolve(__dirname, '..', '..', '..', '..');
  return [join(root, 'web'), join(root, 'dist', 'web')].find((dir) => existsSync(join(dir, 'index.html')));
}

/** Serves the web page at `/`; the API's own paths are not files there, so they are untouched. */
export function serveWebPage(app: NestExpressApplication): void {
  const dir = webPageDirectory();
  if (!dir) {
    app
      .getHttpAdapter()
      .getInstance()
      .get('/', (_request: Request, response: Response) => {
        response
          .status(503)
          .type('text/plain')
          .send('The web page is not built: run `npm run build`. The API is at /v1 and /openapi.json.\n');
      });
    return;
  }
  // The files the build made, looked up by name, not a static directory: a static middleware
  // looks every API request up on disk (a stat each) before it reaches its handler. The files
  // are not fingerprinted: revalidate every time (ETag), so a new build of the same files shows at once.
  const files = new Map(readdirSync(dir).map((file) => [`/${file}`, file]));
  files.set('/', 'index.html');
  app.use((request: Request, response: Response, next: NextFunction) => {
    const file = (request.method === 'GET' || request.method === 'HEAD') && files.get(request.path);
    if (file) response.sendFile(file, { root: dir, maxAge: 0 });
    else next();
  });
}
