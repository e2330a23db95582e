import { Chart, Duration, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { DrainBudgetError } from 'grpc-drain';
import { GrpcDeployment, NlbGrpcService, type GrpcDeploymentProps } from 'grpc-drain/cdk8s';
import { EngineChart } from '../../examples/cdk8s/engine-chart';
import { validateManifest } from '../support/validate';

type Manifest = Record<string, any>;

function synth(chart: Chart): Manifest[] {
  const manifests = Testing.synth(chart) as Manifest[];
  for (const manifest of manifests) validateManifest(manifest);
  return manifests;
}

const byKind = (manifests: Manifest[], kind: string): Manifest => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

function engine(props: Partial<GrpcDeploymentProps> = {}, service = true): Manifest[] {
  const chart = Testing.chart();
  const deployment = new GrpcDeployment(chart, 'engine', { image: 'ghcr.io/example/engine:1.0.0', grpcPort: 7070, healthPort: 8733, ...props });
  if (service) new NlbGrpcService(chart, 'engine-nlb', { deployment });
  return synth(chart);
}

const container = (deployment: Manifest): Manifest => deployment.spec.template.spec.containers[0];
const annotation = (service: Manifest, name: string): string => service.metadata.annotations[`service.beta.kubernetes.io/aws-load-balancer-${name}`];

describe('the engine example (seed scenario)', () => {
  const manifests = synth(new EngineChart(Testing.app(), 'engine', { namespace: 'engine' }));
  const deployment = byKind(manifests, 'Deployment');
  const pdb = byKind(manifests, 'PodDisruptionBudget');
  const service = byKind(manifests, 'Service');

  it('synthesizes its Namespace, a Deployment, a PodDisruptionBudget and a LoadBalancer Service (YAML snapshot)', () => {
    expect(manifests.map((m) => m.kind)).toEqual(['Namespace', 'Deployment', 'PodDisruptionBudget', 'Service']);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  it('labels the Namespace for the readiness gate the default budget assumes, without a namespace of its own', () => {
    expect(byKind(manifests, 'Namespace').metadata).toEqual({ name: 'engine', labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' } });
    expect(deployment.spec.minReadySeconds).toBe(0);
  });

  it('sleeps 20s natively before SIGTERM and grants 20 + 10 + 5 + 10 = 45s', () => {
    expect(container(deployment).lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
  });

  it('probes readiness (/ready, 5/2/2) and liveness (/live, 10/2/3) on the health port', () => {
    expect(container(deployment).readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8733, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 });
    expect(container(deployment).livenessProbe).toEqual({ httpGet: { path: '/live', port: 8733, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
  });

  it('rolls out surge-first and relies on the readiness gate (minReadySeconds 0)', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(deployment.spec.minReadySeconds).toBe(0);
    expect(deployment.spec.replicas).toBe(3);
  });

  it('passes the drain contract to the process and annotates the budget', () => {
    expect(container(deployment).env).toEqual([
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' },
      { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '10' },
      { name: 'GRPC_DRAIN_CLEANUP_SECONDS', value: '5' },
      { name: 'GRPC_DRAIN_HEALTH_PORT', value: '8733' },
      { name: 'GRPC_DRAIN_READY_PATH', value: '/ready' },
      { name: 'GRPC_DRAIN_LIVE_PATH', value: '/live' },
    ]);
    expect(JSON.parse(deployment.spec.template.metadata.annotations['grpc-drain.dev/budget'])).toEqual({
      propagationSeconds: 20,
      drainTimeoutSeconds: 10,
      cleanupSeconds: 5,
      headroomSeconds: 10,
      kubernetesVersion: '1.30',
    });
    expect(container(deployment).ports).toEqual([
      { containerPort: 7070, name: 'grpc', protocol: 'TCP' },
      { containerPort: 8733, name: 'health', protocol: 'TCP' },
    ]);
  });

  it('guards the pods with a PDB of maxUnavailable 1 selecting exactly the Deployment pods', () => {
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
    expect(pdb.metadata.namespace).toBe('engine');
  });

  it('points the NLB health check at readiness and sets the target-group attributes from the same plan', () => {
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'grpc', port: 7070, protocol: 'TCP', targetPort: 7070 }]);
    expect(annotation(service, 'type')).toBe('external');
    expect(annotation(service, 'nlb-target-type')).toBe('ip');
    expect(annotation(service, 'scheme')).toBe('internet-facing');
    expect(annotation(service, 'healthcheck-protocol')).toBe('http');
    expect(annotation(service, 'healthcheck-port')).toBe('8733');
    expect(annotation(service, 'healthcheck-path')).toBe('/ready');
    expect(annotation(service, 'healthcheck-interval')).toBe('5');
    expect(annotation(service, 'healthcheck-timeout')).toBe('5');
    expect(annotation(service, 'healthcheck-healthy-threshold')).toBe('2');
    expect(annotation(service, 'healthcheck-unhealthy-threshold')).toBe('2');
    expect(annotation(service, 'target-group-attributes')).toBe(
      'deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10',
    );
  });

  it('is deterministic: a second synth is byte-identical', () => {
    const again = Testing.synth(new EngineChart(Testing.app(), 'engine', { namespace: 'engine' }));
    expect(Yaml.stringify(...again)).toBe(Yaml.stringify(...manifests));
  });
});

describe('edge budgets', () => {
  it('falls back to exec sleep before Kubernetes 1.30, with a warning (YAML snapshot)', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const manifests = engine({ budget: { kubernetesVersion: '1.29', propagation: Duration.seconds(30) } });
    expect(warn.mock.calls).toEqual([
      [
        "grpc-drain: GrpcDeployment 'engine': warning [sleep-action-supported] preStop: the preStop hook execs sleep inside the container: a distroless or scratch image has none, the hook fails at once and SIGTERM arrives at t=0. Make sure the image ships it, or use the native sleep action once the cluster runs Kubernetes ≥ 1.30.",
      ],
    ]);
    warn.mockRestore();
    const deployment = byKind(manifests, 'Deployment');
    expect(container(deployment).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '30'] } } });
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  it('keeps checked overrides of the grace period, deregistration delay and health check (YAML snapshot)', () => {
    const manifests = engine({
      budget: {
        terminationGracePeriod: Duration.minutes(1),
        deregistrationDelay: Duration.seconds(50),
        healthCheck: { interval: Duration.seconds(10), healthyThreshold: 3 },
      },
    });
    const deployment = byKind(manifests, 'Deployment');
    const service = byKind(manifests, 'Service');
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
    expect(annotation(service, 'healthcheck-interval')).toBe('10');
    expect(annotation(service, 'healthcheck-timeout')).toBe('6');
    expect(annotation(service, 'healthcheck-healthy-threshold')).toBe('3');
    expect(annotation(service, 'target-group-attributes')).toContain('deregistration_delay.timeout_seconds=50,');
    expect(annotation(service, 'scheme')).toBe('internal');
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  it('waits registration + healthy threshold × interval = 120 + 2 × 5 = 130s without the readiness gate (YAML snapshot)', () => {
    const manifests = engine({ budget: { readinessGate: false } });
    expect(byKind(manifests, 'Deployment').spec.minReadySeconds).toBe(130);
    expect(byKind(engine({ budget: { readinessGate: false, registration: Duration.seconds(90) } }), 'Deployment').spec.minReadySeconds).toBe(100);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  it('rounds Durations up to whole seconds', () => {
    const deployment = byKind(engine({ budget: { propagation: Duration.millis(20500), drainTimeout: Duration.minutes(0.35) } }, false), 'Deployment');
    expect(container(deployment).lifecycle.preStop.sleep.seconds).toBe(21);
    // 0.35 min = 21 s (not 22: float noise is not a second)
    expect(container(deployment).env.slice(0, 2)).toEqual([
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '21' },
      { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '21' },
    ]);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(21 + 21 + 5 + 10);
  });

  it('renames contract variables for a Go server', () => {
    const deployment = byKind(engine({ contractEnv: { drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' }, cleanup: false } }, false), 'Deployment');
    expect(container(deployment).env.map((e: Manifest) => `${e.name}=${e.value}`)).toEqual([
      'GRPC_DRAIN_PRESTOP_SECONDS=20',
      'SERVER_GRPC_SHUTDOWN_TIMEOUT=10s',
      'GRPC_DRAIN_HEALTH_PORT=8733',
      'GRPC_DRAIN_READY_PATH=/ready',
      'GRPC_DRAIN_LIVE_PATH=/live',
    ]);
  });
});

describe('the cdk8s-plus API stays usable', () => {
  it('takes env, resources, security context and volumes like any cdk8s-plus Deployment', () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', {
      image: 'ghcr.io/example/engine:1.0.0',
      grpcPort: 7070,
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'engine'),
      container: {
        envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('debug') },
        resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { limit: cdk8sSize(512) } },
        securityContext: { user: 1000 },
      },
    });
    deployment.grpcContainer.env.addVariable('REGION', kplus.EnvValue.fromValue('eu-west-1'));
    const cache = kplus.Volume.fromEmptyDir(chart, 'cache', 'cache');
    deployment.addVolume(cache);
    deployment.grpcContainer.mount('/cache', cache);
    const manifest = byKind(synth(chart), 'Deployment');
    const c = container(manifest);
    expect(c.env.map((e: Manifest) => e.name)).toEqual([
      'GRPC_DRAIN_PRESTOP_SECONDS',
      'GRPC_DRAIN_TIMEOUT_SECONDS',
      'GRPC_DRAIN_CLEANUP_SECONDS',
      'GRPC_DRAIN_HEALTH_PORT',
      'GRPC_DRAIN_READY_PATH',
      'GRPC_DRAIN_LIVE_PATH',
      'LOG_LEVEL',
      'REGION',
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '250m' }, limits: { memory: '512Mi' } });
    expect(c.securityContext.runAsUser).toBe(1000);
    expect(c.volumeMounts).toEqual([{ mountPath: '/cache', name: 'cache' }]);
    expect(manifest.spec.template.spec.volumes).toEqual([{ emptyDir: {}, name: 'cache' }]);
    expect(manifest.spec.template.spec.serviceAccountName).toBe('engine');
    // The plan's fields are still there.
    expect(c.lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
    expect(manifest.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
  });

  it('gives the PDB the Deployment’s name and namespace when they are set', () => {
    const chart = Testing.chart();
    new GrpcDeployment(chart, 'engine', { image: 'i', grpcPort: 7070, metadata: { name: 'engine', namespace: 'prod' } });
    const pdb = byKind(synth(chart), 'PodDisruptionBudget');
    expect(pdb.metadata).toEqual({ name: 'engine', namespace: 'prod' });
  });
});

function cdk8sSize(mebibytes: number) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Size } = require('cdk8s') as typeof import('cdk8s');
  return Size.mebibytes(mebibytes);
}

describe('unsafe input fails at construction with every violation', () => {
  it('joins all violations, names cdk8s props, and adds nothing to the chart', () => {
    const chart = Testing.chart();
    const build = () =>
      new GrpcDeployment(chart, 'engine', {
        image: 'ghcr.io/example/engine:1.0.0',
        grpcPort: 7070,
        healthPort: 7070,
        budget: { propagation: Duration.seconds(20), drainTimeout: Duration.seconds(30), terminationGracePeriod: Duration.seconds(40), healthCheck: { interval: Duration.seconds(2) } },
      });
    expect(build).toThrow(DrainBudgetError);
    expect(build).toThrow(
      [
        "unsafe drain budget of GrpcDeployment 'engine' (4 violations):",
        '  - [budget-valid] healthPort: healthPort (7070) must differ from grpcPort (7070): the NLB health check and the kubelet speak HTTP/1.1 to the health server, which cannot share the gRPC server\'s port. Pick another healthPort.',
        // AWS's health-check ranges are the budget's own: out of them is budget-valid, named as the cdk8s prop
        "  - [budget-valid] healthCheck.intervalSeconds: budget.healthCheck.interval must be 5–300s (the NLB's range); got 2s.",
        '  - [grace-covers-drain] terminationGracePeriodSeconds: terminationGracePeriodSeconds (40s) must be ≥ preStop sleep + drain timeout + cleanup (20s + 30s + 5s = 55s): the grace period counts from deletion and includes the preStop, so the kubelet SIGKILLs the server 15s before its drain and cleanup can end. Set terminationGracePeriodSeconds to 65s (with 10s headroom).',
        // the delay it names is the one the fixed grace period (65s) gives, as the other message says
        "  - [deregistration-delay-covers-drain] deregistrationDelaySeconds: deregistration_delay.timeout_seconds (40s) must be ≥ preStop sleep + drain timeout (20s + 30s = 50s): the NLB ends the draining state 10s before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set deregistration_delay.timeout_seconds=65.",
      ].join('\n'),
    );
    expect(chart.node.children).toHaveLength(0);
    expect(Testing.synth(chart)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a number where a Duration is expected', { budget: { propagation: 20 } }, 'budget.propagation must be a cdk8s Duration such as Duration.seconds(20); got 20.'],
    ['a zero propagation', { budget: { propagation: Duration.seconds(0) } }, 'budget.propagation must be 1–3600s (a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep); got 0s.'],
    ['an unknown budget prop', { budget: { sleep: Duration.seconds(20) } }, 'budget.sleep is not a budget field; use one of propagation, registration, drainTimeout, cleanup, headroom, terminationGracePeriod, deregistrationDelay, maxTerminationGracePeriod, kubernetesVersion, lbcVersion, readinessGate, readinessPath, livenessPath, healthCheck.'],
    ['a port out of range', { grpcPort: 0 }, 'grpcPort must be a port number 1–65535; got 0.'],
    ['an empty image', { image: '' }, 'image must be a non-empty image reference; got "" (a string).'],
    ['a bad contract variable name', { contractEnv: { drainTimeout: '1BAD' } }, 'contractEnv.drainTimeout must be an environment variable name (letters, digits, \'_\', \'-\', \'.\', not starting with a digit); got "1BAD" (a string).'],
  ])('rejects %s', (_name, props, message) => {
    const chart = Testing.chart();
    let error: unknown;
    try {
      new GrpcDeployment(chart, 'engine', { image: 'ghcr.io/example/engine:1.0.0', grpcPort: 7070, ...props } as GrpcDeploymentProps);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DrainBudgetError);
    expect((error as DrainBudgetError).violations.map((v) => v.message)).toEqual([message]);
  });

  it('rejects a scheme the LBC does not know', () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', { image: 'i', grpcPort: 7070 });
    expect(() => new NlbGrpcService(chart, 'nlb', { deployment, scheme: 'public' as never })).toThrow(
      "unsafe options of NlbGrpcService 'nlb' (1 violation):\n  - [budget-valid] scheme: scheme must be 'internal' or 'internet-facing'; got \"public\" (a string).",
    );
  });
});
