import { BUDGET_ANNOTATION, LBC_ANNOTATION, READINESS_GATE_LABEL } from '../../src/model';
import { parseLbcStringMap, parseLegacyLbcStringMap } from '../../src/doctor';
import { cleanObjects, doctorFixture, doctorText, doctorVariant, ruleIds, toYamlStream } from './helpers';

describe('preStop exec commands', () => {
  // The parser's own table is test/model/exec-sleep.test.ts.
  it('an exec hook without a literal sleep makes the delay unknown, and says so', () => {
    const report = doctorVariant(({ deployment }) => {
      deployment.spec.template.spec.containers[0].lifecycle = { preStop: { exec: { command: ['/app/drain'] } } };
    });
    const w = report.workloads[0]!;
    expect(w.settings.preStop).toEqual({ kind: 'exec', command: ['/app/drain'] });
    expect(w.unknown.map((u) => u.field)).toContain('preStop.seconds');
    // The delay is unknown: a warning says what to check; the app's own binary is no missing sleep.
    expect(ruleIds(report)).toEqual(['prestop-covers-propagation/warning']);
  });

  it('an httpGet hook delays SIGTERM by an unknown time', () => {
    const report = doctorVariant(({ deployment }) => {
      deployment.spec.template.spec.containers[0].lifecycle = { preStop: { httpGet: { path: '/drain', port: 8733 } } };
    });
    expect(report.workloads[0]!.settings.preStop).toEqual({ kind: 'httpGet', path: '/drain', port: 8733 });
    expect(ruleIds(report)).toEqual(['prestop-covers-propagation/warning']);
  });
});

describe('pairing frontends with workloads', () => {
  it('a LoadBalancer Service without the LBC annotation or class is the LBC\'s through its webhook, else a Classic Load Balancer', () => {
    const withWebhook = doctorVariant(({ service }) => {
      delete service.metadata.annotations[LBC_ANNOTATION.type];
    });
    expect(withWebhook.workloads[0]!.provisioner).toBe('lbc');
    const without = doctorVariant(({ service }) => {
      delete service.metadata.annotations[LBC_ANNOTATION.type];
    }, { lbcWebhook: false });
    expect(without.workloads[0]!.provisioner).toBe('in-tree-classic');
  });

  it('loadBalancerClass service.k8s.aws/nlb selects the LBC, and its default target type is instance', () => {
    const report = doctorVariant(({ service }) => {
      delete service.metadata.annotations[LBC_ANNOTATION.type];
      delete service.metadata.annotations[LBC_ANNOTATION.targetType];
      service.spec.loadBalancerClass = 'service.k8s.aws/nlb';
    });
    const w = report.workloads[0]!;
    expect(w.settings.targetType).toBe('instance');
    expect(w.assumptions.join('\n')).toMatch(/instance is the Load Balancer Controller's default/);
    expect(ruleIds(report)).toContain('target-type-ip/warning');
    const fix = w.findings.find((f) => f.rule === 'target-type-ip')!.fix[0]!;
    expect(fix.yaml).toBe(`metadata:\n  annotations:\n    ${LBC_ANNOTATION.targetType}: ip\n`);
  });

  it('another loadBalancerClass wins over the type annotation: not the LBC', () => {
    const report = doctorVariant(({ service }) => {
      service.spec.loadBalancerClass = 'example.com/other';
    });
    expect(report.workloads).toHaveLength(0);
  });

  it('the legacy nlb-ip type means ip targets', () => {
    const report = doctorVariant(({ service }) => {
      service.metadata.annotations[LBC_ANNOTATION.type] = 'nlb-ip';
      delete service.metadata.annotations[LBC_ANNOTATION.targetType];
    });
    expect(report.workloads[0]!.settings.targetType).toBe('ip');
  });

  it('a ClusterIP Service with the LBC annotations and ip targets gets an NLB; with instance targets the LBC fails, and the note says so', () => {
    const ip = doctorVariant(({ service }) => {
      service.spec.type = 'ClusterIP';
    });
    expect(ip.workloads[0]!.provisioner).toBe('lbc');
    const instance = doctorVariant(({ service }) => {
      service.spec.type = 'ClusterIP';
      service.metadata.annotations[LBC_ANNOTATION.targetType] = 'instance';
    });
    expect(instance.workloads).toHaveLength(0);
    expect(instance.notes.join('\n')).toMatch(/is a ClusterIP Service with instance targets: the Load Balancer Controller fails to reconcile it/);
  });

  it('pairs only within a namespace; objects without one are in the default namespace (or --namespace)', () => {
    const report = doctorVariant(({ service }) => {
      service.metadata.namespace = 'other';
    });
    expect(report.workloads).toHaveLength(0);
    const moved = doctorVariant(({ service }) => {
      service.metadata.namespace = 'prod';
    }, { defaultNamespace: 'prod' });
    expect(moved.workloads[0]!.workload).toEqual({ kind: 'Deployment', namespace: 'prod', name: 'engine' });
  });

  it('picks the container whose port is the targetPort, by name or by number', () => {
    const report = doctorVariant(({ deployment, service }) => {
      const containers = deployment.spec.template.spec.containers;
      containers.unshift({ name: 'envoy', image: 'envoy', ports: [{ name: 'admin', containerPort: 9901 }] });
      service.spec.ports[0].targetPort = 7070;
    });
    const w = report.workloads[0]!;
    expect(w.container).toBe('engine');
    expect(w.containerReason).toBe("declares the Service's targetPort 7070");
    expect(ruleIds(report)).toEqual([]);
  });

  it('a named targetPort nobody declares gives no endpoint: no workload, and a note', () => {
    const report = doctorVariant(({ service }) => {
      service.spec.ports[0].targetPort = 'h2';
    });
    expect(report.workloads).toHaveLength(0);
    expect(report.notes.join('\n')).toMatch(/no container declares a port named 'h2'/);
  });

  it('a numeric targetPort nobody declares: the only container, said so', () => {
    const report = doctorVariant(({ service }) => {
      service.spec.ports[0].targetPort = 7443;
    });
    expect(report.workloads[0]!.containerReason).toBe('the only container (no container declares port 7443)');
  });

  it('of several Service ports reaching one container, the gRPC one is used', () => {
    const report = doctorVariant(({ deployment, service }) => {
      deployment.spec.template.spec.containers[0].ports.push({ name: 'metrics', containerPort: 9100 });
      service.spec.ports = [
        { name: 'metrics', port: 9100, targetPort: 'metrics' },
        { name: 'grpc', port: 443, targetPort: 'grpc' },
      ];
    });
    expect(report.workloads).toHaveLength(1);
    expect(report.workloads[0]!.frontend).toMatchObject({ port: 443, targetPort: 'grpc' });
  });

  it('a TargetGroupBinding pairs through its Service; the target group itself is unknown', () => {
    const report = doctorFixture('tgb.yaml');
    const w = report.workloads[0]!;
    expect(w.frontend).toMatchObject({ kind: 'TargetGroupBinding', name: 'api-tgb', service: 'api' });
    expect(w.settings.targetType).toBe('ip');
    expect(w.settings.healthCheck).toBeUndefined();
    expect(w.settings.deregistrationDelaySeconds).toBeUndefined();
    expect(w.unknown.find((u) => u.field === 'healthCheck')!.reason).toMatch(/managed outside Kubernetes/);
    expect(ruleIds(report)).toEqual([]);
  });

  it('a workload with the budget annotation but no frontend in the input is still diagnosed', () => {
    const objects = cleanObjects();
    const deployment = objects[0]!;
    deployment.spec.template.metadata.annotations = { [BUDGET_ANNOTATION]: '{"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10}' };
    delete deployment.spec.template.spec.terminationGracePeriodSeconds;
    const report = doctorText(toYamlStream([deployment]));
    const w = report.workloads[0]!;
    expect(w.frontend).toBeUndefined();
    expect(ruleIds(report)).toEqual(['grace-covers-drain/error', 'pdb-present/warning']);
  });
});

describe('what the doctor reads', () => {
  it('reads kind: List items and JSON', () => {
    const report = doctorFixture('04-huge-grace.json');
    expect(report.objectCount).toBe(4);
    expect(report.workloads[0]!.workload).toEqual({ kind: 'Deployment', namespace: 'search', name: 'indexer' });
    expect(report.workloads[0]!.location).toMatchObject({ document: 1, item: 1 });
  });

  it('fills Kubernetes and LBC defaults for what is unset', () => {
    const report = doctorText(
      toYamlStream([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'bare' },
          spec: { selector: { matchLabels: { app: 'bare' } }, template: { metadata: { labels: { app: 'bare' } }, spec: { containers: [{ name: 'app', image: 'x' }] } } },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bare', annotations: { [LBC_ANNOTATION.type]: 'external' } }, spec: { type: 'LoadBalancer', selector: { app: 'bare' }, ports: [{ port: 50051 }] } },
      ]),
    );
    const s = report.workloads[0]!.settings;
    expect(s.terminationGracePeriodSeconds).toBe(30);
    expect(s.preStop).toEqual({ kind: 'none' });
    expect(s.readinessProbe).toEqual({ kind: 'none' });
    expect(s.rollout).toEqual({ strategy: 'RollingUpdate', maxUnavailable: '25%', maxSurge: '25%', minReadySeconds: 0, progressDeadlineSeconds: 600, replicas: 1 });
    expect(s.healthCheck).toEqual({ protocol: 'TCP', port: 'traffic-port', intervalSeconds: 10, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 });
    expect(s.targetType).toBe('instance');
    expect(s).toMatchObject({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default', connectionTermination: false, unhealthyConnectionTermination: true, unhealthyDrainingIntervalSeconds: 0 });
    expect(s.podDisruptionBudget).toBe(false);
    expect(s.readinessGate).toBe(false); // instance targets get no readiness gate
    // Instance targets: the pod-level health-check, deregistration and readiness-gate rules do
    // not apply (target-type-ip says so); 25% of 1 replica rounds down to 0 unavailable.
    expect(ruleIds(report)).toEqual(['prestop-present/error', 'probes-distinct/error', 'target-type-ip/warning', 'pdb-present/warning']);
  });

  it('instance targets with externalTrafficPolicy Local default to kube-proxy healthz', () => {
    const report = doctorVariant(({ service }) => {
      service.metadata.annotations = { [LBC_ANNOTATION.type]: 'external' };
      service.spec.externalTrafficPolicy = 'Local';
      service.spec.healthCheckNodePort = 32123;
    });
    expect(report.workloads[0]!.settings.healthCheck).toEqual({ protocol: 'HTTP', port: 32123, path: '/healthz', successCodes: '200-399', intervalSeconds: 10, timeoutSeconds: 6, healthyThreshold: 2, unhealthyThreshold: 2 });
  });

  it('reads the readiness gate from the Namespace label, or the pod readinessGates; else unknown', () => {
    const withNamespace = (enabled: string) =>
      doctorVariant(({ all }) => {
        all.unshift({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { [READINESS_GATE_LABEL]: enabled } } });
      });
    expect(withNamespace('enabled').workloads[0]!.settings.readinessGate).toBe(true);
    expect(withNamespace('disabled').workloads[0]!.settings.readinessGate).toBe(false);
    const gates = doctorVariant(({ deployment }) => {
      deployment.spec.template.spec.readinessGates = [{ conditionType: 'target-health.elbv2.k8s.aws/k8s-default-engine-0123456789' }];
    });
    expect(gates.workloads[0]!.settings.readinessGate).toBe(true);
    const unknown = doctorVariant(() => undefined);
    expect(unknown.workloads[0]!.settings.readinessGate).toBeUndefined();
    expect(unknown.workloads[0]!.unknown.map((u) => u.field)).toContain('readinessGate');
    expect(doctorVariant(() => undefined, { readinessGate: false }).workloads[0]!.settings.readinessGate).toBe(false);
  });

  it('without the readiness gate, minReadySeconds must cover registration + healthy threshold × interval', () => {
    const report = doctorVariant(({ all }) => {
      all.unshift({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    });
    const finding = report.workloads[0]!.findings.find((f) => f.rule === 'rollout-waits-for-lb')!;
    expect(finding.field).toBe('rollout.minReadySeconds');
    // registration 120s (default) + 2 × 5s, the number the message names.
    expect(finding.message).toContain('set minReadySeconds: 130.');
    expect(finding.fix[0]!.yaml).toBe('spec:\n  minReadySeconds: 130\n');
  });

  it('matches PDB selectors with matchExpressions; no PDB is a warning with a PDB to create', () => {
    expect(doctorFixture('02-sigkill.fixed.yaml').workloads[0]!.settings.podDisruptionBudget).toBe(true);
    const report = doctorVariant(({ all }) => {
      all.splice(2, 1);
    });
    const finding = report.workloads[0]!.findings.find((f) => f.rule === 'pdb-present')!;
    expect(finding.fix[0]).toEqual({
      target: { kind: 'PodDisruptionBudget', namespace: 'default', name: 'engine-pdb' },
      action: 'create',
      yaml: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: engine-pdb\n  namespace: default\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: engine\n',
    });
  });

  it('resolves named probe ports; an undeclared name is unknown, not a mismatch', () => {
    const report = doctorVariant(({ deployment }) => {
      deployment.spec.template.spec.containers[0].readinessProbe.httpGet.port = 'healthz';
    });
    const w = report.workloads[0]!;
    expect(w.settings.readinessProbe).toMatchObject({ kind: 'httpGet', path: '/ready' });
    expect(w.settings.readinessProbe!.port).toBeUndefined();
    expect(w.notes.join('\n')).toMatch(/port 'healthz', which the container does not declare/);
    expect(ruleIds(report)).toEqual([]);
  });

  it('reports unparsable annotations as input notes and leaves the value unknown', () => {
    const report = doctorVariant(({ service }) => {
      service.metadata.annotations[LBC_ANNOTATION.healthCheckInterval] = 'five';
      service.metadata.annotations[LBC_ANNOTATION.targetGroupAttributes] = 'deregistration_delay.timeout_seconds';
    });
    const w = report.workloads[0]!;
    expect(w.notes).toEqual([
      `${LBC_ANNOTATION.healthCheckInterval}: "five" is not a whole number; the Load Balancer Controller fails to reconcile the Service.`,
      `${LBC_ANNOTATION.targetGroupAttributes}: "deregistration_delay.timeout_seconds" has no '='; the Load Balancer Controller fails to reconcile the Service.`,
    ]);
    expect(w.settings.healthCheck!.intervalSeconds).toBeUndefined();
    expect(w.settings.deregistrationDelaySeconds).toBeUndefined();
  });

  it('a string where a number belongs is invalid, not converted', () => {
    const report = doctorVariant(({ deployment }) => {
      deployment.spec.template.spec.terminationGracePeriodSeconds = '45';
    });
    const w = report.workloads[0]!;
    expect(w.settings.terminationGracePeriodSeconds).toBeUndefined();
    expect(w.notes).toContain('terminationGracePeriodSeconds is "45" (a string), not a whole number: the API server rejects it.');
  });

  it.each([
    // LBC ≥ 2.14.1 splitKeyValuePairs + ParseStringMapAnnotation (pkg/annotations/parser.go).
    [' a=1 , b = 2 ', { map: { a: '1', b: '2' } }],
    ['a=x=y', { map: { a: 'x=y' } }],
    ['k=a\\,b,c=d', { map: { k: 'a,b', c: 'd' } }],
    ['a=1,', { map: { a: '1,' } }],
    ['', { map: {} }],
    ['a=1,b', { error: '"b" has no \'=\'' }],
    ['a=1,,b=2', { error: '"" has no \'=\'' }],
    ['=1', { error: '"=1" has an empty key' }],
  ] as const)('parses %j as LBC ≥ 2.14.1 does', (text, expected) => {
    expect(parseLbcStringMap(text)).toEqual(expected);
  });

  it.each([
    // LBC ≤ 2.14.0 splitCommaSeparatedString: each pair trimmed, no escapes, no trim around '='.
    [' a=1 , b = 2 ', { map: { a: '1', 'b ': ' 2' } }],
    ['a=1,,b=2', { map: { a: '1', b: '2' } }],
    ['k=a\\,b,c=d', { error: '"b" has no \'=\'' }],
  ] as const)('parses %j as LBC ≤ 2.14.0 did', (text, expected) => {
    expect(parseLegacyLbcStringMap(text)).toEqual(expected);
  });
});

describe('the budget', () => {
  it('comes from the annotation, else the options, else the defaults, and says which', () => {
    const report = doctorFixture('02-sigkill.yaml', { drainTimeoutSeconds: 99 });
    expect(report.workloads[0]!.budget).toEqual({
      propagationSeconds: { value: 20, source: 'annotation' },
      drainTimeoutSeconds: { value: 10, source: 'annotation' },
      cleanupSeconds: { value: 5, source: 'annotation' },
      headroomSeconds: { value: 10, source: 'annotation' },
      // The plan writes registration and the LBC version only when they are not the defaults.
      registrationSeconds: { value: 120, source: 'default' },
      kubernetesVersion: { value: '1.31', source: 'annotation' },
      maxTerminationGracePeriodSeconds: { source: 'unknown' },
      lbcVersion: { source: 'unknown' },
    });
    const assumed = doctorFixture('01-econnrefused.yaml', { drainTimeoutSeconds: 12, kubernetesVersion: '1.29' });
    expect(assumed.workloads[0]!.budget).toMatchObject({
      propagationSeconds: { value: 20, source: 'default' },
      drainTimeoutSeconds: { value: 12, source: 'option' },
      kubernetesVersion: { value: '1.29', source: 'option' },
    });
  });

  it('reads registration and the LBC version from the annotation, else the options', () => {
    const annotated = doctorVariant(({ deployment }) => {
      deployment.spec.template.metadata.annotations = {
        [BUDGET_ANNOTATION]: '{"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30","registrationSeconds":90,"lbcVersion":"2.4.5"}',
      };
    }, { registrationSeconds: 200, lbcVersion: '2.14' });
    expect(annotated.workloads[0]!.budget).toMatchObject({ registrationSeconds: { value: 90, source: 'annotation' }, lbcVersion: { value: '2.4.5', source: 'annotation' } });
    expect(annotated.workloads[0]!.settings).toMatchObject({ registrationSeconds: 90, lbcVersion: '2.4.5' });
    const optioned = doctorFixture('01-econnrefused.yaml', { registrationSeconds: 200, lbcVersion: '2.14' });
    expect(optioned.workloads[0]!.budget).toMatchObject({ registrationSeconds: { value: 200, source: 'option' }, lbcVersion: { value: '2.14', source: 'option' } });
    expect(optioned.workloads[0]!.settings).toMatchObject({ registrationSeconds: 200, lbcVersion: '2.14' });
  });

  it('an invalid annotation is a budget-valid error, and the options fill in', () => {
    const report = doctorVariant(({ deployment }) => {
      deployment.spec.template.metadata.annotations = { [BUDGET_ANNOTATION]: '{"propagationSeconds":"20s","drainTimeoutSeconds":10}' };
    });
    const w = report.workloads[0]!;
    expect(w.budget.propagationSeconds).toEqual({ value: 20, source: 'default' });
    expect(w.budget.drainTimeoutSeconds).toEqual({ value: 10, source: 'annotation' });
    const finding = w.findings[0]!;
    expect(finding).toMatchObject({
      rule: 'budget-valid',
      severity: 'error',
      field: `metadata.annotations.${BUDGET_ANNOTATION}.propagationSeconds`,
      message: `${BUDGET_ANNOTATION} propagationSeconds must be a finite number of seconds; got "20s" (a string).`,
    });
    const notJson = doctorVariant(({ deployment }) => {
      deployment.spec.template.metadata.annotations = { [BUDGET_ANNOTATION]: 'drain=10s' };
    });
    expect(notJson.workloads[0]!.findings[0]!.message).toMatch(/^the grpc-drain.dev\/budget annotation is not JSON/);
  });

  it('checks the cluster facts given as options: version and grace cap', () => {
    const old = doctorFixture('01-econnrefused.fixed.yaml', { kubernetesVersion: '1.29' });
    expect(ruleIds(old)).toEqual(['sleep-action-supported/error']);
    expect(old.workloads[0]!.findings[0]!.fix[0]!.yaml).toBe("spec:\n  template:\n    spec:\n      containers:\n        - name: engine\n          lifecycle:\n            preStop:\n              exec:\n                command:\n                  - sleep\n                  - '20'\n              sleep: null\n");
    const capped = doctorFixture('01-econnrefused.fixed.yaml', { maxTerminationGracePeriodSeconds: 40 });
    expect(ruleIds(capped)).toEqual(['grace-under-cap/error']);
    // The plan for this budget cannot fit under the cap either: no fragment, the reason instead.
    expect(capped.workloads[0]!.findings[0]!.fix).toEqual([]);
    expect(capped.workloads[0]!.findings[0]!.fixNote).toMatch(/^no fix computed: the workload's budget cannot give a safe plan \(\[grace-under-cap\]/);
  });

  it('rejects invalid options with the budget-valid messages', () => {
    expect(() => doctorText('', { drainTimeoutSeconds: -1 })).toThrow('drainTimeoutSeconds must be 0–3600s (the deregistration delay, at most 3600s, must cover the drain); got -1s.');
    expect(() => doctorText('', { defaultNamespace: 'Not_A_Namespace' })).toThrow(/defaultNamespace must be a namespace name/);
  });
});

describe('the serving container', () => {
  it('is never a mesh sidecar, even when it comes first (linkerd inject output)', () => {
    const report = doctorVariant(({ deployment, service }) => {
      deployment.spec.template.spec.containers.unshift({ name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:stable-2.14.10', ports: [{ name: 'linkerd-proxy', containerPort: 4143 }] });
      service.spec.ports[0].targetPort = 7443; // declared by nobody
    });
    const w = report.workloads[0]!;
    expect(w.container).toBe('engine');
    expect(w.containerReason).toBe('the only application container (no container declares port 7443)');
  });

  it('says when a sidecar is injected at admission in front of it', () => {
    const report = doctorVariant(({ deployment }) => {
      deployment.spec.template.metadata.annotations = { 'linkerd.io/inject': 'enabled' };
    });
    expect(report.workloads[0]!.assumptions).toContain(
      'Linkerd injects its proxy (linkerd.io/inject) at admission: inbound connections pass through linkerd-proxy, which stops accepting them on SIGTERM: give it the same delay as the preStop sleep with config.alpha.linkerd.io/proxy-wait-before-exit-seconds',
    );
  });

  it('is not patched when a webhook injects it into a pause placeholder, and the report says so', () => {
    const report = doctorVariant(({ deployment }) => {
      const container = deployment.spec.template.spec.containers[0];
      container.image = 'registry.k8s.io/pause:3.9';
      delete container.lifecycle;
    });
    const w = report.workloads[0]!;
    expect(w.container).toBeUndefined();
    expect(w.injected).toBe(
      'the serving container is injected at admission: container engine is a placeholder (image registry.k8s.io/pause:3.9) that a webhook replaces, so its preStop and probes in the manifest are not the ones that run; set them where the injected container is defined',
    );
    expect(w.settings.preStop).toBeUndefined();
    expect(w.unknown.map((u) => u.field)).toEqual(expect.arrayContaining(['preStop', 'readinessProbe', 'livenessProbe']));
    // Nothing a fix writes names the placeholder.
    for (const finding of w.findings) for (const fragment of finding.fix) expect(fragment.yaml).not.toContain('name: engine');
  });
});

describe('the rest of the input', () => {
  it('reads the drain timeout and cleanup from the env contract when no budget annotation gives them', () => {
    const report = doctorVariant(({ deployment }) => {
      deployment.spec.template.spec.containers[0].env = [
        { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '15' },
        { name: 'GRPC_DRAIN_CLEANUP_SECONDS', value: '3s' },
      ];
    });
    expect(report.workloads[0]!.budget).toMatchObject({ drainTimeoutSeconds: { value: 15, source: 'env' }, cleanupSeconds: { value: 3, source: 'env' } });
  });

  it('takes the replicas (1 when unset), and none when an autoscaler owns them', () => {
    expect(doctorVariant(() => undefined).workloads[0]!.settings.rollout).toMatchObject({ replicas: 3 });
    const scaled = doctorVariant(({ all }) => {
      all.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'engine' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'engine' }, minReplicas: 2, maxReplicas: 9 } });
    });
    const rollout = scaled.workloads[0]!.settings.rollout!;
    expect(rollout.replicas).toBeUndefined();
    expect(rollout.autoscaled).toBe(true);
    const keda = doctorVariant(({ all }) => {
      all.push({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'engine-scaler' }, spec: { scaleTargetRef: { name: 'engine' } } });
    });
    expect(keda.workloads[0]!.settings.rollout!.autoscaled).toBe(true);
  });
});

describe('the NLB side', () => {
  it.each([
    ['a number', '8733', {}, { port: 8733 }, undefined],
    ['traffic-port', 'traffic-port', {}, { port: 'traffic-port' }, undefined],
    ['a Service port name with a numeric targetPort (ip): its targetPort', 'health', { name: 'health', port: 8733, targetPort: 8733 }, { port: 8733, portName: 'health' }, undefined],
    ['a Service port name whose targetPort is named (ip): the LBC fails', 'health', { name: 'health', port: 8733, targetPort: 'health' }, { portName: 'health' }, "cannot use named healthCheckPort for IP TargetType when service's targetPort is a named port"],
    ['a name no Service port has', 'nope', {}, { portName: 'nope' }, 'the Service has no port named "nope"'],
  ] as const)('reads healthcheck-port as %s', (_what, value, extraPort, expected, note) => {
    const report = doctorVariant(({ service }) => {
      service.metadata.annotations[LBC_ANNOTATION.healthCheckPort] = value;
      if ('name' in extraPort) service.spec.ports.push(extraPort);
    });
    const w = report.workloads[0]!;
    const hc = w.settings.healthCheck!;
    expect({ port: hc.port, portName: hc.portName }).toEqual({ port: undefined, portName: undefined, ...expected });
    if (note) expect(w.notes.join('\n')).toContain(note);
  });

  it('merges a port\'s own target-group attributes over the Service-wide ones, and its fix writes there', () => {
    const report = doctorVariant(({ service }) => {
      service.metadata.annotations[`${LBC_ANNOTATION.targetGroupAttributes}.443`] = 'deregistration_delay.timeout_seconds=5,preserve_client_ip.enabled=true';
    });
    const w = report.workloads[0]!;
    expect(w.settings.deregistrationDelaySeconds).toBe(5);
    expect(w.settings.connectionTermination).toBe(true); // from the Service-wide annotation
    expect(w.settings.perPortTargetGroupAttributes).toBe(true);
    const finding = w.findings.find((f) => f.rule === 'deregistration-delay-covers-drain')!;
    expect(finding.location.line).toBeDefined();
    expect(finding.fix[0]!.yaml).toBe(`metadata:\n  annotations:\n    ${LBC_ANNOTATION.targetGroupAttributes}.443: 'deregistration_delay.timeout_seconds=45,preserve_client_ip.enabled=true'\n`);
    expect(finding.fixNote).toContain("this port's own attributes override the Service-wide annotation");
  });

  it('ignores the per-port annotation for an LBC older than 2.14, as that controller does', () => {
    const report = doctorVariant(({ service }) => {
      service.metadata.annotations[`${LBC_ANNOTATION.targetGroupAttributes}.443`] = 'deregistration_delay.timeout_seconds=5';
    }, { lbcVersion: '2.13.4' });
    const w = report.workloads[0]!;
    expect(w.settings.deregistrationDelaySeconds).toBe(45);
    // Still flagged, so that lbc-supports can say that this controller ignores it.
    expect(w.settings.perPortTargetGroupAttributes).toBe(true);
    expect(w.notes).toContain(`${LBC_ANNOTATION.targetGroupAttributes}.443 is ignored by Load Balancer Controller 2.13.4 (per-port attributes since 2.14.0): the Service-wide attributes apply to this port.`);
  });

  it('reads the success codes of an HTTP check (LBC default 200-399)', () => {
    expect(doctorVariant(() => undefined).workloads[0]!.settings.healthCheck!.successCodes).toBe('200-399');
    const wide = doctorVariant(({ service }) => {
      service.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes'] = '200-599';
    });
    expect(wide.workloads[0]!.settings.healthCheck!.successCodes).toBe('200-599');
  });
});
