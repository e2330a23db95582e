import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Testing } from 'cdk8s';
import { RULE_INFO, rulesTableMarkdown } from 'grpc-drain';
import { GrpcDeployment } from 'grpc-drain/cdk8s';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('has the two set-up commands, and .ci/run runs exactly the test command after npm ci', () => {
    expect(readme).toContain('npm ci && npx cdk8s synth');
    expect(readme).toContain('npm test ');
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#') && !line.startsWith('set ') && !line.startsWith('cd '));
    // Before them only the install of promtool, which the metrics test runs (issue 14).
    expect(ci.slice(-2)).toEqual(['npm ci', 'npm test']);
    expect(ci.slice(0, -2)).toEqual([expect.stringMatching(/^command -v promtool .*apt-get install .*prometheus/)]);
  });

  it('shows the rules table generated from the registry, verbatim', () => {
    expect(readme).toContain(`${rulesTableMarkdown()}\n`);
  });

  it('lists every rule with its severity', () => {
    for (const rule of RULE_INFO) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${rule.id}\` |`));
      expect(row).toBeDefined();
      expect(row?.split('|')[2].trim()).toBe(rule.severity.replace('/', ' / '));
    }
  });

  it('shows the error a user really gets for its example budget, prefix included', () => {
    const block = readme.split("\nDrainBudgetError: unsafe drain budget of GrpcDeployment 'engine'")[1].split('```')[0];
    let message = '';
    try {
      new GrpcDeployment(Testing.chart(), 'engine', {
        image: 'ghcr.io/example/engine:1.0.0',
        grpcPort: 7070,
        healthPort: 8733,
        budget: { drainTimeout: Duration.seconds(30), terminationGracePeriod: Duration.seconds(40) },
      });
    } catch (error) {
      message = String(error);
    }
    expect(`DrainBudgetError: unsafe drain budget of GrpcDeployment 'engine'${block}`.trim()).toBe(message);
  });
});
