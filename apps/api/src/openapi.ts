/**
 * The OpenAPI document: served at /openapi.json by the running app, and built without a
 * database or a port (`describeApi`) for the web page's generated types.
 */
import { type INestApplication, type InjectionToken, Module, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_CONTROLLERS } from './app.module';

export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('negotiation-timeline')
      .setDescription('Event-sourced timeline of negotiations between states: replay, subscribe, audit.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API key, ntk_<id>_<secret>' })
      .addSecurityRequirements('bearer')
      .build(),
  );
}

/**
 * The document the app serves, from the controllers' metadata alone. Nest's preview mode builds
 * the module graph without constructing anything, but still wants every dependency named: each
 * controller's constructor parameters get a placeholder that is never used.
 */
export async function describeApi(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(RoutesModule, { preview: true, logger: false, abortOnError: false });
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}

@Module({ controllers: API_CONTROLLERS, providers: placeholdersFor(API_CONTROLLERS) })
class RoutesModule {}

function placeholdersFor(controllers: readonly Type[]): Provider[] {
  const tokens = new Set<unknown>();
  for (const controller of controllers) {
    const types = (Reflect.getMetadata('design:paramtypes', controller) ?? []) as unknown[];
    const injected = (Reflect.getMetadata('self:paramtypes', controller) ?? []) as { index: number; param: unknown }[];
    types.forEach((type, index) => tokens.add(injected.find((entry) => entry.index === index)?.param ?? type));
  }
  return [...tokens].map((token) => ({ provide: token as InjectionToken, useValue: null }));
}
