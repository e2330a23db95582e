import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { parseTargetGroupAttributes } from 'grpc-drain';
import { GrpcDeployment, NlbGrpcService } from 'grpc-drain/pulumi';
import { NlbTargetGroup, targetGroupDrainSettings } from 'grpc-drain/pulumi/aws';
import { stringify } from 'yaml';
import { drainRegistrations, MOCK_ACCOUNT, promiseOf, registered, setupMocks, type Recorder } from './mocks';

let recorder: Recorder;
beforeAll(async () => {
  recorder = await setupMocks();
});
beforeEach(() => recorder.clear());

const VPC = 'vpc-0123456789abcdef0';
const NLB = `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT}:loadbalancer/net/engine/0123456789abcdef`;

function engine(name: string): GrpcDeployment {
  return new GrpcDeployment(name, {
    image: 'ghcr.io/example/engine:1.0.0',
    grpcPort: 7070,
    healthPort: 8733,
    replicas: 3,
    budget: { propagationSeconds: 20, drainTimeoutSeconds: 10 },
    metadata: { namespace: 'engine' },
  });
}

async function settle(tg: NlbTargetGroup): Promise<void> {
  await registered(tg, tg.targetGroup, tg.targetGroupBinding, tg.service, ...(tg.listener ? [tg.listener] : []));
}

describe('NlbTargetGroup', () => {
  it('creates a TCP ip target group from the plan, a ClusterIP Service and a TargetGroupBinding', async () => {
    const deployment = engine('engine');
    const tg = new NlbTargetGroup('engine-tg', { deployment, vpcId: VPC });
    await settle(tg);
    expect(recorder.summary()).toEqual([
      'aws:lb/targetGroup:TargetGroup::engine-tg',
      'grpc-drain:aws:NlbTargetGroup::engine-tg',
      'grpc-drain:kubernetes:GrpcDeployment::engine',
      'kubernetes:apps/v1:Deployment::engine',
      'kubernetes:core/v1:Service::engine-tg-service',
      'kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding::engine-tg-binding',
      'kubernetes:policy/v1:PodDisruptionBudget::engine-pdb',
    ]);
    expect(recorder.ofType('aws:lb/listener:Listener')).toEqual([]);

    const targetGroup = recorder.one('aws:lb/targetGroup:TargetGroup').inputs;
    expect(targetGroup).toEqual({
      port: 7070,
      protocol: 'TCP',
      targetType: 'ip',
      vpcId: VPC,
      deregistrationDelay: 45,
      connectionTermination: true,
      healthCheck: { enabled: true, protocol: 'HTTP', port: '8733', path: '/ready', interval: 5, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 10 }],
    });

    // ClusterIP: the NLB is Pulumi's, so no LBC annotations and no second NLB.
    const service = recorder.one('kubernetes:core/v1:Service').inputs;
    expect(service.metadata).toEqual({ namespace: 'engine' });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'engine' },
      ports: [{ name: 'grpc', port: 7070, targetPort: 7070, protocol: 'TCP' }],
    });

    const binding = recorder.one('kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding').inputs;
    expect(binding).toEqual({
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'TargetGroupBinding',
      metadata: { namespace: 'engine' },
      spec: {
        serviceRef: { name: 'engine-tg-service-mock', port: 7070 },
        targetGroupARN: `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT}:targetgroup/engine-tg/0123456789abcdef`,
        targetType: 'ip',
      },
    });
    expect(await promiseOf(tg.targetGroupArn)).toBe(binding.spec.targetGroupARN);
    expect(tg.listenerArn).toBeUndefined();
    const children = recorder.customResources().filter((r) => r.name.startsWith('engine-tg'));
    expect(stringify(children.map(({ type, name, inputs }) => ({ type, name, inputs })), { sortMapEntries: true })).toMatchSnapshot();
  });

  it('writes the same settings as the LBC annotation of the same plan', async () => {
    const deployment = engine('same');
    const nlb = new NlbGrpcService('same-nlb', { deployment });
    const tg = new NlbTargetGroup('same-tg', { deployment, vpcId: VPC });
    await settle(tg);
    await registered(nlb.service);
    const annotations = recorder.one('kubernetes:core/v1:Service', 'same-nlb').inputs.metadata.annotations;
    const attributes = parseTargetGroupAttributes(annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes']);
    const targetGroup = recorder.one('aws:lb/targetGroup:TargetGroup').inputs;
    expect(String(targetGroup.deregistrationDelay)).toBe(attributes['deregistration_delay.timeout_seconds']);
    expect(String(targetGroup.connectionTermination)).toBe(attributes['deregistration_delay.connection_termination.enabled']);
    expect(String(targetGroup.targetHealthStates[0].enableUnhealthyConnectionTermination)).toBe(attributes['target_health_state.unhealthy.connection_termination.enabled']);
    expect(String(targetGroup.targetHealthStates[0].unhealthyDrainingInterval)).toBe(attributes['target_health_state.unhealthy.draining_interval_seconds']);
    const hc = targetGroup.healthCheck;
    const p = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-';
    expect([hc.protocol.toLowerCase(), hc.port, hc.path, String(hc.interval), String(hc.timeout), String(hc.healthyThreshold), String(hc.unhealthyThreshold)]).toEqual([
      annotations[`${p}protocol`],
      annotations[`${p}port`],
      annotations[`${p}path`],
      annotations[`${p}interval`],
      annotations[`${p}timeout`],
      annotations[`${p}healthy-threshold`],
      annotations[`${p}unhealthy-threshold`],
    ]);
  });

  it('adds a TCP listener when given a load balancer, and binds to a Service you pass', async () => {
    const deployment = engine('listened');
    const service = new k8s.core.v1.Service('own', {
      metadata: { name: 'engine-grpc', namespace: 'engine' },
      spec: { type: 'ClusterIP', selector: { ...deployment.selectorLabels }, ports: [{ name: 'grpc', port: 50051, targetPort: 7070 }] },
    });
    const tg = new NlbTargetGroup('listened-tg', {
      deployment,
      vpcId: VPC,
      service,
      servicePort: 50051,
      loadBalancerArn: NLB,
      listenerPort: 443,
      tags: { app: 'engine' },
      ingress: [{ from: [{ securityGroup: { groupID: 'sg-0123' } }], ports: [{ protocol: 'TCP', port: 7070 }] }],
    });
    await settle(tg);
    expect(recorder.ofType('kubernetes:core/v1:Service').map((r) => r.name)).toEqual(['own']);
    expect(recorder.one('aws:lb/listener:Listener').inputs).toEqual({
      loadBalancerArn: NLB,
      port: 443,
      protocol: 'TCP',
      defaultActions: [{ type: 'forward', targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT}:targetgroup/listened-tg/0123456789abcdef` }],
      tags: { app: 'engine' },
    });
    expect(recorder.one('aws:lb/targetGroup:TargetGroup').inputs.tags).toEqual({ app: 'engine' });
    const binding = recorder.one('kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding').inputs;
    expect(binding.spec.serviceRef).toEqual({ name: 'engine-grpc', port: 50051 });
    expect(binding.spec.networking).toEqual({ ingress: [{ from: [{ securityGroup: { groupID: 'sg-0123' } }], ports: [{ protocol: 'TCP', port: 7070 }] }] });
    expect(await promiseOf(tg.listenerArn!)).toContain(':listener/net/engine/');
  });

  it('warns when the Service it is given is a LoadBalancer (a second NLB)', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockResolvedValue(undefined);
    try {
      const deployment = engine('warned');
      const service = new k8s.core.v1.Service('lb', { spec: { type: 'LoadBalancer', selector: { ...deployment.selectorLabels }, ports: [{ port: 7070 }] } });
      const tg = new NlbTargetGroup('warned-tg', { deployment, vpcId: VPC, service });
      await settle(tg);
      await promiseOf(service.spec.type);
      expect(warn).toHaveBeenCalledWith(
        "NlbTargetGroup 'warned-tg': the Service is of type LoadBalancer, so the LBC also creates an NLB for it; give a ClusterIP Service.",
        tg,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('rejects conflicting args before registering anything', async () => {
    const deployment = engine('conflicting');
    await registered(deployment, deployment.deployment, deployment.podDisruptionBudget);
    recorder.clear();
    expect(() => new NlbTargetGroup('bad-tg', { deployment, vpcId: VPC, listenerPort: 443, servicePort: 0, ingress: [{ from: [] }] })).toThrow(
      [
        "unsafe options of NlbTargetGroup 'bad-tg' (3 violations):",
        '  - [budget-valid] servicePort: servicePort must be a port number 1–65535; got 0.',
        '  - [budget-valid] listenerPort: listenerPort needs loadBalancerArn: there is no listener without a load balancer.',
        '  - [budget-valid] ingress[0].from: ingress[0].from must list at least one securityGroup or ipBlock.',
      ].join('\n'),
    );
    await drainRegistrations('after-bad-tg');
    expect(recorder.summary()).toEqual(['test:index:Sentinel::after-bad-tg']);
  });

  it('maps a plan to target-group args without arithmetic (deregistration delay override)', () => {
    const deployment = engine('override');
    expect(targetGroupDrainSettings(deployment.plan).deregistrationDelay).toBe(45);
    const overridden = new GrpcDeployment('override-2', {
      image: 'engine',
      grpcPort: 7070,
      budget: { propagationSeconds: 30, drainTimeoutSeconds: 20, deregistrationDelaySeconds: 120 },
    });
    expect(targetGroupDrainSettings(overridden.plan)).toEqual({
      deregistrationDelay: 120,
      connectionTermination: true,
      healthCheck: { enabled: true, protocol: 'HTTP', port: '8080', path: '/ready', interval: 5, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 20 }],
    });
  });
});
