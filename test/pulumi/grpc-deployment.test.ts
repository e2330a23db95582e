import * as pulumi from '@pulumi/pulumi';
import { DrainBudgetError } from 'grpc-drain';
import * as api from 'grpc-drain/pulumi';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { stringify } from 'yaml';
import { drainRegistrations, promiseOf, registered, setupMocks, type Recorder } from './mocks';

let recorder: Recorder;

// The mocks must be in place before any resource is built, not before the imports.
beforeAll(async () => {
  recorder = await setupMocks();
});
beforeEach(() => recorder.clear());

const SEED = {
  image: 'ghcr.io/example/engine:1.0.0',
  grpcPort: 7070,
  healthPort: 8733,
  replicas: 3,
  budget: { propagationSeconds: 20, drainTimeoutSeconds: 10 },
} as const;

async function build(name: string, args: Partial<api.GrpcDeploymentArgs> = {}) {
  const engine = new api.GrpcDeployment(name, { ...SEED, ...args });
  await registered(engine, engine.deployment, engine.podDisruptionBudget);
  return engine;
}

describe('GrpcDeployment', () => {
  it('registers the component, an apps/v1 Deployment and a policy/v1 PDB, named from its name', async () => {
    const engine = await build('engine', { metadata: { namespace: 'engine' } });
    expect(recorder.summary()).toEqual([
      'grpc-drain:kubernetes:GrpcDeployment::engine',
      'kubernetes:apps/v1:Deployment::engine',
      'kubernetes:policy/v1:PodDisruptionBudget::engine-pdb',
    ]);
    expect(recorder.one('kubernetes:apps/v1:Deployment').custom).toBe(true);
    expect(recorder.one('grpc-drain:kubernetes:GrpcDeployment').custom).toBe(false);
    const urn = await promiseOf(engine.deployment.urn);
    expect(urn).toBe('urn:pulumi:test::grpc-drain::grpc-drain:kubernetes:GrpcDeployment$kubernetes:apps/v1:Deployment::engine');
    expect(await promiseOf(engine.namespace)).toBe('engine');
    expect(await promiseOf(engine.deploymentName)).toBe('engine-mock');
  });

  it('derives every termination number from the budget (20 s sleep, 45 s grace, probes on 8733)', async () => {
    await build('numbers');
    const { spec } = recorder.one('kubernetes:apps/v1:Deployment').inputs;
    const container = spec.template.spec.containers[0];
    expect(container.lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8733, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 });
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/live', port: 8733, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(spec.minReadySeconds).toBe(0);
    expect(spec.replicas).toBe(3);
    expect(container.env).toEqual([
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' },
      { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '10' },
      { name: 'GRPC_DRAIN_CLEANUP_SECONDS', value: '5' },
      { name: 'GRPC_DRAIN_HEALTH_PORT', value: '8733' },
      { name: 'GRPC_DRAIN_READY_PATH', value: '/ready' },
      { name: 'GRPC_DRAIN_LIVE_PATH', value: '/live' },
    ]);
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 7070, protocol: 'TCP' },
      { name: 'health', containerPort: 8733, protocol: 'TCP' },
    ]);
    expect(JSON.parse(spec.template.metadata.annotations['grpc-drain.dev/budget'])).toEqual({
      propagationSeconds: 20,
      drainTimeoutSeconds: 10,
      cleanupSeconds: 5,
      headroomSeconds: 10,
      kubernetesVersion: '1.30',
    });
    expect(recorder.one('kubernetes:policy/v1:PodDisruptionBudget').inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'numbers' } },
    });
  });

  it('selects its pods by app.kubernetes.io/name and leaves metadata.name to Pulumi', async () => {
    await build('selected');
    const deployment = recorder.one('kubernetes:apps/v1:Deployment').inputs;
    expect(deployment.metadata).toEqual({});
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'selected' } });
    expect(deployment.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'selected' });
    expect(recorder.one('kubernetes:policy/v1:PodDisruptionBudget').inputs.metadata).toEqual({});
  });

  it('matches the recorded inputs snapshot (seed budget, namespace engine)', async () => {
    await build('snapshot', { metadata: { namespace: 'engine', labels: { team: 'queue' } } });
    const custom = recorder.customResources();
    expect(stringify(custom.map(({ type, name, inputs }) => ({ type, name, inputs })), { sortMapEntries: true })).toMatchSnapshot();
    // The same numbers, asserted one by one, so a snapshot update cannot hide a change.
    const { spec } = custom[0].inputs;
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds).toBe(20);
    expect(custom[1].inputs.metadata).toEqual({ namespace: 'engine', labels: { team: 'queue' } });
  });

  it('renders objects valid against the Kubernetes schema', async () => {
    await build('valid', { metadata: { namespace: 'engine' } });
    const deployment = recorder.one('kubernetes:apps/v1:Deployment').inputs;
    const pdb = recorder.one('kubernetes:policy/v1:PodDisruptionBudget').inputs;
    expect(() => new Deployment({ ...deployment, metadata: { name: 'valid', ...deployment.metadata } } as never).validate()).not.toThrow();
    expect(() => new PodDisruptionBudget({ ...pdb, metadata: { name: 'valid', ...pdb.metadata } } as never).validate()).not.toThrow();
  });

  it('passes Kubernetes fields through without letting them override the plan', async () => {
    await build('passthrough', {
      metadata: { name: 'engine', namespace: 'queue', annotations: { owner: 'queue-team' } },
      containerName: 'server',
      env: [{ name: 'LOG_LEVEL', value: 'debug' }],
      resources: { requests: { cpu: '250m' } },
      securityContext: { readOnlyRootFilesystem: true },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      serviceAccountName: 'engine',
      podSecurityContext: { runAsNonRoot: true },
      volumes: [{ name: 'tmp', emptyDir: {} }],
      podLabels: { tier: 'backend' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      initContainers: [{ name: 'proxy', image: 'envoy:1.30', restartPolicy: 'Always' }],
    });
    const { metadata, spec } = recorder.one('kubernetes:apps/v1:Deployment').inputs;
    expect(metadata).toEqual({ name: 'engine', namespace: 'queue', annotations: { owner: 'queue-team' } });
    const pod = spec.template.spec;
    expect(pod.serviceAccountName).toBe('engine');
    expect(pod.securityContext).toEqual({ runAsNonRoot: true });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.initContainers).toEqual([{ name: 'proxy', image: 'envoy:1.30', restartPolicy: 'Always' }]);
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    const [container] = pod.containers;
    expect(container.name).toBe('server');
    expect(container.resources).toEqual({ requests: { cpu: '250m' } });
    expect(container.securityContext).toEqual({ readOnlyRootFilesystem: true });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(container.env.map((variable: { name: string }) => variable.name)).toEqual([
      'GRPC_DRAIN_PRESTOP_SECONDS',
      'GRPC_DRAIN_TIMEOUT_SECONDS',
      'GRPC_DRAIN_CLEANUP_SECONDS',
      'GRPC_DRAIN_HEALTH_PORT',
      'GRPC_DRAIN_READY_PATH',
      'GRPC_DRAIN_LIVE_PATH',
      'LOG_LEVEL',
    ]);
    expect(spec.template.metadata).toEqual({
      labels: { tier: 'backend', 'app.kubernetes.io/name': 'passthrough' },
      annotations: { 'prometheus.io/scrape': 'true', 'grpc-drain.dev/budget': expect.any(String) },
    });
    // The PDB shares name and namespace (another kind: no clash).
    expect(recorder.one('kubernetes:policy/v1:PodDisruptionBudget').inputs.metadata).toEqual({ name: 'engine', namespace: 'queue' });
  });

  it('takes the image as an Output (an ECR image URI)', async () => {
    await build('ecr', { image: pulumi.output('123456789012.dkr.ecr.us-east-1.amazonaws.com/engine:1.0.0') });
    const container = recorder.one('kubernetes:apps/v1:Deployment').inputs.spec.template.spec.containers[0];
    expect(container.image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/engine:1.0.0');
  });

  it('renames contract variables for a Go server', async () => {
    await build('go', { contractEnv: { drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' }, livenessPath: false } });
    const env = recorder.one('kubernetes:apps/v1:Deployment').inputs.spec.template.spec.containers[0].env;
    expect(env.slice(0, 2)).toEqual([
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' },
      { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', value: '10s' },
    ]);
    expect(env.map((variable: { name: string }) => variable.name)).not.toContain('GRPC_DRAIN_LIVE_PATH');
  });

  it('uses exec sleep before Kubernetes 1.30 and minReadySeconds without the readiness gate', async () => {
    await build('old', { budget: { propagationSeconds: 20, drainTimeoutSeconds: 10, kubernetesVersion: '1.29', readinessGate: false } });
    const { spec } = recorder.one('kubernetes:apps/v1:Deployment').inputs;
    expect(spec.template.spec.containers[0].lifecycle.preStop).toEqual({ exec: { command: ['sleep', '20'] } });
    // registration 120 s (the default) + healthyThreshold 2 × interval 5 s
    expect(spec.minReadySeconds).toBe(130);
  });

  it('exposes the plan the Service and target group read', async () => {
    const engine = await build('plan');
    expect(engine.plan.terminationGracePeriodSeconds).toBe(45);
    expect(engine.plan.deregistrationDelaySeconds).toBe(45);
    expect(engine.grpcPort).toBe(7070);
    expect(engine.healthPort).toBe(8733);
    expect(engine.selectorLabels).toEqual({ 'app.kubernetes.io/name': 'plan' });
  });
});

describe('GrpcDeployment rejects unsafe budgets and conflicting args before registering anything', () => {
  it('lists every violation of an unsafe budget and registers nothing, not even the component', async () => {
    let error: unknown;
    try {
      new api.GrpcDeployment('bad', { ...SEED, budget: { propagationSeconds: 5, drainTimeoutSeconds: 10, terminationGracePeriodSeconds: 12 } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DrainBudgetError);
    expect((error as DrainBudgetError).message).toBe(
      [
        "unsafe drain budget of GrpcDeployment 'bad' (2 violations):",
        '  - [grace-covers-drain] terminationGracePeriodSeconds: terminationGracePeriodSeconds (12s) must be ≥ preStop sleep + drain timeout + cleanup (5s + 10s + 5s = 20s): the grace period counts from deletion and includes the preStop, so the kubelet SIGKILLs the server 8s before its drain and cleanup can end. Set terminationGracePeriodSeconds to 30s (with 10s headroom).',
        "  - [deregistration-delay-covers-drain] deregistrationDelaySeconds: deregistration_delay.timeout_seconds (12s) must be ≥ preStop sleep + drain timeout (5s + 10s = 15s): the NLB ends the draining state 3s before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set deregistration_delay.timeout_seconds=30.",
      ].join('\n'),
    );
    await drainRegistrations('after-bad');
    expect(recorder.summary()).toEqual(['test:index:Sentinel::after-bad']);
  });

  it('reports budget, port and pass-through problems together', async () => {
    let error: unknown;
    try {
      new api.GrpcDeployment('conflicts', {
        ...SEED,
        healthPort: 7070,
        budget: { propagationSeconds: -1, healthPort: 8080 },
        containerName: 'Server_1',
        env: [{ name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '99' }],
        podLabels: { 'app.kubernetes.io/name': 'other' },
        podAnnotations: { 'grpc-drain.dev/budget': '{}' },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DrainBudgetError);
    expect((error as DrainBudgetError).violations.map((v) => `${v.rule} ${v.field}: ${v.message}`)).toEqual([
      'budget-valid healthPort: healthPort (7070) and budget.healthPort (8080) disagree; give only one of them.',
      "budget-valid containerName: containerName must be a DNS label (lower-case letters, digits, '-', at most 63 characters); got \"Server_1\" (a string).",
      'budget-valid podLabels.app.kubernetes.io/name: podLabels.app.kubernetes.io/name ("other" (a string)) conflicts with the selector label app.kubernetes.io/name=conflicts; drop it or change selectorLabels.',
      'budget-valid podAnnotations.grpc-drain.dev/budget: podAnnotations must not set grpc-drain.dev/budget: the plan writes it from the budget.',
      "budget-valid healthPort: healthPort (7070) must differ from grpcPort (7070): the NLB health check and the kubelet speak HTTP/1.1 to the health server, which cannot share the gRPC server's port. Pick another healthPort.",
      'budget-valid propagationSeconds: budget.propagationSeconds must be 1–3600s (a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep); got -1s.',
      // no plan (the budget is unsafe): the message cannot quote the planned value
      'budget-valid env[0]: GRPC_DRAIN_TIMEOUT_SECONDS is the contract variable of the drain timeout, which the plan writes: a value of your own would make the server drain by other numbers than the manifests. Drop it (change the budget instead), or rename or drop the contract variable with contractEnv.',
    ]);
    await drainRegistrations('after-conflicts');
    expect(recorder.summary()).toEqual(['test:index:Sentinel::after-conflicts']);
  });

  it.each([
    ['a grpcPort out of range', { grpcPort: 70000 }, 'grpcPort must be a port number 1–65535; got 70000.'],
    ['an empty image', { image: ' ' }, 'image must be a non-empty image reference; got " " (a string).'],
    ['fractional replicas', { replicas: 1.5 }, 'replicas must be a whole number ≥ 0; got 1.5.'],
    ['a budget field of the wrong type', { budget: { drainTimeoutSeconds: '10s' as unknown as number } }, 'budget.drainTimeoutSeconds must be a finite number of seconds; got "10s" (a string).'],
  ])('rejects %s', (_label, args, message) => {
    expect(() => new api.GrpcDeployment('rejected', { ...SEED, ...args })).toThrow(message);
  });
});
