// Entry point of the grpc-drain cdk8s validation plugin for this repository's own
// cdk8s.yaml: it loads the TypeScript source through ts-node (a dev dependency, as for the
// example app itself), so `npm ci && npx cdk8s synth` validates with the current rules and
// never depends on a stale lib/. Users of the published package point cdk8s.yaml at
// ./node_modules/grpc-drain/lib/cdk8s/validation/index.js instead (see docs/doctor.md).
'use strict';
const path = require('path');

if (!require.extensions['.ts']) {
  require('ts-node').register({
    project: path.join(__dirname, '..', '..', '..', 'tsconfig.json'),
    transpileOnly: true,
  });
}
module.exports = require('./index.ts');
