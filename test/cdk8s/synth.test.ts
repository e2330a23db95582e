import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { EngineChart } from '../../examples/cdk8s/engine-chart';
import { validateManifest } from '../support/validate';

/** The README's main job, for real: `cdk8s synth` runs cdk8s.yaml's app (ts-node), writes YAML, and the doctor checks it. */
describe('cdk8s synth of the example', () => {
  const out = mkdtempSync(join(tmpdir(), 'grpc-drain-synth-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes schema-valid manifests equal to the chart synthesized in-process, and nothing on stderr', () => {
    // The README's command as it is (no --check-upgrade false): `npm ci` installed a launcher
    // that turns cdk8s-cli's upgrade check off (scripts/quiet-cdk8s.js), since offline the
    // check dies with a stack trace. A fresh HOME has no cached answer to hide the check.
    const home = join(out, 'home');
    mkdirSync(home);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, npm_config_update_notifier: 'false' };
    delete env.CDK8S_CHECK_UPGRADE;
    const synth = spawnSync('npx', ['cdk8s', 'synth', '--output', out], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', env });
    expect(synth.status).toBe(0);
    expect(synth.stderr).not.toMatch(/^\s+at /m);
    expect(synth.stderr).not.toContain('A new version');
    expect(synth.stderr).toBe('');
    const stdout = synth.stdout;
    // cdk8s.yaml runs the doctor as a validation plugin (it also writes construct-metadata.json).
    expect(stdout).toContain('✔ 0 errors, 0 warnings in 1 workload behind a load balancer (4 objects read)');
    // The Namespace is in the input, so the doctor knows the readiness gate is on.
    expect(stdout).not.toContain('unknown    readinessGate');
    // docs/doctor.md shows this very report (written to dist/, the default output).
    const shown = readFileSync(join(__dirname, '..', '..', 'docs', 'doctor.md'), 'utf8').split('$ npx cdk8s synth\n')[1].split('\n…\n')[0];
    expect(stdout.split(out).join('dist')).toContain(shown);
    expect(readdirSync(out).filter((f) => f.endsWith('.yaml'))).toEqual(['engine.k8s.yaml']);
    const documents = parseAllDocuments(readFileSync(join(out, 'engine.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    for (const manifest of documents) validateManifest(manifest);
    expect(documents.map((d) => d.kind)).toEqual(['Namespace', 'Deployment', 'PodDisruptionBudget', 'Service']);
    expect(documents).toEqual(Testing.synth(new EngineChart(Testing.app(), 'engine', { namespace: 'engine' })));
    expect(documents[1].spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
  }, 120_000);
});
