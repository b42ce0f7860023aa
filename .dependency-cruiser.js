/**
 * Layer boundaries, checked by `npm run lint:deps` (part of `npm test`).
 * The domain is pure: no framework, no driver, no I/O, no other layer.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain holds decisions and folds only: no Nest, pg, kafkajs, PGlite, node I/O or other libs.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: {
        pathNot: ['^libs/domain/', '^node_modules/fast-check/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'domain-no-io-types',
      comment: 'Not even types from infrastructure packages in the domain.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: ['@nestjs', 'node_modules/pg', 'kafkajs', '@electric-sql', 'class-validator', 'express'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'event-store-without-nest-or-kafka',
      comment: 'The event store is plain TypeScript over pg, usable from any app.',
      severity: 'error',
      from: { path: '^libs/event-store/' },
      to: { path: ['@nestjs', 'kafkajs', '^libs/log/'] },
    },
    {
      name: 'write-core-knows-no-transport',
      comment: 'libs/write decides and appends; refusals are domain errors. HTTP (Nest, Express, problem documents) stays in apps/api.',
      severity: 'error',
      from: { path: '^libs/write/' },
      to: { path: ['@nestjs', 'node_modules/express', 'kafkajs', '^libs/(log|projections|runtime|seeds|keys)/'] },
    },
    {
      name: 'apps-do-not-import-apps',
      comment:
        'Each app wires itself from libs: api, projector and cli never import one another. The CLI runs the api app ' +
        '(`timeline serve`, `timeline seed`) by starting its entries as child processes.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'web-page-is-a-client',
      comment: 'apps/web runs in the browser and talks HTTP only: no server code, no libs (they hold Node and SQL).',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: ['^apps/(api|cli|projector)/', '^libs/'] },
    },
    {
      name: 'servers-do-not-import-the-page',
      severity: 'error',
      from: { path: '^(apps/(api|cli|projector)|libs)/' },
      to: { path: '^apps/web/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '^libs/domain/src/testing/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
