import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import serveStatic from 'serve-static';

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
    app.getHttpAdapter().getInstance().get('/', (_request: Request, response: Response) => {
      response.status(503).type('text/plain').send('The web page is not built: run `npm run build`. The API is at /v1 and /openapi.json.\n');
    });
    return;
  }
  // The files are not fingerprinted: revalidate every time (ETag), so a new build shows at once.
  const files = serveStatic(dir, { index: 'index.html', maxAge: 0, fallthrough: true, redirect: false });
  // Only the page's own paths reach the file system: an API request is not looked up on disk first.
  const paths = new Set(['/', ...readdirSync(dir).map((file) => `/${file}`)]);
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && paths.has(request.path)) files(request, response, next);
    else next();
  });
}
