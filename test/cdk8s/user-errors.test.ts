/**
 * What a cdk8s user meets when the props are wrong or contradict the plan: a DrainBudgetError
 * that names the prop and what to pass (never a TypeError), nothing half-built left in the
 * construct tree, and the same refusals as the Pulumi front end (test/pulumi/user-errors.test.ts).
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GrpcDeployment, NlbGrpcService, type GrpcDeploymentProps, type NlbGrpcServiceProps } from 'grpc-drain/cdk8s';
import { thrownDrainBudgetError, violationLines } from '../support/errors';

type Manifest = Record<string, any>;

const P = 'service.beta.kubernetes.io/aws-load-balancer-';
const IMAGE = 'ghcr.io/example/engine:1.0.0';

/** The error a construction throws (or a failure of the test if it throws none). */
const thrown = thrownDrainBudgetError;
const lines = violationLines;
const ids = (chart: Chart) => chart.node.children.map((child) => child.node.id);

describe('namespaces', () => {
  it("puts the Service and the PDB in a namespaced deployment's namespace (the Service used to stay in default, selecting no pod)", () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070, metadata: { namespace: 'prod' } });
    new NlbGrpcService(chart, 'engine-nlb', { deployment });
    const manifests = Testing.synth(chart) as Manifest[];
    expect(manifests.map((m) => `${m.kind} ${m.metadata.namespace}`)).toEqual(['Deployment prod', 'PodDisruptionBudget prod', 'Service prod']);
  });

  it("follows the deployment into another chart's namespace", () => {
    const app = Testing.app();
    const workloads = new Chart(app, 'workloads', { namespace: 'engine' });
    const frontends = new Chart(app, 'frontends', { namespace: 'edge' });
    const deployment = new GrpcDeployment(workloads, 'engine', { image: IMAGE, grpcPort: 7070 });
    new NlbGrpcService(frontends, 'engine-nlb', { deployment });
    const [service] = Testing.synth(frontends) as Manifest[];
    expect(service.kind).toBe('Service');
    expect(service.metadata.namespace).toBe('engine');
  });

  it('stays without a namespace when the deployment has none', () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070 });
    new NlbGrpcService(chart, 'engine-nlb', { deployment });
    expect((Testing.synth(chart) as Manifest[]).map((m) => m.metadata.namespace)).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a Service namespace other than the deployment’s, and accepts the same one', () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070, metadata: { namespace: 'prod' } });
    expect(lines(thrown(() => new NlbGrpcService(chart, 'nlb', { deployment, metadata: { namespace: 'default' } })))).toEqual([
      "metadata.namespace: metadata.namespace ('default') differs from the deployment's namespace ('prod'): a Service selects pods of its own namespace only, so this one would route to no pod. Leave metadata.namespace out: the Service takes the deployment's.",
    ]);
    expect(() => new NlbGrpcService(chart, 'nlb', { deployment, metadata: { namespace: 'prod' } })).not.toThrow();
    const unnamespaced = new GrpcDeployment(chart, 'other', { image: IMAGE, grpcPort: 7070 });
    expect(lines(thrown(() => new NlbGrpcService(chart, 'other-nlb', { deployment: unnamespaced, metadata: { namespace: 'prod' } })))).toEqual([
      "metadata.namespace: metadata.namespace ('prod') differs from the deployment's namespace (none: the one the manifests are applied to): a Service selects pods of its own namespace only, so this one would route to no pod. Leave metadata.namespace out: the Service takes the deployment's.",
    ]);
  });
});

describe('NlbGrpcService given something other than a GrpcDeployment', () => {
  const chart = Testing.chart();
  const plain = new kplus.Deployment(chart, 'plain', { containers: [{ image: IMAGE, portNumber: 7070 }] });

  it.each<[string, unknown, string]>([
    [
      'a plain cdk8s-plus Deployment',
      { deployment: plain },
      "deployment: deployment must be the GrpcDeployment (from 'grpc-drain/cdk8s') whose plan drives the NLB; got a cdk8s-plus Deployment, which has no drain plan: build it with GrpcDeployment.",
    ],
    ['a plain object', { deployment: { grpcPort: 7070 } }, "deployment: deployment must be the GrpcDeployment (from 'grpc-drain/cdk8s') whose plan drives the NLB; got a plain object."],
    ['no deployment', {}, "deployment: deployment must be the GrpcDeployment (from 'grpc-drain/cdk8s') whose plan drives the NLB; got undefined."],
    ['undefined props', undefined, 'props: NlbGrpcService needs props with at least { deployment }, the GrpcDeployment it fronts; got undefined.'],
    ['null props', null, 'props: NlbGrpcService needs props with at least { deployment }, the GrpcDeployment it fronts; got null.'],
  ])('names the prop for %s, and adds nothing to the tree', (_label, props, message) => {
    const before = ids(chart);
    const error = thrown(() => new NlbGrpcService(chart, 'nlb', props as NlbGrpcServiceProps));
    expect(error.message.split('\n')[0]).toBe("unsafe options of NlbGrpcService 'nlb' (1 violation):");
    expect(lines(error)).toEqual([message]);
    expect(ids(chart)).toEqual(before);
  });
});

describe('GrpcDeployment given wrong props', () => {
  it.each<[string, unknown, string[]]>([
    ['undefined props', undefined, ['props: GrpcDeployment needs props with at least { image, grpcPort }; got undefined.']],
    ['an empty object', {}, ['grpcPort: grpcPort is required: the port the gRPC server listens on, e.g. 7070.', "image: image is required: the gRPC server's image reference, e.g. 'ghcr.io/example/engine:1.0.0'."]],
    [
      'budget: null and contractEnv: null (never silently the defaults)',
      { image: IMAGE, grpcPort: 7070, budget: null, contractEnv: null },
      [
        'budget: budget must be an object of Durations such as { propagation: Duration.seconds(20) } (leave it out for the defaults); got null.',
        "contractEnv: contractEnv must be an object such as { drainTimeout: 'SERVER_GRPC_SHUTDOWN_TIMEOUT' } (leave it out for the GRPC_DRAIN_PRESTOP_SECONDS, GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH names); got null.",
      ],
    ],
    ['a budget that is a number', { image: IMAGE, grpcPort: 7070, budget: 20 }, ['budget: budget must be an object of Durations such as { propagation: Duration.seconds(20) } (leave it out for the defaults); got 20.']],
    ['a container that is a string', { image: IMAGE, grpcPort: 7070, container: 'grpc' }, ['container: container must be an object of cdk8s-plus container options; got "grpc" (a string).']],
  ])('refuses %s, naming the prop, and adds nothing to the tree', (_label, props, messages) => {
    const chart = Testing.chart();
    expect(lines(thrown(() => new GrpcDeployment(chart, 'engine', props as GrpcDeploymentProps)))).toEqual(messages);
    expect(ids(chart)).toEqual([]);
  });

  it('takes a half-built Deployment back out of the tree when cdk8s-plus throws inside the constructor', () => {
    const chart = Testing.chart();
    const cache = kplus.Volume.fromEmptyDir(chart, 'cache-a', 'cache');
    const again = kplus.Volume.fromEmptyDir(chart, 'cache-b', 'cache');
    expect(() => new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070, volumes: [cache, again] })).toThrow('Volume with name cache already exists');
    expect(ids(chart)).toEqual(['cache-a', 'cache-b']);
    // The id is free again: the corrected construct can take it.
    new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070, volumes: [cache] });
    expect((Testing.synth(chart) as Manifest[]).map((m) => m.kind)).toEqual(['Deployment', 'PodDisruptionBudget']);
  });

  it('never removes the construct that already holds a duplicate id', () => {
    const chart = Testing.chart();
    new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070 });
    expect(() => new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070 })).toThrow("There is already a Construct with name 'engine'");
    expect(ids(chart)).toEqual(['engine']);
  });

  it('says which budget input sets minReadySeconds when progressDeadline is shorter (cdk8s-plus would blame a minReady nobody set)', () => {
    const chart = Testing.chart();
    const error = thrown(() => new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070, progressDeadline: Duration.seconds(20), budget: { readinessGate: false } }));
    expect(lines(error)).toEqual([
      'progressDeadline: progressDeadline (20s) must be greater than minReadySeconds (130s), which the plan derives from the budget (no readiness gate: the NLB must see a new pod healthy first). Raise progressDeadline, or leave it out (600s).',
    ]);
    expect(ids(chart)).toEqual([]);
  });
});

describe('overrides that contradict the plan are refused, at construction or at synth', () => {
  it('refuses a contract variable in container.envVariables, quoting the planned value', () => {
    const chart = Testing.chart();
    const error = thrown(
      () =>
        new GrpcDeployment(chart, 'engine', {
          image: IMAGE,
          grpcPort: 7070,
          container: { envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('debug'), GRPC_DRAIN_TIMEOUT_SECONDS: kplus.EnvValue.fromValue('600') } },
        }),
    );
    expect(lines(error)).toEqual([
      'container.envVariables.GRPC_DRAIN_TIMEOUT_SECONDS: GRPC_DRAIN_TIMEOUT_SECONDS is the contract variable of the drain timeout, which the plan writes as "10": a value of your own would make the server drain by other numbers than the manifests (terminationGracePeriodSeconds 45s). Drop it (change the budget instead), or rename or drop the contract variable with contractEnv.',
    ]);
    expect(ids(chart)).toEqual([]);
  });

  it('refuses the renamed variable too, and lets the old name through once it is renamed', () => {
    const chart = Testing.chart();
    const renamed = { drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' as const } };
    const error = thrown(
      () => new GrpcDeployment(chart, 'go', { image: IMAGE, grpcPort: 7070, contractEnv: renamed, container: { envVariables: { SERVER_GRPC_SHUTDOWN_TIMEOUT: kplus.EnvValue.fromValue('1m') } } }),
    );
    expect(error.violations.map((v) => v.field)).toEqual(['container.envVariables.SERVER_GRPC_SHUTDOWN_TIMEOUT']);
    expect(error.violations[0].message).toContain('which the plan writes as "10s"');
    const deployment = new GrpcDeployment(chart, 'go', { image: IMAGE, grpcPort: 7070, contractEnv: renamed, container: { envVariables: { GRPC_DRAIN_TIMEOUT_SECONDS: kplus.EnvValue.fromValue('3') } } });
    expect(deployment.grpcContainer.env.variables.GRPC_DRAIN_TIMEOUT_SECONDS.value).toBe('3');
  });

  it('refuses what the plan owns when it is given anyway (from JavaScript, or through a cast)', () => {
    const chart = Testing.chart();
    const props = {
      image: IMAGE,
      grpcPort: 7070,
      terminationGracePeriod: Duration.seconds(600),
      strategy: kplus.DeploymentStrategy.recreate(),
      podMetadata: { annotations: { 'grpc-drain.dev/budget': '{}' } },
      container: { image: 'other', lifecycle: {}, readiness: kplus.Probe.fromTcpSocket(), ports: [] },
    } as unknown as GrpcDeploymentProps;
    expect(lines(thrown(() => new GrpcDeployment(chart, 'engine', props)))).toEqual([
      'strategy: strategy is not a prop of GrpcDeployment: the plan rolls out with RollingUpdate, maxSurge 25%, maxUnavailable 0 (old pods go only once new ones are in the NLB); leave it out.',
      'terminationGracePeriod: terminationGracePeriod is not a prop of GrpcDeployment: the plan derives it from the budget; set budget.terminationGracePeriod to override it (checked).',
      "container.image: container.image is the plan's: use the image prop.",
      "container.readiness: container.readiness is the plan's: the plan probes budget.readinessPath on healthPort; leave it out.",
      "container.lifecycle: container.lifecycle is the plan's: the plan sets the preStop sleep from budget.propagation; leave it out.",
      "container.ports: container.ports is the plan's: the gRPC and health ports come from grpcPort and healthPort; add more with grpcContainer.addPort().",
      'podMetadata.annotations.grpc-drain.dev/budget: podMetadata.annotations must not set grpc-drain.dev/budget: the plan writes it from the budget.',
    ]);
    expect(ids(chart)).toEqual([]);
  });

  it('refuses Service annotations the plan writes (they used to be overridden silently), and keeps the user’s others', () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070, healthPort: 8733 });
    const error = thrown(
      () =>
        new NlbGrpcService(chart, 'nlb', {
          deployment,
          metadata: { annotations: { [`${P}scheme`]: 'internet-facing', [`${P}healthcheck-path`]: '/live', [`${P}target-group-attributes`]: 'deregistration_delay.timeout_seconds=300' } },
        }),
    );
    expect(lines(error)).toEqual([
      `metadata.annotations.${P}scheme: metadata.annotations must not set ${P}scheme: set scheme instead.`,
      `metadata.annotations.${P}healthcheck-path: metadata.annotations must not set ${P}healthcheck-path: the plan writes it ("/ready"); change the budget instead.`,
      `metadata.annotations.${P}target-group-attributes: metadata.annotations must not set ${P}target-group-attributes: the plan writes it ("deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10"); change the budget instead.`,
    ]);
    expect(ids(chart)).toEqual(['engine']);
    new NlbGrpcService(chart, 'nlb', { deployment, metadata: { annotations: { [`${P}name`]: 'engine' } } });
    const service = (Testing.synth(chart) as Manifest[]).find((m) => m.kind === 'Service');
    expect(service?.metadata.annotations[`${P}name`]).toBe('engine');
    expect(service?.metadata.annotations[`${P}healthcheck-path`]).toBe('/ready');
  });

  it('fails the synth when the plan’s env, budget annotation or Service annotation is changed after construction', () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070 });
    deployment.grpcContainer.env.addVariable('GRPC_DRAIN_TIMEOUT_SECONDS', kplus.EnvValue.fromValue('600'));
    deployment.grpcContainer.env.addVariable('LOG_LEVEL', kplus.EnvValue.fromValue('debug'));
    deployment.podMetadata.addAnnotation('grpc-drain.dev/budget', '{}');
    const service = new NlbGrpcService(chart, 'nlb', { deployment });
    service.metadata.addAnnotation(`${P}healthcheck-path`, '/live');
    expect(() => Testing.synth(chart)).toThrow(
      [
        'Validation failed with the following errors:',
        '  [test/engine] [budget-valid] grpcContainer.env.GRPC_DRAIN_TIMEOUT_SECONDS: GRPC_DRAIN_TIMEOUT_SECONDS is the contract variable of the drain timeout, which the plan writes as "10": a value of your own would make the server drain by other numbers than the manifests (terminationGracePeriodSeconds 45s). Drop it (change the budget instead), or rename or drop the contract variable with contractEnv.',
        '  [test/engine] [budget-valid] podMetadata.annotations.grpc-drain.dev/budget: podMetadata.annotations.grpc-drain.dev/budget was changed after construction: the plan writes it from the budget ({"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30"}).',
        `  [test/nlb] [budget-valid] metadata.annotations.${P}healthcheck-path: metadata.annotations must not set ${P}healthcheck-path: the plan writes it ("/ready"); change the budget instead.`,
      ].join('\n'),
    );
  });

  it('synthesizes when only the user’s own variables and annotations are added later', () => {
    const chart = Testing.chart();
    const deployment = new GrpcDeployment(chart, 'engine', { image: IMAGE, grpcPort: 7070 });
    deployment.grpcContainer.env.addVariable('LOG_LEVEL', kplus.EnvValue.fromValue('debug'));
    deployment.podMetadata.addAnnotation('example.com/team', 'engine');
    const service = new NlbGrpcService(chart, 'nlb', { deployment });
    service.metadata.addAnnotation(`${P}name`, 'engine');
    expect((Testing.synth(chart) as Manifest[]).map((m) => m.kind)).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
  });
});
