#!/usr/bin/env node
// Run by `prepare` (so by `npm ci` in this repository).
//
// cdk8s-cli asks the npm registry for a newer version of itself before every command
// (lib/cli/index.js: the `check-upgrade` option, default true, checked in yargs' .check());
// without the registry its child process (cdk8s lib/_loadurl.mjs) dies with a stack trace on
// stderr, then the command goes on. The supported switches are `--check-upgrade false` and
// the environment variable CDK8S_CHECK_UPGRADE=false (yargs .env('CDK8S')); cdk8s.yaml has
// no key for it (lib/config.js) and npm cannot set an environment variable for `npx`. So the
// `cdk8s` that npm linked into node_modules/.bin is replaced by a launcher that sets
// CDK8S_CHECK_UPGRADE=false unless it is set, then runs the real CLI: the README's
// `npx cdk8s synth` stays as it is, and quiet. Checked in cdk8s-cli 2.207.
'use strict';
const fs = require('fs');
const path = require('path');

const modules = path.join(__dirname, '..', 'node_modules');
const cli = path.join(modules, 'cdk8s-cli', 'bin', 'cdk8s');
const bin = path.join(modules, '.bin', 'cdk8s');

// Installed as somebody's dependency (a git install runs prepare too): not our node_modules.
if (!fs.existsSync(cli) || !fs.existsSync(path.dirname(bin))) process.exit(0);

const launcher = `#!/usr/bin/env node
// Written by grpc-drain's scripts/quiet-cdk8s.js: cdk8s-cli without its upgrade check.
process.env.CDK8S_CHECK_UPGRADE = process.env.CDK8S_CHECK_UPGRADE || 'false';
require('../cdk8s-cli/bin/cdk8s');
`;
fs.rmSync(bin, { force: true });
fs.writeFileSync(bin, launcher, { mode: 0o755 });
