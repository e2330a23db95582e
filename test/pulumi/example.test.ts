/**
 * Runs the Pulumi example program (examples/pulumi/index.ts) under mocks, as `pulumi up`
 * would run it but with no engine, cluster or cloud, and the helpers of its other two files.
 */
import * as pulumi from '@pulumi/pulumi';
import { GrpcDeployment } from 'grpc-drain/pulumi';
import { drainRegistrations, promiseOf, registered, setupMocks, type Recorder } from './mocks';

type Program = typeof import('../../examples/pulumi/index');

let recorder: Recorder;
let program: Program;

beforeAll(async () => {
  recorder = await setupMocks();
  program = require('../../examples/pulumi/index') as Program;
  await promiseOf(pulumi.all([program.deploymentName, program.serviceName]));
  await drainRegistrations('example-sentinel');
});

describe('examples/pulumi/index.ts', () => {
  it('declares the namespace, the engine and its NLB Service', () => {
    expect(recorder.summary().filter((entry) => !entry.startsWith('test:'))).toEqual([
      'grpc-drain:kubernetes:GrpcDeployment::engine',
      'grpc-drain:kubernetes:NlbGrpcService::engine-nlb',
      'kubernetes:apps/v1:Deployment::engine',
      'kubernetes:core/v1:Namespace::engine',
      'kubernetes:core/v1:Service::engine-nlb',
      'kubernetes:policy/v1:PodDisruptionBudget::engine-pdb',
    ]);
  });

  it('labels the namespace for the LBC pod readiness gate the budget assumes', () => {
    expect(recorder.one('kubernetes:core/v1:Namespace').inputs.metadata).toEqual({
      name: 'engine',
      labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' },
    });
  });

  it('puts the engine and its Service in that namespace', () => {
    expect(recorder.one('kubernetes:apps/v1:Deployment').inputs.metadata.namespace).toBe('engine');
    expect(recorder.one('kubernetes:policy/v1:PodDisruptionBudget').inputs.metadata.namespace).toBe('engine');
    expect(recorder.one('kubernetes:core/v1:Service').inputs.metadata.namespace).toBe('engine');
  });

  it('derives the seed numbers: 20 s preStop, 45 s grace and deregistration delay, 10 s drain', async () => {
    const { spec } = recorder.one('kubernetes:apps/v1:Deployment').inputs;
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    expect(spec.template.spec.containers[0].env.slice(0, 2)).toEqual([
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' },
      { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '10' },
    ]);
    expect(spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '1500m', memory: '2Gi' } });
    expect(program.terminationGracePeriodSeconds).toBe(45);
    expect(program.deregistrationDelaySeconds).toBe(45);
    expect(await promiseOf(program.deploymentName)).toBe('engine-mock');
    expect(await promiseOf(program.serviceName)).toBe('engine-nlb-mock');
  });

  it('exports the termination timeline', () => {
    expect(program.timeline[0]).toMatch(/^t=0s kubernetes: pod deleted/);
    expect(program.timeline).toContain('t=20s kubelet: preStop ends: SIGTERM');
    expect(program.timeline).toContain('t=45s kubelet: grace period ends: SIGKILL if anything still runs');
  });
});

describe('examples/pulumi/target-group.ts', () => {
  it('builds an NlbTargetGroup with a TCP listener for the engine', async () => {
    const { engineTargetGroup, engineLoadBalancer } = require('../../examples/pulumi/target-group') as typeof import('../../examples/pulumi/target-group');
    recorder.clear();
    const engine = new GrpcDeployment('tg-engine', { image: 'ghcr.io/example/engine:1.0.0', grpcPort: 7070, healthPort: 8733, budget: { propagationSeconds: 20, drainTimeoutSeconds: 10 } });
    const nlb = engineLoadBalancer(['subnet-a', 'subnet-b']);
    const tg = engineTargetGroup(engine, 'vpc-0123', nlb.arn);
    await registered(tg, tg.targetGroup, tg.targetGroupBinding, tg.service, tg.listener!, nlb);
    expect(recorder.one('aws:lb/targetGroup:TargetGroup').inputs).toMatchObject({ deregistrationDelay: 45, connectionTermination: true, port: 7070, vpcId: 'vpc-0123' });
    expect(recorder.one('aws:lb/listener:Listener').inputs).toMatchObject({ port: 7070, protocol: 'TCP' });
    expect(recorder.one('aws:lb/loadBalancer:LoadBalancer').inputs).toMatchObject({ loadBalancerType: 'network', internal: false });
  });
});

describe('examples/pulumi/retrofit.ts', () => {
  it('builds its transform (the chart itself cannot run under mocks: transforms need the engine)', () => {
    const { engineDrain } = require('../../examples/pulumi/retrofit') as typeof import('../../examples/pulumi/retrofit');
    expect(engineDrain.plan.terminationGracePeriodSeconds).toBe(45);
    const result = engineDrain({
      custom: true,
      type: 'kubernetes:apps/v1:Deployment',
      name: 'engine:engine/engine',
      props: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'engine', labels: { 'app.kubernetes.io/name': 'engine' } },
        spec: { selector: { matchLabels: { app: 'engine' } }, template: { metadata: { labels: { app: 'engine' } }, spec: { containers: [{ name: 'engine', image: 'engine' }] } } },
      },
      opts: {},
    })!;
    expect(result.props.spec.template.spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/ready', port: 8733, scheme: 'HTTP' });
  });
});
