import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

  it('writes schema-valid manifests equal to the chart synthesized in-process', () => {
    // --check-upgrade false: the CLI would otherwise ask the npm registry for a newer version.
    const stdout = execFileSync('npx', ['cdk8s', 'synth', '--check-upgrade', 'false', '--output', out], { cwd: join(__dirname, '..', '..'), stdio: 'pipe', encoding: 'utf8' });
    // cdk8s.yaml runs the doctor as a validation plugin (it also writes construct-metadata.json).
    expect(stdout).toContain('✔ 0 errors, 0 warnings in 1 workload behind a load balancer');
    expect(readdirSync(out).filter((f) => f.endsWith('.yaml'))).toEqual(['engine.k8s.yaml']);
    const documents = parseAllDocuments(readFileSync(join(out, 'engine.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    for (const manifest of documents) validateManifest(manifest);
    expect(documents.map((d) => d.kind)).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
    expect(documents).toEqual(Testing.synth(new EngineChart(Testing.app(), 'engine', { namespace: 'engine' })));
    expect(documents[0].spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
  }, 120_000);
});
