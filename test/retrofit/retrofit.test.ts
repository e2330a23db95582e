/**
 * The framework-free retrofit layer: what it writes (the plan's numbers, written here by hand
 * from DESIGN.md §3), what it never does (shrink, invent, replace what it cannot read, touch
 * anything else), and how it refuses bad options.
 */
import { DrainBudgetError } from '../../src/plan';
import { checkRetrofitOptions, objectRetrofitter, retrofitManifests } from '../../src/retrofit';

type Json = Record<string, any>;

const A = 'service.beta.kubernetes.io/aws-load-balancer-';
const ATTRS = `${A}target-group-attributes`;

/** A gRPC Deployment behind an LBC NLB (ip targets) with an HTTP readiness endpoint on :8733, and no drain settings. */
function chart(): Json[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'engine-config' }, data: { LOG_LEVEL: 'info' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'engine', labels: { 'app.kubernetes.io/name': 'engine' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'engine' } },
        template: {
          metadata: { labels: { app: 'engine' } },
          spec: {
            containers: [
              {
                name: 'engine',
                image: 'ghcr.io/example/engine:1.0.0',
                ports: [
                  { name: 'grpc', containerPort: 7070 },
                  { name: 'health', containerPort: 8733 },
                ],
                env: [{ name: 'LOG_LEVEL', value: 'debug' }],
                readinessProbe: { httpGet: { path: '/ready', port: 'health' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/live', port: 'health' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'engine',
        annotations: { [`${A}type`]: 'external', [`${A}nlb-target-type`]: 'ip', [ATTRS]: 'proxy_protocol_v2.enabled=false,deregistration_delay.timeout_seconds=300' },
      },
      spec: { type: 'LoadBalancer', selector: { app: 'engine' }, ports: [{ name: 'grpc', port: 443, targetPort: 'grpc' }] },
    },
  ];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const container = (o: Json) => o.spec.template.spec.containers[0];

describe('retrofitManifests', () => {
  it('applies the plan to the workload and its NLB Service: every number by hand from a 30s propagation', () => {
    const input = deepFreeze(chart());
    const result = retrofitManifests(input, { budget: { propagationSeconds: 30 } });
    const [config, deployment, pdb, service] = result.objects as Json[];
    // S = 30; G = 30 + 10 + 5 + 10 = 55; R = G = 55.
    expect(result.plan.terminationGracePeriodSeconds).toBe(55);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    expect(container(deployment).lifecycle).toEqual({ preStop: { sleep: { seconds: 30 } } });
    expect(deployment.spec.template.metadata.annotations['grpc-drain.dev/budget']).toBe('{"propagationSeconds":30,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30"}');
    // The user's variable first, then the contract (its health port and paths are the ones the workload serves).
    expect(container(deployment).env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '30' },
      { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '10' },
      { name: 'GRPC_DRAIN_CLEANUP_SECONDS', value: '5' },
      { name: 'GRPC_DRAIN_HEALTH_PORT', value: '8733' },
      { name: 'GRPC_DRAIN_READY_PATH', value: '/ready' },
      { name: 'GRPC_DRAIN_LIVE_PATH', value: '/live' },
    ]);
    // The probes are the workload's own (it serves them): untouched, same objects.
    expect(container(deployment).readinessProbe).toBe(input[1]!.spec.template.spec.containers[0].readinessProbe);
    // maxSurge stays unset: its default, 25 %, is the plan's.
    expect(deployment.spec.strategy).toEqual({ rollingUpdate: { maxUnavailable: 0 } });
    // The health check moves to the readiness endpoint; the numbers are the budget's defaults (5s, 2/2; timeout min(6, 5)).
    const annotations = service.metadata.annotations;
    expect(annotations).toEqual({
      [`${A}type`]: 'external',
      [`${A}nlb-target-type`]: 'ip',
      // The user's pairs in their order, the delay set in place, the plan's keys after.
      [ATTRS]: 'proxy_protocol_v2.enabled=false,deregistration_delay.timeout_seconds=55,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10',
      [`${A}healthcheck-protocol`]: 'http',
      [`${A}healthcheck-port`]: '8733',
      [`${A}healthcheck-path`]: '/ready',
      [`${A}healthcheck-interval`]: '5',
      [`${A}healthcheck-timeout`]: '5',
      [`${A}healthcheck-healthy-threshold`]: '2',
      [`${A}healthcheck-unhealthy-threshold`]: '2',
    });
    expect(pdb).toEqual({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'engine-pdb', labels: { 'app.kubernetes.io/name': 'engine' } }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'engine' } } } });
    expect(config).toBe(input[0]);
    expect(result.changed).toEqual([1, 3]);
    expect(result.added).toEqual([2]);
    // Everything else of the changed objects is the input's, node for node.
    expect(deployment.spec.selector).toBe(input[1]!.spec.selector);
    expect(service.spec).toBe(input[2]!.spec);
  });

  it('never shrinks: a longer grace period, sleep and minReadySeconds stay, and the deregistration delay follows the kept grace', () => {
    const input = chart();
    const pod = input[1]!.spec.template.spec;
    pod.terminationGracePeriodSeconds = 120;
    pod.containers[0].lifecycle = { preStop: { exec: { command: ['sleep', '40'] } }, postStart: { exec: { command: ['true'] } } };
    input[1]!.spec.minReadySeconds = 30;
    const result = retrofitManifests(input, { budget: { propagationSeconds: 20 } });
    const deployment = result.objects[1] as Json;
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    expect(container(deployment).lifecycle).toBe(pod.containers[0].lifecycle);
    expect(deployment.spec.minReadySeconds).toBe(30);
    // The budget annotation carries the kept sleep (40); R = the kept grace, 120.
    expect(JSON.parse(deployment.spec.template.metadata.annotations['grpc-drain.dev/budget']).propagationSeconds).toBe(40);
    expect((result.objects[3] as Json).metadata.annotations[ATTRS]).toContain('deregistration_delay.timeout_seconds=120,');
    expect(container(deployment).env).toContainEqual({ name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '40' });
  });

  it('never replaces a preStop hook it cannot read, and says so', () => {
    const input = chart();
    input[1]!.spec.template.spec.containers[0].lifecycle = { preStop: { exec: { command: ['/bin/drain.sh'] } } };
    const result = retrofitManifests(input, { budget: { propagationSeconds: 30 } });
    const deployment = result.objects[1] as Json;
    expect(container(deployment).lifecycle).toEqual({ preStop: { exec: { command: ['/bin/drain.sh'] } } });
    // The grace period still covers the budget: 30 + 10 + 5 + 10.
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    const note = result.notes.find((n) => n.field === 'spec.template.spec.containers[0].lifecycle.preStop');
    expect(note?.severity).toBe('warning');
    expect(note?.message).toContain('"/bin/drain.sh"');
    expect(note?.message).toContain('not replaced');
  });

  it('never invents an endpoint: without an HTTP readiness probe the probes and health check stay, with a warning', () => {
    const input = chart();
    const c = input[1]!.spec.template.spec.containers[0];
    c.readinessProbe = { grpc: { port: 7070 } };
    delete c.livenessProbe;
    const result = retrofitManifests(input);
    const deployment = result.objects[1] as Json;
    expect(container(deployment).readinessProbe).toEqual({ grpc: { port: 7070 } });
    expect(container(deployment).livenessProbe).toBeUndefined();
    const service = result.objects[3] as Json;
    expect(service.metadata.annotations[`${A}healthcheck-port`]).toBeUndefined();
    expect(service.metadata.annotations[`${A}healthcheck-protocol`]).toBeUndefined();
    expect(result.notes.filter((n) => n.severity === 'warning').map((n) => n.message).join('\n')).toMatch(/serves no HTTP readiness endpoint/);
  });

  it('with runtimeContract, writes the probes and the health check on the runtime health server (budget healthPort)', () => {
    const input = chart();
    input[1]!.spec.template.spec.containers[0].readinessProbe = { tcpSocket: { port: 7070 } };
    const result = retrofitManifests(input, { runtimeContract: true, budget: { healthPort: 9090 } });
    const c = container(result.objects[1] as Json);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 9090, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/live', port: 9090, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    const annotations = (result.objects[3] as Json).metadata.annotations;
    expect([annotations[`${A}healthcheck-protocol`], annotations[`${A}healthcheck-port`], annotations[`${A}healthcheck-path`]]).toEqual(['http', '9090', '/ready']);
  });

  it('writes the attributes into the port\'s own annotation when it has one (LBC ≥ 2.14)', () => {
    const input = chart();
    const annotations = input[2]!.metadata.annotations;
    annotations[`${ATTRS}.443`] = 'deregistration_delay.timeout_seconds=300';
    const result = retrofitManifests(input, { budget: { lbcVersion: '2.14.1' } });
    const written = (result.objects[3] as Json).metadata.annotations;
    expect(written[`${ATTRS}.443`]).toBe('deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10');
    expect(written[ATTRS]).toBe(annotations[ATTRS]);
  });

  it('turns Recreate into RollingUpdate with the plan\'s maxUnavailable, and keeps a non-zero surge', () => {
    const input = chart();
    input[1]!.spec.strategy = { type: 'Recreate' };
    expect((retrofitManifests(input).objects[1] as Json).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
    input[1]!.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } };
    expect((retrofitManifests(input).objects[1] as Json).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } });
  });

  it('leaves what the match does not select equal, and matches by kind, namespace, name and label', () => {
    const input = chart();
    const none = retrofitManifests(input, { match: { names: ['other'] } });
    expect(none.objects).toHaveLength(3);
    none.objects.forEach((o, i) => expect(o).toBe(input[i]));
    expect(none.changed).toEqual([]);
    expect(retrofitManifests(input, { match: { kinds: ['StatefulSet'] } }).changed).toEqual([]);
    expect(retrofitManifests(input, { match: { namespaces: ['default'], labels: { 'app.kubernetes.io/name': 'engine' } } }).changed).toEqual([1, 3]);
  });

  it('keeps a PodDisruptionBudget that selects the pods, and adds none', () => {
    const input = [...chart(), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'engine' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'engine' } } } }];
    const result = retrofitManifests(input);
    expect(result.added).toEqual([]);
    expect(result.objects[3]).toBe(input[3]);
  });

  it('is idempotent: a second run changes nothing', () => {
    const once = retrofitManifests(chart(), { budget: { propagationSeconds: 30 } });
    const twice = retrofitManifests(once.objects, { budget: { propagationSeconds: 30 } });
    expect(twice.changed).toEqual([]);
    expect(twice.added).toEqual([]);
    twice.objects.forEach((o, i) => expect(o).toBe(once.objects[i]));
  });

  it('retrofits the items of a kind: List (kubectl get -o yaml) and gives the List back, the added budget after it', () => {
    const [config, deployment, service] = chart();
    const list = deepFreeze({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [config, deployment, 'not an object', service] });
    const other = deepFreeze({ apiVersion: 'v1', kind: 'ServiceList', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { type: 'ClusterIP' } }] });
    const result = retrofitManifests([list, other], { budget: { propagationSeconds: 30 } });
    expect(result.objects).toHaveLength(3);
    const [out, pdb, untouched] = result.objects as Json[];
    expect(out.kind).toBe('List');
    expect(out.metadata).toBe(list.metadata);
    expect(out.items).toHaveLength(4);
    expect(out.items[0]).toBe(config);
    expect(out.items[2]).toBe('not an object');
    // The same numbers as the objects given one by one (S = 30, G = 55, R = G).
    expect(out.items[1].spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    expect(container(out.items[1]).lifecycle).toEqual({ preStop: { sleep: { seconds: 30 } } });
    expect(out.items[3].metadata.annotations[ATTRS]).toContain('deregistration_delay.timeout_seconds=55');
    expect(pdb).toMatchObject({ kind: 'PodDisruptionBudget', metadata: { name: 'engine-pdb' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'engine' } } } });
    // A List none of whose items changes is the List itself.
    expect(untouched).toBe(other);
    expect(result.changed).toEqual([0]);
    expect(result.added).toEqual([1]);
    // Given one by one, the same objects come back the same.
    const flat = retrofitManifests(chart(), { budget: { propagationSeconds: 30 } }).objects as Json[];
    expect([out.items[1], out.items[3], pdb]).toEqual([flat[1], flat[3], flat[2]]);
    // And a second run over the List changes nothing.
    const twice = retrofitManifests(result.objects, { budget: { propagationSeconds: 30 } });
    expect(twice.changed).toEqual([]);
    expect(twice.added).toEqual([]);
  });

  it('passes through what is not a Kubernetes object', () => {
    const input = [null, 'text', { no: 'kind' }, ...chart()];
    const result = retrofitManifests(input);
    expect(result.objects.slice(0, 3)).toEqual([null, 'text', { no: 'kind' }]);
    expect(result.objects[2]).toBe(input[2]);
  });

  it('throws DrainBudgetError with every violation of the options and the budget before computing anything', () => {
    let error: unknown;
    try {
      retrofitManifests(chart(), { budget: { propagationSeconds: 0, drainTimeoutSeconds: -1 }, match: { kinds: ['Pod'] }, scheme: 'public', colour: 'red' } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DrainBudgetError);
    const fields = (error as DrainBudgetError).violations.map((v) => v.field).sort();
    expect(fields).toEqual(['budget.drainTimeoutSeconds', 'budget.propagationSeconds', 'colour', 'match.kinds', 'scheme']);
    expect(() => objectRetrofitter({ budget: { headroomSeconds: 'ten' } } as never)).toThrow(DrainBudgetError);
  });
});

describe('checkRetrofitOptions', () => {
  it('names each field of the wrong shape, all at once', () => {
    const found = checkRetrofitOptions({ budget: 5, match: { names: [], labels: { a: 1 }, nme: ['x'] }, containers: 'engine', runtimeContract: 'yes', lbcClass: '', lbcWebhook: 1, contractEnv: null });
    expect(found.map((f) => [f.rule, f.field])).toEqual([
      ['budget-valid', 'budget'],
      ['budget-valid', 'match.nme'],
      ['budget-valid', 'match.names'],
      ['budget-valid', 'match.labels'],
      ['budget-valid', 'containers'],
      ['budget-valid', 'contractEnv'],
      ['budget-valid', 'runtimeContract'],
      ['budget-valid', 'lbcWebhook'],
      ['budget-valid', 'lbcClass'],
    ]);
    expect(found[2]!.message).toBe('match.names must be a non-empty list of names (leave it out to match every one); got [].');
    expect(checkRetrofitOptions('budget')).toEqual([{ rule: 'budget-valid', severity: 'error', field: 'options', message: 'the retrofit options must be an object such as { budget, match }; got "budget" (a string).' }]);
    expect(checkRetrofitOptions(undefined)).toEqual([]);
  });

  it('reads own properties only: a polluted prototype adds no option', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['runtimeContract'] = 'polluted';
    try {
      expect(checkRetrofitOptions({})).toEqual([]);
      const result = retrofitManifests(chart(), {});
      // Not taken as runtimeContract: the probes stay the workload's own.
      expect(container(result.objects[1] as Json).readinessProbe.httpGet.port).toBe('health');
    } finally {
      delete proto['runtimeContract'];
    }
  });
});

describe('objectRetrofitter', () => {
  it('gives a Deployment the workload part and an LBC LoadBalancer Service the Service part, one object at a time', () => {
    const [config, deployment, service] = chart();
    const retrofitter = objectRetrofitter({ budget: { propagationSeconds: 30 }, runtimeContract: true });
    expect(retrofitter.plan.terminationGracePeriodSeconds).toBe(55);
    expect(retrofitter.apply(config!)).toBeUndefined();
    const d = retrofitter.apply(deployment!)! as { object: Json; notes: readonly { message: string }[] };
    expect(d.object.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    expect(container(d.object).readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
    expect(d.notes.some((n) => n.message.startsWith('No PodDisruptionBudget is added'))).toBe(true);
    const s = retrofitter.apply(service!)! as { object: Json };
    expect(s.object.metadata.annotations[`${A}healthcheck-port`]).toBe('8080');
    expect(s.object.metadata.annotations[ATTRS]).toContain('deregistration_delay.timeout_seconds=55');
    expect(retrofitter.apply({ ...service!, spec: { ...service!.spec, type: 'ClusterIP' } })).toBeUndefined();
  });

  it('takes the kubectl default-container, matches the front end\'s resource name, and reports a named workload with no such container', () => {
    const deployment = chart()[1]!;
    deployment.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'engine' };
    deployment.spec.template.spec.containers.unshift({ name: 'log-shipper', image: 'fluent-bit' });
    const byResource = objectRetrofitter({ match: { names: ['chart:default/engine-deploy'] } }).apply(deployment, 'chart:default/engine-deploy')! as { object: Json };
    expect(byResource.object.spec.template.spec.containers[0]).toBe(deployment.spec.template.spec.containers[0]);
    expect(byResource.object.spec.template.spec.containers[1].lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
    const missing = objectRetrofitter({ match: { names: ['engine'] }, containers: ['grpc'] }).apply(deployment)!;
    expect(missing.object).toBe(deployment);
    expect(missing.notes[0]).toMatchObject({ severity: 'warning', message: 'Not retrofitted: it is named in match.names but no container is named grpc (containers).' });
  });
});

describe('the Kubernetes version the preStop needs', () => {
  const deployment = (result: { objects: readonly unknown[] }) => result.objects[1] as Json;
  const container = (result: { objects: readonly unknown[] }) => deployment(result).spec.template.spec.containers[0];

  it('warns when it writes the native sleep for a cluster whose version it was not told (1.29 drops it silently)', () => {
    const result = retrofitManifests(chart(), { budget: { propagationSeconds: 30 } });
    expect(container(result).lifecycle.preStop).toEqual({ sleep: { seconds: 30 } });
    const warning = result.notes.find((note) => note.severity === 'warning' && note.field === 'spec.template.spec.containers[0].lifecycle.preStop');
    expect(warning?.message).toContain('needs Kubernetes ≥ 1.30 (assumed, since no Kubernetes version was given)');
    expect(warning?.message).toContain('exec ["sleep", "30"]');
  });

  it('writes exec sleep on 1.29 and says nothing about the version once it is given', () => {
    const old = retrofitManifests(chart(), { budget: { propagationSeconds: 30, kubernetesVersion: '1.29' } });
    expect(container(old).lifecycle.preStop).toEqual({ exec: { command: ['sleep', '30'] } });
    const known = retrofitManifests(chart(), { budget: { propagationSeconds: 30, kubernetesVersion: '1.31' } });
    expect(container(known).lifecycle.preStop).toEqual({ sleep: { seconds: 30 } });
    for (const result of [old, known]) expect(result.notes.filter((note) => note.message.includes('needs Kubernetes ≥ 1.30'))).toEqual([]);
  });
});
