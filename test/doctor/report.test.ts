import { diagnoseManifests, formatJson, formatSarif, formatText, toSarif } from '../../src/doctor';
import { writeText } from '../../src/doctor/format/text';
import { RULE_INFO } from '../../src/rules';
import { doctorFixture, readFixture } from './helpers';

describe('findings, word for word', () => {
  it('row 2: grace-covers-drain names the numbers, the symptom, the location and the fix', () => {
    const finding = doctorFixture('02-sigkill.yaml').workloads[0]!.findings[0]!;
    expect(finding).toEqual({
      rule: 'grace-covers-drain',
      severity: 'error',
      field: 'terminationGracePeriodSeconds',
      message:
        'terminationGracePeriodSeconds (30s) must be ≥ preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s): the grace period counts from deletion and includes the preStop, so the kubelet SIGKILLs the server 5s before its drain and cleanup can end. Set terminationGracePeriodSeconds to 45s (with 10s headroom).',
      symptom: 'pod always SIGKILLed despite a graceful handler',
      workload: { kind: 'Deployment', namespace: 'payments', name: 'ledger' },
      container: 'ledger',
      frontend: { kind: 'Service', namespace: 'payments', name: 'ledger', port: 9090, targetPort: 9090 },
      object: { kind: 'Deployment', namespace: 'payments', name: 'ledger' },
      // terminationGracePeriodSeconds is unset: the location is the pod spec that lacks it.
      location: { file: 'fixtures/02-sigkill.yaml', document: 2, line: 30, column: 5 },
      fix: [
        {
          target: { kind: 'Deployment', namespace: 'payments', name: 'ledger' },
          action: 'patch',
          yaml: 'spec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 45\n',
        },
      ],
    });
  });

  it('row 3: the health check on the liveness path', () => {
    const finding = doctorFixture('03-flip-unseen.yaml').workloads[0]!.findings[0]!;
    expect(finding.message).toBe(
      'the NLB health check GETs /healthz, the liveness endpoint: a terminating server is alive, so it stays healthy through the whole teardown and the readiness flip is never seen. Set the health-check path to /readyz.',
    );
    expect(finding.location).toEqual({ file: 'fixtures/03-flip-unseen.yaml', document: 1, item: 1, line: 52, column: 9 });
    expect(finding.fix).toEqual([
      {
        target: { kind: 'Service', namespace: 'trading', name: 'matcher-nlb' },
        action: 'patch',
        yaml: [
          'metadata:',
          '  annotations:',
          '    service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol: http',
          "    service.beta.kubernetes.io/aws-load-balancer-healthcheck-port: '8081'",
          '    service.beta.kubernetes.io/aws-load-balancer-healthcheck-path: /readyz',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('row 2: a delay longer than a too-short grace period is fixed by the grace period, not by shortening the delay', () => {
    const finding = doctorFixture('02-sigkill.yaml').workloads[0]!.findings.find((f) => f.rule === 'deregistration-delay-bounded')!;
    // The attributes already hold the plan's 45s; the plan's grace period (45s) is what changes.
    expect(finding.fix).toEqual([
      { target: { kind: 'Deployment', namespace: 'payments', name: 'ledger' }, action: 'patch', yaml: 'spec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 45\n' },
    ]);
  });

  it('row 5: the fix keeps the attributes set for other reasons, in their order, and carries every change of the workload', () => {
    const findings = doctorFixture('05-lingering.yaml').workloads[0]!.findings;
    const attributes =
      "metadata:\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: 'preserve_client_ip.enabled=true,deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true'\n";
    // Both fixes write the same annotation: applied alone or one after the other, neither undoes the other.
    expect(findings.map((f) => [f.rule, f.fix.map((fragment) => fragment.yaml)])).toEqual([
      ['deregistration-delay-bounded', [attributes]],
      ['connection-termination-enabled', [attributes]],
    ]);
  });
});

describe('text output', () => {
  it('is plain without color and says what was assumed and what is unknown', () => {
    const text = formatText(doctorFixture('05-lingering.yaml'));
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toContain('Deployment notify/push-gateway  gRPC behind an NLB · fixtures/05-lingering.yaml:10\n');
    expect(text).toContain('  frontend   Service notify/push-gateway, port 443 → 6565 — Load Balancer Controller NLB, ip targets\n');
    expect(text).toContain('  budget     propagation 20s (assumed: default), drain timeout 10s (assumed: default), cleanup 5s (assumed: default), headroom 10s (assumed: default)\n');
    expect(text).toContain('  unknown    kubernetesVersion: not given');
    expect(text).toContain('  warning connection-termination-enabled  connectionTermination · fixtures/05-lingering.yaml:67\n');
    expect(text).toContain('    symptom: old connections linger minutes after the pod is gone\n');
    expect(text.endsWith('! 0 errors, 2 warnings in 1 workload behind a load balancer (4 objects read)\n')).toBe(true);
  });

  it('is handed to the CLI in parts that end at line ends and add up to the whole report', () => {
    // 40 copies of the fixture's workload, each in its own namespace: 40 blocks of findings.
    const one = readFixture('05-lingering.yaml');
    const text = Array.from({ length: 40 }, (_, i) => one.replaceAll('namespace: notify', `namespace: notify-${i}`)).join('\n---\n');
    const report = diagnoseManifests([{ path: 'many.yaml', text }]);
    expect(report.workloads).toHaveLength(40);
    const parts: string[] = [];
    writeText(report, (part) => parts.push(part));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.endsWith('\n')).toBe(true);
    expect(parts.join('')).toBe(formatText(report));
    expect(parts.at(-1)!.endsWith('! 0 errors, 80 warnings in 40 workloads behind load balancers (160 objects read)\n')).toBe(true);
    expect(parts.slice(0, -1).some((part) => part.includes('warnings in'))).toBe(false);
  });

  it('colors only when asked', () => {
    expect(formatText(doctorFixture('02-sigkill.yaml'), { color: true })).toMatch(/\u001b\[31m/);
  });
});

describe('JSON output', () => {
  it('carries the whole report', () => {
    const json = JSON.parse(formatJson(doctorFixture('02-sigkill.yaml')));
    expect(json).toMatchObject({ version: 2, tool: 'grpc-drain doctor', errorCount: 1, warningCount: 1, objectCount: 4, problems: [], inputNotes: [] });
    expect(json.workloads[0]).toMatchObject({ protocol: 'gRPC', provisioner: 'lbc' });
    expect(json.workloads[0].budget.drainTimeoutSeconds).toEqual({ value: 10, source: 'annotation' });
    expect(json.workloads[0].findings.map((f: { rule: string }) => f.rule)).toEqual(['grace-covers-drain', 'deregistration-delay-bounded']);
    expect(json.workloads[0].settings.preStop).toEqual({ kind: 'sleep', seconds: 20 });
  });
});

describe('SARIF output', () => {
  it('is SARIF 2.1.0 with the rules table and one result per finding', () => {
    const report = doctorFixture('02-sigkill.yaml');
    const sarif = toSarif(report);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULE_INFO.map((r) => r.id));
    expect(run.results).toHaveLength(2);
    const [error, warning] = run.results;
    expect(error).toMatchObject({
      ruleId: 'grace-covers-drain',
      ruleIndex: RULE_INFO.findIndex((r) => r.id === 'grace-covers-drain'),
      level: 'error',
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'fixtures/02-sigkill.yaml' }, region: { startLine: 30, startColumn: 5 } },
          logicalLocations: [{ name: 'ledger', fullyQualifiedName: 'Deployment/payments/ledger', kind: 'resource' }],
        },
      ],
      properties: { field: 'terminationGracePeriodSeconds', document: 2, container: 'ledger' },
    });
    expect(error!.message.markdown).toContain('```yaml\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 45\n```');
    expect(warning!.level).toBe('warning');
    // The Service's target-group attributes annotation, in the Service document.
    expect(warning!.locations[0]!.physicalLocation.region).toEqual({ startLine: 70, startColumn: 5 });
    expect(JSON.parse(formatSarif(report))).toEqual(JSON.parse(JSON.stringify(sarif)));
  });

  it('reports unusable inputs as warnings of the run, and input notes as notes', () => {
    const report = diagnoseManifests([
      { path: 'good.yaml', text: readFixture('02-sigkill.yaml') },
      { path: 'values.yaml', text: 'replicas: [1\n' },
    ]);
    const notifications = toSarif(report).runs[0]!.invocations[0]!.toolExecutionNotifications;
    expect(notifications[0]).toEqual({ level: 'warning', message: { text: 'values.yaml:2:1: document 1 is not valid YAML (unexpected end of the stream within a flow collection), so it is skipped.' } });
    expect(report.workloads).toHaveLength(1);
  });

  it('names stdin as an artifact and keeps List items as properties', () => {
    const sarif = toSarif(doctorFixture('04-huge-grace.json'));
    expect(sarif.runs[0]!.results[0]!.properties).toMatchObject({ document: 1, item: 1 });
  });
});
