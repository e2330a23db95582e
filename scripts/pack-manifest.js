#!/usr/bin/env node
// `npm pack` / `npm publish` lifecycle (prepack: strip, postpack: restore).
//
// The repository keeps a `prepare` script so that `npm ci` here, and an install straight
// from git, build lib/. A tarball already holds lib/, yet npm 11 lists the `prepare` of a
// package installed from a file or URL as an install script to approve ("npm warn
// install-scripts ... grpc-drain@x (prepare: ...)", @npmcli/arborist
// lib/install-scripts.js: prepare counts for non-registry sources). So the packed
// package.json goes without it, and the working copy is put back after packing.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const manifest = path.join(root, 'package.json');
const backup = path.join(root, '.package.json.prepack');

function strip() {
  const text = fs.readFileSync(manifest, 'utf8');
  // A backup left by an interrupted pack is the true manifest: keep it.
  if (!fs.existsSync(backup)) fs.writeFileSync(backup, text);
  const pkg = JSON.parse(fs.readFileSync(backup, 'utf8'));
  delete pkg.scripts.prepare;
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}

function restore() {
  if (!fs.existsSync(backup)) return;
  fs.copyFileSync(backup, manifest);
  fs.rmSync(backup);
}

const command = process.argv[2];
if (command === 'strip') strip();
else if (command === 'restore') restore();
else {
  process.stderr.write('usage: node scripts/pack-manifest.js strip|restore\n');
  process.exit(2);
}
