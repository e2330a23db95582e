/**
 * What a Pulumi user meets when the args are wrong or contradict the plan: a DrainBudgetError
 * that names the arg and what to pass (never a TypeError), thrown before anything is
 * registered, and the same refusals as the cdk8s front end (test/cdk8s/user-errors.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { drainTransform, GrpcDeployment, NlbGrpcService, type DrainBudget, type DrainTransformOptions, type GrpcDeploymentArgs, type NlbGrpcServiceArgs } from 'grpc-drain/pulumi';
import { NlbTargetGroup, type NlbTargetGroupArgs } from 'grpc-drain/pulumi/aws';
import { drainRegistrations, promiseOf, registered, setupMocks, type Recorder } from './mocks';
import { thrownDrainBudgetError, violationLines } from '../support/errors';

let recorder: Recorder;
beforeAll(async () => {
  recorder = await setupMocks();
});
beforeEach(() => recorder.clear());

const ROOT = join(__dirname, '..', '..');
const P = 'service.beta.kubernetes.io/aws-load-balancer-';
const IMAGE = 'ghcr.io/example/engine:1.0.0';
const VPC = 'vpc-0123456789abcdef0';

const thrown = thrownDrainBudgetError;
const lines = violationLines;

/** Nothing but the sentinel reached the mocks. */
async function expectNothingRegistered(sentinel: string): Promise<void> {
  await drainRegistrations(sentinel);
  expect(recorder.summary()).toEqual([`test:index:Sentinel::${sentinel}`]);
}

describe('namespaces', () => {
  it("puts the PDB, the NLB Service, the target group's Service and its binding in the deployment's namespace", async () => {
    const deployment = new GrpcDeployment('engine', { image: IMAGE, grpcPort: 7070, metadata: { namespace: 'prod' } });
    const nlb = new NlbGrpcService('engine-nlb', { deployment });
    const tg = new NlbTargetGroup('engine-tg', { deployment, vpcId: VPC });
    await registered(deployment.deployment, deployment.podDisruptionBudget, nlb.service, tg.service, tg.targetGroupBinding);
    const namespaces = recorder.resources.filter((r) => r.type.startsWith('kubernetes:')).map((r) => `${r.type.slice('kubernetes:'.length)} ${r.name} ${r.inputs.metadata?.namespace}`);
    expect(namespaces.sort()).toEqual([
      'apps/v1:Deployment engine prod',
      'core/v1:Service engine-nlb prod',
      'core/v1:Service engine-tg-service prod',
      'elbv2.k8s.aws/v1beta1:TargetGroupBinding engine-tg-binding prod',
      'policy/v1:PodDisruptionBudget engine-pdb prod',
    ]);
  });

  it('takes an Output namespace along (the namespace object the program creates)', async () => {
    const namespace = new k8s.core.v1.Namespace('engine-ns', { metadata: { name: 'engine' } });
    const deployment = new GrpcDeployment('engine', { image: IMAGE, grpcPort: 7070, metadata: { namespace: namespace.metadata.name } });
    const nlb = new NlbGrpcService('engine-nlb', { deployment });
    await registered(nlb.service, deployment.podDisruptionBudget);
    expect(recorder.one('kubernetes:core/v1:Service').inputs.metadata.namespace).toBe('engine');
    expect(recorder.one('kubernetes:policy/v1:PodDisruptionBudget').inputs.metadata.namespace).toBe('engine');
    expect(await promiseOf(nlb.service.metadata.namespace)).toBe('engine');
  });

  it('refuses a Service namespace other than the deployment’s, registering nothing', async () => {
    const deployment = new GrpcDeployment('engine', { image: IMAGE, grpcPort: 7070, metadata: { namespace: 'prod' } });
    await registered(deployment.deployment);
    recorder.clear();
    expect(lines(thrown(() => new NlbGrpcService('nlb', { deployment, metadata: { namespace: 'default' } })))).toEqual([
      "metadata.namespace: metadata.namespace ('default') differs from the deployment's namespace ('prod'): a Service selects pods of its own namespace only, so this one would route to no pod. Leave metadata.namespace out: the Service takes the deployment's.",
    ]);
    await expectNothingRegistered('after-namespace');
  });
});

describe('components called without args, or with the wrong ones, register nothing', () => {
  it.each<[string, () => unknown, string, string[]]>([
    ['GrpcDeployment without args', () => new GrpcDeployment('engine', undefined as unknown as GrpcDeploymentArgs), "unsafe drain budget of GrpcDeployment 'engine' (1 violation):", ['args: GrpcDeployment needs args with at least { image, grpcPort }; got undefined.']],
    [
      'GrpcDeployment with {}',
      () => new GrpcDeployment('engine', {} as GrpcDeploymentArgs),
      "unsafe drain budget of GrpcDeployment 'engine' (2 violations):",
      ['grpcPort: grpcPort is required: the port the gRPC server listens on, e.g. 7070.', "image: image is required: the gRPC server's image reference, e.g. 'ghcr.io/example/engine:1.0.0'."],
    ],
    [
      'GrpcDeployment with budget: null and contractEnv: null (never silently the defaults)',
      () => new GrpcDeployment('engine', { image: IMAGE, grpcPort: 7070, budget: null, contractEnv: null } as unknown as GrpcDeploymentArgs),
      "unsafe drain budget of GrpcDeployment 'engine' (2 violations):",
      [
        'budget: the budget must be a plain object of budget fields (durations in seconds); got null.',
        "contractEnv: contractEnv must be an object such as { drainTimeout: 'SERVER_GRPC_SHUTDOWN_TIMEOUT' } (leave it out for the GRPC_DRAIN_PRESTOP_SECONDS, GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH names); got null.",
      ],
    ],
    ['NlbGrpcService without args', () => new NlbGrpcService('nlb', undefined as unknown as NlbGrpcServiceArgs), "unsafe options of NlbGrpcService 'nlb' (1 violation):", ['args: NlbGrpcService needs args with at least { deployment }; got undefined.']],
    ['NlbGrpcService with {}', () => new NlbGrpcService('nlb', {} as NlbGrpcServiceArgs), "unsafe options of NlbGrpcService 'nlb' (1 violation):", ["deployment: deployment must be the GrpcDeployment (from 'grpc-drain/pulumi') whose plan drives the NLB; got undefined."]],
    ['NlbTargetGroup without args', () => new NlbTargetGroup('tg', undefined as unknown as NlbTargetGroupArgs), "unsafe options of NlbTargetGroup 'tg' (1 violation):", ['args: NlbTargetGroup needs args with at least { deployment, vpcId }; got undefined.']],
    [
      'NlbTargetGroup with {}',
      () => new NlbTargetGroup('tg', {} as NlbTargetGroupArgs),
      "unsafe options of NlbTargetGroup 'tg' (2 violations):",
      [
        "deployment: deployment must be the GrpcDeployment (from 'grpc-drain/pulumi') whose plan drives the NLB; got undefined.",
        "vpcId: vpcId is required: the cluster's VPC (the targets are pod IPs), e.g. an aws.ec2.Vpc's id or eks.Cluster's vpcId; got undefined.",
      ],
    ],
  ])('%s', async (_label, build, head, messages) => {
    const error = thrown(build);
    expect(error.message.split('\n')[0]).toBe(head);
    expect(lines(error)).toEqual(messages);
    await expectNothingRegistered('after-wrong-args');
  });

  it('refuses drainTransform(null, {}, null) and a null contractEnv, never planning on the defaults', () => {
    expect(lines(thrown(() => drainTransform(null as unknown as DrainBudget, {}, null as unknown as DrainTransformOptions)))).toEqual([
      // The retrofit layer's own check of its options' shape (drainTransform is built on it).
      'budget: budget must be an object of budget fields such as { propagationSeconds: 30 }; got null.',
      'options: options must be an object such as { contractEnv, scheme } (leave it out for the defaults); got null.',
    ]);
    expect(lines(thrown(() => drainTransform({}, {}, { contractEnv: null } as unknown as DrainTransformOptions)))).toEqual([
      "contractEnv: contractEnv must be an object such as { drainTimeout: 'SERVER_GRPC_SHUTDOWN_TIMEOUT' } (leave it out for the GRPC_DRAIN_PRESTOP_SECONDS, GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH names); got null.",
    ]);
  });

  it('refuses a plain k8s Deployment as the deployment of an NlbGrpcService, and an NlbGrpcService as the service of an NlbTargetGroup', async () => {
    const deployment = new GrpcDeployment('engine', { image: IMAGE, grpcPort: 7070 });
    const plain = new k8s.apps.v1.Deployment('plain', { spec: { selector: { matchLabels: { app: 'plain' } }, template: { spec: { containers: [{ name: 'x', image: IMAGE }] } } } });
    const nlb = new NlbGrpcService('engine-nlb', { deployment });
    await registered(deployment.deployment, plain, nlb.service);
    recorder.clear();
    expect(lines(thrown(() => new NlbGrpcService('wrong', { deployment: plain as unknown as GrpcDeployment })))).toEqual([
      "deployment: deployment must be the GrpcDeployment (from 'grpc-drain/pulumi') whose plan drives the NLB; got a k8s.apps.v1.Deployment, which has no drain plan: build it with GrpcDeployment.",
    ]);
    expect(lines(thrown(() => new NlbTargetGroup('tg', { deployment, vpcId: VPC, service: nlb as unknown as k8s.core.v1.Service })))).toEqual([
      "service: service must be a k8s.core.v1.Service of type ClusterIP selecting the deployment's pods; got an NlbGrpcService, whose LoadBalancer Service makes the LBC create an NLB of its own. Leave service out for a ClusterIP Service made for you.",
    ]);
    await expectNothingRegistered('after-wrong-resources');
  });
});

describe('overrides that contradict the plan are refused', () => {
  it('refuses a contract variable in env, quoting the planned value, even when its value is an Output', async () => {
    const error = thrown(
      () =>
        new GrpcDeployment('engine', {
          image: IMAGE,
          grpcPort: 7070,
          env: [
            { name: 'LOG_LEVEL', value: 'debug' },
            { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: pulumi.output('600') },
          ],
        }),
    );
    expect(lines(error)).toEqual([
      'env[1]: GRPC_DRAIN_TIMEOUT_SECONDS is the contract variable of the drain timeout, which the plan writes as "10": a value of your own would make the server drain by other numbers than the manifests (terminationGracePeriodSeconds 45s). Drop it (change the budget instead), or rename or drop the contract variable with contractEnv.',
    ]);
    await expectNothingRegistered('after-env');
  });

  it('checks the keys of a plain annotation map even when its values are Outputs', async () => {
    const deployment = new GrpcDeployment('engine', { image: IMAGE, grpcPort: 7070 });
    await registered(deployment.deployment);
    recorder.clear();
    const error = thrown(() => new NlbGrpcService('nlb', { deployment, metadata: { annotations: { [`${P}healthcheck-path`]: pulumi.output('/live') } } }));
    expect(lines(error)).toEqual([`metadata.annotations.${P}healthcheck-path: metadata.annotations must not set ${P}healthcheck-path: the plan writes it ("/ready"); change the budget instead.`]);
    await expectNothingRegistered('after-annotations');
  });

  it('passes Output env entries and annotation maps that do not conflict through unchanged', async () => {
    const deployment = new GrpcDeployment('engine', { image: IMAGE, grpcPort: 7070, env: [pulumi.output({ name: 'LOG_LEVEL', value: 'debug' })] });
    const nlb = new NlbGrpcService('nlb', { deployment, metadata: { annotations: pulumi.output({ [`${P}name`]: 'engine' }) } });
    await registered(deployment.deployment, nlb.service);
    const env = recorder.one('kubernetes:apps/v1:Deployment').inputs.spec.template.spec.containers[0].env;
    expect(env.map((v: { name: string }) => v.name)).toEqual(['GRPC_DRAIN_PRESTOP_SECONDS', 'GRPC_DRAIN_TIMEOUT_SECONDS', 'GRPC_DRAIN_CLEANUP_SECONDS', 'GRPC_DRAIN_HEALTH_PORT', 'GRPC_DRAIN_READY_PATH', 'GRPC_DRAIN_LIVE_PATH', 'LOG_LEVEL']);
    const annotations = recorder.one('kubernetes:core/v1:Service').inputs.metadata.annotations;
    expect(annotations[`${P}name`]).toBe('engine');
    expect(annotations[`${P}healthcheck-path`]).toBe('/ready');
  });

  it('refuses, once known, an env entry or an annotation map that is an Output and contradicts the plan', () => {
    // The exit status is Pulumi's (it reports the promises the refusals left pending); stdout is the fixture's.
    const { stdout } = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'fixtures', 'refused-outputs.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      timeout: 60_000,
    });
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line) as string)).toEqual([
      [
        'DrainBudgetError: error serializing property "metadata": unsafe options of NlbGrpcService \'engine-nlb\' (1 violation):',
        `  - [budget-valid] metadata.annotations.${P}healthcheck-path: metadata.annotations must not set ${P}healthcheck-path: the plan writes it ("/ready"); change the budget instead.`,
      ].join('\n'),
      [
        'DrainBudgetError: error serializing property "spec": unsafe drain budget of GrpcDeployment \'engine\' (1 violation):',
        '  - [budget-valid] env[0]: GRPC_DRAIN_TIMEOUT_SECONDS is the contract variable of the drain timeout, which the plan writes as "10": a value of your own would make the server drain by other numbers than the manifests (terminationGracePeriodSeconds 45s). Drop it (change the budget instead), or rename or drop the contract variable with contractEnv.',
      ].join('\n'),
    ]);
  });
});
