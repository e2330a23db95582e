import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { EngineChart } from '../../examples/cdk8s/engine-chart';
import { GrpcDrainValidation, type Cdk8sValidationContext, type Cdk8sValidationViolation } from '../../src/cdk8s/validation';
import { diagnose, manifestObjects } from '../../src/doctor';
import { fixturePath } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const PLUGIN = path.join(ROOT, 'src', 'cdk8s', 'validation', 'dev-entry.js');

/** A stand-in for cdk8s-cli's ValidationContext that records what the plugin reports. */
function fakeContext(manifests: readonly string[]) {
  const violations: Cdk8sValidationViolation[] = [];
  const logs: string[] = [];
  const submitted: { status?: string; metadata?: Record<string, string> } = {};
  const context: Cdk8sValidationContext = {
    manifests,
    report: {
      addViolation: (v) => violations.push(v),
      submit: (status, metadata) => Object.assign(submitted, { status, metadata }),
    },
    logger: { log: (message) => logs.push(message) },
  };
  return { context, violations, logs, submitted };
}

describe('the example chart', () => {
  it('synthesizes manifests the doctor finds clean', () => {
    const chart = new EngineChart(Testing.app(), 'engine', { namespace: 'engine' });
    const report = diagnose(manifestObjects(Testing.synth(chart), 'engine.k8s.yaml'));
    expect(report.workloads).toHaveLength(1);
    expect(report.workloads[0]!.findings).toEqual([]);
    expect(report.workloads[0]!.budget.drainTimeoutSeconds).toEqual({ value: 10, source: 'annotation' });
  });
});

describe('GrpcDrainValidation', () => {
  it('passes clean manifests and prints the report', async () => {
    const { context, violations, logs, submitted } = fakeContext([fixturePath('03-flip-unseen.fixed.yaml')]);
    await new GrpcDrainValidation().validate(context);
    expect(violations).toEqual([]);
    expect(submitted).toEqual({ status: 'success', metadata: { workloads: '1', errors: '0', warnings: '0' } });
    expect(logs.join('\n')).toContain('✔ 0 errors, 0 warnings in 1 workload behind a load balancer');
  });

  it('fails on an error finding, one violation per finding with the fix', async () => {
    const { context, violations, submitted } = fakeContext([fixturePath('02-sigkill.yaml')]);
    await new GrpcDrainValidation({ printReport: false }).validate(context);
    expect(submitted.status).toBe('failure');
    expect(violations.map((v) => v.ruleName)).toEqual(['grace-covers-drain (error)', 'deregistration-delay-bounded (warning)']);
    expect(violations[0]).toEqual({
      ruleName: 'grace-covers-drain (error)',
      recommendation: expect.stringMatching(/^terminationGracePeriodSeconds \(30s\) must be ≥ .* Symptom it causes: pod always SIGKILLed despite a graceful handler\.$/),
      fix: 'patch Deployment payments/ledger:\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 45',
      violatingResources: [{ resourceName: 'ledger', locations: [`terminationGracePeriodSeconds (${fixturePath('02-sigkill.yaml')}:30)`], manifestPath: fixturePath('02-sigkill.yaml') }],
    });
  });

  it('passes with warnings, unless failOnWarnings', async () => {
    const warn = fakeContext([fixturePath('05-lingering.yaml')]);
    await new GrpcDrainValidation({ printReport: false }).validate(warn.context);
    expect(warn.submitted.status).toBe('success');
    expect(warn.violations).toHaveLength(2);
    const strict = fakeContext([fixturePath('05-lingering.yaml')]);
    await new GrpcDrainValidation({ printReport: false, failOnWarnings: true }).validate(strict.context);
    expect(strict.submitted.status).toBe('failure');
  });

  it('takes the budget defaults from its properties', async () => {
    const { context, violations } = fakeContext([fixturePath('01-econnrefused.fixed.yaml')]);
    await new GrpcDrainValidation({ printReport: false, drain: '30s', kubernetesVersion: '1.31' }).validate(context);
    expect(violations.map((v) => v.ruleName)).toContain('grace-covers-drain (error)');
  });

  it('reports invalid properties instead of throwing', async () => {
    const { context, violations, submitted } = fakeContext([fixturePath('01-econnrefused.fixed.yaml')]);
    await new GrpcDrainValidation({ drain: 'long', propagation: 0 }).validate(context);
    expect(submitted.status).toBe('failure');
    expect(violations[0]!.recommendation).toBe(
      'the grpc-drain validation properties in cdk8s.yaml are invalid: drain must be a duration such as 20s, 1m30s or a number of seconds; got "long". propagation must be 1–3600s (a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep); got 0s.',
    );
  });
});

describe('cdk8s synth with the plugin', () => {
  // Two real synths (about 5 s each): a failing app in a scratch project, and this repository's example.
  jest.setTimeout(120_000);

  it('fails the synth of an app with an unsafe Deployment, printing the findings', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-synth-'));
    writeFileSync(
      path.join(dir, 'app.js'),
      `const { App, Chart, ApiObject } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'cdk8s'))});
const app = new App();
const chart = new Chart(app, 'bad', { namespace: 'shop' });
new ApiObject(chart, 'deploy', {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'checkout' },
  spec: {
    selector: { matchLabels: { app: 'checkout' } },
    template: {
      metadata: { labels: { app: 'checkout' } },
      spec: { terminationGracePeriodSeconds: 300, containers: [{ name: 'checkout', image: 'example/checkout', ports: [{ name: 'grpc', containerPort: 7070 }] }] },
    },
  },
});
new ApiObject(chart, 'svc', {
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'checkout-nlb', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' } },
  spec: { type: 'LoadBalancer', selector: { app: 'checkout' }, ports: [{ port: 443, targetPort: 'grpc' }] },
});
app.synth();
`,
    );
    writeFileSync(
      path.join(dir, 'cdk8s.yaml'),
      `language: typescript\napp: node app.js\noutput: dist\nvalidations:\n  - package: ${PLUGIN}\n    version: 0.1.0\n    class: GrpcDrainValidation\n`,
    );
    const result = spawnSync(CDK8S, ['synth', '--check-upgrade', 'false'], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir } });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('grace-needs-prestop (error)');
    expect(result.stdout).toContain('prestop-present (error)');
    // Pod-side findings point at the Deployment's construct, NLB-side ones at the Service's.
    expect(result.stdout).toContain('Construct Path: bad/deploy');
    expect(result.stdout).toContain('Construct Path: bad/svc');
    // The fix adds the sleep and keeps the 300s grace period: a fix never shrinks it.
    expect(result.stdout).toContain('The grace period stays 300s (more than the 45s the plan needs): a fix never shrinks it.');
    expect(result.stdout).not.toContain('terminationGracePeriodSeconds: 45');
    expect(result.stderr).toContain('Validation failed');
  });

  it("passes the synth of this repository's example (cdk8s.yaml validations)", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'grpc-drain-example-'));
    const result = spawnSync(CDK8S, ['synth', '--check-upgrade', 'false', '--output', out], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).not.toContain('Validation failed');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('✔ 0 errors, 0 warnings in 1 workload behind a load balancer');
    expect(result.stdout).toContain('Validations ended succesfully');
  });
});
