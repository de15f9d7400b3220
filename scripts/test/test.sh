#!/usr/bin/env bash
# `npm test`: type-check and build, lint, unit tests, integration tests (the real toolchain and local
# environments), in that order, stopping at the first that fails; then the time each took.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/test/phases.sh
phase build npm run --silent build
phase lint npm run --silent lint
phase unit npm run --silent test:unit
phase integration npm run --silent test:integration
