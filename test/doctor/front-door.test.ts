/**
 * The front door as the AWS Load Balancer Controller decides it (LBC v2.15.0
 * `IsServiceSupported`, `buildTargetType`, the Service mutating webhook) and the in-tree cloud
 * provider for what it leaves (cloud-provider-aws `isNLB` / `isLBExternal`).
 */
import { LBC_ANNOTATION } from '../../src/model';
import type { DoctorOptions } from '../../src/doctor';
import { doctorText, toYamlStream } from './helpers';

const TYPE = LBC_ANNOTATION.type;
const TARGET = LBC_ANNOTATION.targetType;

function app(service: { type?: string; class?: string; annotations?: Record<string, string>; extra?: Record<string, unknown> }, options: DoctorOptions = {}) {
  const objects = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'x', ports: [{ name: 'grpc', containerPort: 9000 }] }] } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', ...(service.annotations && { annotations: service.annotations }) },
      spec: {
        ...(service.type !== undefined && { type: service.type }),
        ...(service.class !== undefined && { loadBalancerClass: service.class }),
        selector: { app: 'api' },
        ports: [{ name: 'grpc', port: 443, targetPort: 'grpc', ...(service.type === 'NodePort' && { nodePort: 30443 }) }],
        ...service.extra,
      },
    },
  ];
  return doctorText(toYamlStream(objects), options);
}

type Row = readonly [what: string, service: Parameters<typeof app>[0], options: DoctorOptions, provisioner: string | undefined, targetType: string | undefined, note: string | undefined];

const ROWS: readonly Row[] = [
  ['class service.k8s.aws/nlb, no target type: the default, instance', { type: 'LoadBalancer', class: 'service.k8s.aws/nlb' }, {}, 'lbc', 'instance', undefined],
  ['class service.k8s.aws/nlb with target type ip', { type: 'LoadBalancer', class: 'service.k8s.aws/nlb', annotations: { [TARGET]: 'ip' } }, {}, 'lbc', 'ip', undefined],
  ['class with a target type other than "ip": instance', { type: 'LoadBalancer', class: 'service.k8s.aws/nlb', annotations: { [TARGET]: 'IP' } }, {}, 'lbc', 'instance', 'makes ip targets only for exactly "ip"'],
  ['another class: not the LBC, and not the in-tree provider', { type: 'LoadBalancer', class: 'example.com/lb', annotations: { [TYPE]: 'external', [TARGET]: 'ip' } }, {}, undefined, undefined, 'has spec.loadBalancerClass "example.com/lb", not the Load Balancer Controller\'s "service.k8s.aws/nlb"'],
  ['EKS Auto Mode class, with --lbc-class', { type: 'LoadBalancer', class: 'eks.amazonaws.com/nlb', annotations: { [TARGET]: 'ip' } }, { lbcClass: 'eks.amazonaws.com/nlb' }, 'lbc', 'ip', undefined],
  ['EKS Auto Mode class without --lbc-class: skipped with the hint', { type: 'LoadBalancer', class: 'eks.amazonaws.com/nlb' }, {}, undefined, undefined, "run with --lbc-class eks.amazonaws.com/nlb"],
  ['external + ip', { type: 'LoadBalancer', annotations: { [TYPE]: 'external', [TARGET]: 'ip' } }, {}, 'lbc', 'ip', undefined],
  ['external + instance', { type: 'LoadBalancer', annotations: { [TYPE]: 'external', [TARGET]: 'instance' } }, {}, 'lbc', 'instance', undefined],
  ['nlb-ip (legacy): ip', { type: 'LoadBalancer', annotations: { [TYPE]: 'nlb-ip' } }, {}, 'lbc', 'ip', undefined],
  ['plain LoadBalancer: the webhook gives it the LBC class', { type: 'LoadBalancer' }, {}, 'lbc', 'instance', undefined],
  ['legacy nlb with the webhook: an LBC NLB', { type: 'LoadBalancer', annotations: { [TYPE]: 'nlb' } }, {}, 'lbc', 'instance', undefined],
  ['external without a target type, with the webhook: LBC, instance', { type: 'LoadBalancer', annotations: { [TYPE]: 'external' } }, {}, 'lbc', 'instance', undefined],
  ['plain LoadBalancer without the webhook: Classic Load Balancer', { type: 'LoadBalancer' }, { lbcWebhook: false }, 'in-tree-classic', 'instance', undefined],
  ['legacy nlb without the webhook: in-tree NLB', { type: 'LoadBalancer', annotations: { [TYPE]: 'nlb' } }, { lbcWebhook: false }, 'in-tree-nlb', 'instance', undefined],
  ['external without a target type and without the webhook: nobody', { type: 'LoadBalancer', annotations: { [TYPE]: 'external' } }, { lbcWebhook: false }, undefined, undefined, 'so no load balancer is made'],
  ['ClusterIP with external + ip: an LBC NLB (ServiceTypeLoadBalancerOnly is off)', { type: 'ClusterIP', annotations: { [TYPE]: 'external', [TARGET]: 'ip' } }, {}, 'lbc', 'ip', undefined],
  ['ClusterIP with external + instance: the LBC fails (no node ports)', { annotations: { [TYPE]: 'external', [TARGET]: 'instance' } }, {}, undefined, undefined, 'unsupported service type'],
  ['NodePort with external + instance', { type: 'NodePort', annotations: { [TYPE]: 'external', [TARGET]: 'instance' } }, {}, 'lbc', 'instance', undefined],
  ['LoadBalancer without node ports, instance targets: the LBC fails', { type: 'LoadBalancer', annotations: { [TYPE]: 'external', [TARGET]: 'instance' }, extra: { allocateLoadBalancerNodePorts: false } }, {}, undefined, undefined, 'unallocated NodePort'],
  ['a plain ClusterIP Service: not a load balancer, no note', { type: 'ClusterIP' }, {}, undefined, undefined, undefined],
];

describe('which Services get an AWS load balancer', () => {
  it.each(ROWS)('%s', (_what, service, options, provisioner, targetType, note) => {
    const report = app(service, options);
    expect(report.workloads.map((w) => [w.provisioner, w.settings.targetType])).toEqual(provisioner ? [[provisioner, targetType]] : []);
    const notes = [...report.notes, ...report.workloads.flatMap((w) => w.notes)].join('\n');
    if (note) expect(notes).toContain(note);
    if (!provisioner && !note) expect(report.notes).toEqual(['no workload behind a load balancer found: no Service that gets an AWS load balancer (or TargetGroupBinding) selects a Deployment or StatefulSet of the input, and none carries the grpc-drain.dev/budget annotation.']);
  });

  it('says which assumption made a plain LoadBalancer Service an LBC NLB, and how to turn it off', () => {
    const w = app({ type: 'LoadBalancer' }).workloads[0]!;
    expect(w.assumptions).toContain(
      "Load Balancer Controller NLB: a LoadBalancer Service without loadBalancerClass gets the class service.k8s.aws/nlb from the controller's mutating webhook when it is created (on by default; pass --no-lbc-webhook if the controller runs without it or the Service is older than it)",
    );
  });

  it('takes the in-tree defaults for an in-tree NLB and says that its attributes cannot be set', () => {
    const w = app({ type: 'LoadBalancer', annotations: { [TYPE]: 'nlb' } }, { lbcWebhook: false }).workloads[0]!;
    expect(w.settings.healthCheck).toEqual({ protocol: 'TCP', port: 'traffic-port', intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 });
    expect(w.settings).toMatchObject({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default', connectionTermination: false });
    const fix = w.findings.find((f) => f.rule === 'target-type-ip')!;
    expect(fix.fix[0]!.yaml).toBe(`metadata:\n  annotations:\n    ${TYPE}: external\n    ${TARGET}: ip\n`);
    expect(fix.fixNote).toMatch(/^Move the Service to the AWS Load Balancer Controller: .*the in-tree NLB is not converted: its DNS name goes away/);
  });

  it('gives a Classic Load Balancer no target-group settings: its targets are nodes', () => {
    const w = app({ type: 'LoadBalancer' }, { lbcWebhook: false }).workloads[0]!;
    expect(w.settings.healthCheck).toBeUndefined();
    expect(w.settings.deregistrationDelaySeconds).toBeUndefined();
    expect(w.assumptions.join('\n')).toContain('Classic Load Balancer (no loadBalancerClass, no LBC webhook): its targets are the nodes; health check TCP on the node port, interval 10s, timeout 5s, thresholds 2/6; connection draining off');
  });

  it('passes externalTrafficPolicy on, Cluster by default', () => {
    expect(app({ type: 'LoadBalancer' }).workloads[0]!.settings.externalTrafficPolicy).toBe('Cluster');
    const local = app({ type: 'LoadBalancer', extra: { externalTrafficPolicy: 'Local', healthCheckNodePort: 32100 } }).workloads[0]!.settings;
    expect(local.externalTrafficPolicy).toBe('Local');
    expect(local.healthCheck).toEqual({ protocol: 'HTTP', port: 32100, path: '/healthz', successCodes: '200-399', intervalSeconds: 10, timeoutSeconds: 6, healthyThreshold: 2, unhealthyThreshold: 2 });
  });
});
