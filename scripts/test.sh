#!/usr/bin/env bash
# The whole suite, as `npm test` runs it: types, layer rules, lint and format, the unit, integration and
# end-to-end projects, then the fault suite alone (it kills a broker and processes of its
# own, so it runs after the others, serially). Arguments go to both Jest runs (`-- --ci`).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent typecheck
npm run --silent lint:deps
# ESLint with typescript-eslint's type-aware rules (floating promises, unsafe any), and Prettier.
npm run --silent lint
npm run --silent format:check
# --forceExit: once every test has passed or failed, a client left open by a test must not keep
# the run (and CI) waiting; the result is already decided.
npm run --silent jest -- --selectProjects unit int e2e browser fuzz --passWithNoTests --forceExit "$@"
npm run --silent test:faults -- --passWithNoTests --forceExit "$@"
