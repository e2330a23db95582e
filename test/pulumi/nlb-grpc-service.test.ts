import * as pulumi from '@pulumi/pulumi';
import { DrainBudgetError, parseTargetGroupAttributes } from 'grpc-drain';
import { GrpcDeployment, NlbGrpcService } from 'grpc-drain/pulumi';
import { Service } from 'kubernetes-models/v1/Service';
import { stringify } from 'yaml';
import { drainRegistrations, promiseOf, registered, setupMocks, type Recorder } from './mocks';

let recorder: Recorder;
beforeAll(async () => {
  recorder = await setupMocks();
});
beforeEach(() => recorder.clear());

const P = 'service.beta.kubernetes.io/aws-load-balancer-';

function engine(name: string, namespace?: pulumi.Input<string>): GrpcDeployment {
  return new GrpcDeployment(name, {
    image: 'ghcr.io/example/engine:1.0.0',
    grpcPort: 7070,
    healthPort: 8733,
    replicas: 3,
    budget: { propagationSeconds: 20, drainTimeoutSeconds: 10 },
    ...(namespace !== undefined && { metadata: { namespace } }),
  });
}

describe('NlbGrpcService', () => {
  it('registers a LoadBalancer Service with every LBC annotation of the plan', async () => {
    const deployment = engine('engine', 'engine');
    const nlb = new NlbGrpcService('engine-nlb', { deployment, scheme: 'internet-facing' });
    await registered(nlb, nlb.service, deployment.deployment);
    expect(recorder.summary()).toContain('grpc-drain:kubernetes:NlbGrpcService::engine-nlb');
    expect(recorder.summary()).toContain('kubernetes:core/v1:Service::engine-nlb');
    const service = recorder.one('kubernetes:core/v1:Service').inputs;
    expect(service.metadata).toEqual({
      namespace: 'engine',
      annotations: {
        [`${P}type`]: 'external',
        [`${P}nlb-target-type`]: 'ip',
        [`${P}scheme`]: 'internet-facing',
        [`${P}healthcheck-protocol`]: 'http',
        [`${P}healthcheck-port`]: '8733',
        [`${P}healthcheck-path`]: '/ready',
        [`${P}healthcheck-interval`]: '5',
        [`${P}healthcheck-timeout`]: '5',
        [`${P}healthcheck-healthy-threshold`]: '2',
        [`${P}healthcheck-unhealthy-threshold`]: '2',
        [`${P}target-group-attributes`]:
          'deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10',
      },
    });
    expect(service.spec).toEqual({
      type: 'LoadBalancer',
      selector: { 'app.kubernetes.io/name': 'engine' },
      ports: [{ name: 'grpc', port: 7070, targetPort: 7070, protocol: 'TCP' }],
    });
    expect(nlb.scheme).toBe('internet-facing');
    expect(await promiseOf(nlb.serviceName)).toBe('engine-nlb-mock');
    expect(await promiseOf(nlb.hostname)).toBeUndefined();
    expect(stringify(service, { sortMapEntries: true })).toMatchSnapshot();
    expect(() => new Service({ ...service, metadata: { name: 'engine-nlb', ...service.metadata } } as never).validate()).not.toThrow();
  });

  it('defaults to an internal NLB on the gRPC port, in the deployment namespace', async () => {
    const deployment = engine('internal', pulumi.output('queue'));
    const nlb = new NlbGrpcService('internal-nlb', { deployment });
    await registered(nlb.service);
    const service = recorder.one('kubernetes:core/v1:Service').inputs;
    expect(service.metadata.namespace).toBe('queue');
    expect(service.metadata.annotations[`${P}scheme`]).toBe('internal');
    expect(service.spec.ports).toEqual([{ name: 'grpc', port: 7070, targetPort: 7070, protocol: 'TCP' }]);
  });

  it('listens on another port, keeps other annotations and source ranges', async () => {
    const deployment = engine('ported');
    const nlb = new NlbGrpcService('ported-nlb', {
      deployment,
      port: 443,
      metadata: { name: 'engine-public', labels: { team: 'queue' }, annotations: { [`${P}name`]: 'engine-public' } },
      loadBalancerSourceRanges: ['203.0.113.0/24'],
    });
    await registered(nlb.service);
    const service = recorder.one('kubernetes:core/v1:Service').inputs;
    expect(service.metadata.name).toBe('engine-public');
    expect(service.metadata.labels).toEqual({ team: 'queue' });
    expect(service.metadata.annotations[`${P}name`]).toBe('engine-public');
    expect(Object.keys(service.metadata.annotations)).toHaveLength(12);
    expect(service.spec.ports).toEqual([{ name: 'grpc', port: 443, targetPort: 7070, protocol: 'TCP' }]);
    expect(service.spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
  });

  it('merges annotations given as an Output under the plan', async () => {
    const deployment = engine('merged');
    const nlb = new NlbGrpcService('merged-nlb', { deployment, metadata: { annotations: pulumi.output({ team: 'queue' }) } });
    await registered(nlb.service);
    const annotations = recorder.one('kubernetes:core/v1:Service').inputs.metadata.annotations;
    expect(annotations.team).toBe('queue');
    expect(parseTargetGroupAttributes(annotations[`${P}target-group-attributes`])).toEqual({
      'deregistration_delay.timeout_seconds': '45',
      'deregistration_delay.connection_termination.enabled': 'true',
      'target_health_state.unhealthy.connection_termination.enabled': 'false',
      'target_health_state.unhealthy.draining_interval_seconds': '10',
    });
  });

  it('rejects a bad scheme, a bad port and an annotation the plan writes, registering nothing', async () => {
    const deployment = engine('rejecting');
    await registered(deployment, deployment.deployment, deployment.podDisruptionBudget);
    recorder.clear();
    let error: unknown;
    try {
      new NlbGrpcService('rejected', {
        deployment,
        scheme: 'public' as never,
        port: 0,
        metadata: { annotations: { [`${P}scheme`]: 'internet-facing', [`${P}healthcheck-path`]: '/' } },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DrainBudgetError);
    expect((error as Error).message).toBe(
      [
        "unsafe options of NlbGrpcService 'rejected' (4 violations):",
        "  - [budget-valid] scheme: scheme must be 'internal' or 'internet-facing'; got \"public\" (a string).",
        '  - [budget-valid] port: port must be a port number 1–65535; got 0.',
        `  - [budget-valid] metadata.annotations.${P}scheme: metadata.annotations must not set ${P}scheme: set scheme instead.`,
        `  - [budget-valid] metadata.annotations.${P}healthcheck-path: metadata.annotations must not set ${P}healthcheck-path: the plan writes it ("/ready"); change the budget instead.`,
      ].join('\n'),
    );
    await drainRegistrations('after-rejected-service');
    expect(recorder.summary()).toEqual(['test:index:Sentinel::after-rejected-service']);
  });
});
