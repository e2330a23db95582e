/**
 * drainTransform, tested the only ways that work without an engine:
 *
 * - Under mocks, `k8s.helm.v4.Chart` and `k8s.yaml.v2.ConfigGroup` are remote components: the
 *   mock monitor records the component and nothing else (its children are rendered by the
 *   provider plugin in a real run). The test below shows it.
 * - Under mocks, the `transforms` resource option is not supported at all: registering any
 *   resource with it fails with "The Pulumi CLI does not support transforms" (the SDK asks
 *   the monitor, and the mock monitor does not set that capability; in a real run the
 *   engine calls the transform back over a local gRPC server).
 *
 * So the transform is called directly with the `ResourceTransformArgs` the engine would pass
 * for the children of a Helm v4 chart (type token, `<chart>:<namespace>/<name>`, the object as
 * props) built from a `helm template`-style fixture, and the engine's part is emulated for
 * program-declared resources: transform, then register with the result, under mocks.
 */
import * as vm from 'vm';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import fc from 'fast-check';
import { readFileSync } from 'fs';
import { DrainBudgetError, planWorkload, renderDeployment, type DrainBudget } from 'grpc-drain';
import { drainTransform, type DrainTransform } from 'grpc-drain/pulumi';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { promiseOf, registered, setupMocks, type Recorder } from './mocks';

type Json = Record<string, any>;

const CHART: Json[] = parseAllDocuments(readFileSync(join(__dirname, 'fixtures', 'engine-chart.yaml'), 'utf8')).map((doc) => doc.toJS());
const P = 'service.beta.kubernetes.io/aws-load-balancer-';
const SEED: DrainBudget = { propagationSeconds: 20, drainTimeoutSeconds: 10, healthPort: 8733 };

function object(kind: string, name: string): Json {
  const found = CHART.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the fixture`);
  return found;
}

/**
 * A deep copy made in this realm (the engine deserializes props in the program's own realm);
 * props of another realm are tested on their own below.
 */
function sameRealmCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The args the engine passes for a child of `new k8s.helm.v4.Chart('engine', …)` in namespace default. */
function childArgs(o: Json): pulumi.ResourceTransformArgs {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['core', o.apiVersion];
  return { custom: true, type: `kubernetes:${group}/${version}:${o.kind}`, name: `engine:default/${o.metadata.name}`, props: sameRealmCopy(o), opts: {} };
}

function apply(transform: DrainTransform, o: Json): Json | undefined {
  return transform(childArgs(o))?.props as Json | undefined;
}

let recorder: Recorder;
beforeAll(async () => {
  recorder = await setupMocks();
});
beforeEach(() => recorder.clear());

describe('drainTransform on the children of a Helm chart', () => {
  const transform = drainTransform(SEED);

  it('drains the Deployment: first container, plan on top, everything else kept', () => {
    const before = object('Deployment', 'engine');
    const after = apply(transform, before)!;
    const pod = after.spec.template.spec;
    const [engine, sidecar] = pod.containers;
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(engine.lifecycle).toEqual({ postStart: { exec: { command: ['/bin/warm-cache'] } }, preStop: { sleep: { seconds: 20 } } });
    expect(engine.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8733, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 });
    expect(engine.livenessProbe).toEqual({ httpGet: { path: '/live', port: 8733, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    // The chart's variables stay where they are; its own GRPC_DRAIN_TIMEOUT_SECONDS=30 takes the
    // plan's 10 in place; the other contract variables follow.
    expect(engine.env).toEqual([
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'engine-config', key: 'LOG_LEVEL' } } },
      { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '10' },
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' },
      { name: 'GRPC_DRAIN_CLEANUP_SECONDS', value: '5' },
      { name: 'GRPC_DRAIN_HEALTH_PORT', value: '8733' },
      { name: 'GRPC_DRAIN_READY_PATH', value: '/ready' },
      { name: 'GRPC_DRAIN_LIVE_PATH', value: '/live' },
    ]);
    expect(engine.args).toEqual(['--listen=:7070']);
    expect(engine.resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' } });
    expect(engine.ports).toEqual(before.spec.template.spec.containers[0].ports);
    expect(sidecar).toEqual(before.spec.template.spec.containers[1]);
    expect(after.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    // With the readiness gate the plan's minReadySeconds is 0, the API's default: nothing to write.
    expect(after.spec.minReadySeconds).toBeUndefined();
    expect(after.spec.replicas).toBe(3);
    expect(after.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'grpc-drain.dev/budget': '{"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30"}',
    });
    expect(after.metadata).toEqual(before.metadata);
    expect(pod.serviceAccountName).toBe('engine');
    expect(() => new Deployment(after as never).validate()).not.toThrow();
  });

  it('drains a StatefulSet through its default-container annotation and leaves its updateStrategy', () => {
    const before = object('StatefulSet', 'engine-scheduler');
    const after = apply(transform, before)!;
    const [metrics, scheduler] = after.spec.template.spec.containers;
    expect(metrics).toEqual(before.spec.template.spec.containers[0]);
    expect(scheduler.lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    expect(after.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(after.spec.minReadySeconds).toBeUndefined();
    expect(after.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(after.spec.strategy).toBeUndefined();
    expect(() => new StatefulSet(after as never).validate()).not.toThrow();
  });

  it('annotates LoadBalancer Services, keeping the scheme the chart chose', () => {
    const publicService = apply(transform, object('Service', 'engine'))!;
    expect(publicService.metadata.annotations).toEqual({
      [`${P}scheme`]: 'internet-facing',
      [`${P}name`]: 'engine-public',
      [`${P}nlb-target-type`]: 'ip',
      [`${P}healthcheck-protocol`]: 'http',
      [`${P}healthcheck-port`]: '8733',
      [`${P}healthcheck-path`]: '/ready',
      [`${P}healthcheck-interval`]: '5',
      [`${P}healthcheck-timeout`]: '5',
      [`${P}healthcheck-healthy-threshold`]: '2',
      [`${P}healthcheck-unhealthy-threshold`]: '2',
      [`${P}target-group-attributes`]:
        'deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10',
    });
    expect(publicService.spec).toEqual(object('Service', 'engine').spec);
    // No scheme: the LBC's own default is internal, so none is written unless asked for.
    expect(apply(transform, object('Service', 'engine-admin'))!.metadata.annotations[`${P}scheme`]).toBeUndefined();
    expect(apply(drainTransform(SEED, {}, { scheme: 'internet-facing' }), object('Service', 'engine-admin'))!.metadata.annotations[`${P}scheme`]).toBe('internet-facing');
  });

  it('adds no scheme to a Service that chose one with the deprecated internal annotation', () => {
    const legacy = { ...object('Service', 'engine-admin'), metadata: { name: 'legacy', annotations: { [`${P}internal`]: 'false' } } };
    const annotations = apply(transform, legacy)!.metadata.annotations;
    expect(annotations[`${P}scheme`]).toBeUndefined();
    expect(annotations[`${P}internal`]).toBe('false');
    expect(annotations[`${P}healthcheck-path`]).toBe('/ready');
  });

  it.each([
    ['ConfigMap', 'engine-config'],
    ['Service', 'engine-headless'],
  ])('leaves a %s (%s) untouched', (kind, name) => {
    expect(transform(childArgs(object(kind, name)))).toBeUndefined();
  });

  it('leaves the chart component itself untouched', () => {
    expect(transform({ custom: false, type: 'kubernetes:helm.sh/v4:Chart', name: 'engine', props: { chart: './engine-chart' }, opts: {} })).toBeUndefined();
    expect(transform({ custom: false, type: 'kubernetes:yaml/v2:ConfigGroup', name: 'engine', props: { yaml: '' }, opts: {} })).toBeUndefined();
  });

  it('drains props made in another realm (a vm context, jest\'s structuredClone) as it drains its own', () => {
    const own = apply(transform, object('Deployment', 'engine'));
    const args = childArgs(object('Deployment', 'engine'));
    const elsewhere = vm.runInNewContext(`(${JSON.stringify(args.props)})`) as Json;
    expect(Object.getPrototypeOf(elsewhere)).not.toBe(Object.prototype);
    const drained = transform({ ...args, props: elsewhere })?.props as Json | undefined;
    expect(drained).toBeDefined();
    expect(JSON.parse(JSON.stringify(drained))).toEqual(JSON.parse(JSON.stringify(own)));
    expect(drained!.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    const cloned = transform({ ...args, props: structuredClone(args.props) })?.props as Json | undefined;
    expect(JSON.parse(JSON.stringify(cloned))).toEqual(JSON.parse(JSON.stringify(own)));
  });

  it('never mutates the props it is given', () => {
    const args = childArgs(object('Deployment', 'engine'));
    const copy = structuredClone(args.props);
    transform(args);
    expect(args.props).toEqual(copy);
  });

  it('leaves what it drained alone when applied again', () => {
    const once = apply(transform, object('Deployment', 'engine'))!;
    expect(transform(childArgs(once))).toBeUndefined();
    const service = apply(transform, object('Service', 'engine'))!;
    expect(transform(childArgs(service))).toBeUndefined();
  });

  it('keeps the resource options', () => {
    const opts = { protect: true, ignoreChanges: ['spec.replicas'] };
    const result = transform({ ...childArgs(object('Deployment', 'engine')), opts });
    expect(result?.opts).toBe(opts);
  });

  it('matches the snapshot of the drained chart', () => {
    const drained = CHART.map((o) => apply(transform, o) ?? o);
    expect(drained.map((o) => stringify(o, { sortMapEntries: true })).join('---\n')).toMatchSnapshot();
    // Targeted: only the two workloads and the two LoadBalancer Services changed.
    expect(CHART.filter((o, index) => drained[index] !== o).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/engine',
      'Service/engine-admin',
      'Deployment/engine',
      'StatefulSet/engine-scheduler',
      'Deployment/redis',
    ]);
  });

  it('carries its plan', () => {
    expect(transform.plan.terminationGracePeriodSeconds).toBe(45);
    expect(transform.plan.budget.healthPort).toBe(8733);
  });
});

describe('drainTransform match', () => {
  it('selects workloads and Services by labels, and the gRPC container by name', () => {
    const transform = drainTransform(SEED, { labels: { 'app.kubernetes.io/name': 'engine' }, containers: ['engine'] });
    expect(apply(transform, object('Deployment', 'engine'))!.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    // Labelled engine, but no container named engine: skipped.
    expect(apply(transform, object('StatefulSet', 'engine-scheduler'))).toBeUndefined();
    expect(apply(transform, object('Deployment', 'redis'))).toBeUndefined();
    expect(apply(transform, object('Service', 'engine'))).toBeDefined();
    expect(apply(transform, object('Service', 'engine-admin'))).toBeUndefined();
  });

  it('selects by Kubernetes or Pulumi resource name', () => {
    const transform = drainTransform(SEED, { workloads: ['engine-scheduler'], services: ['engine:default/engine-admin'] });
    expect(apply(transform, object('Deployment', 'engine'))).toBeUndefined();
    expect(apply(transform, object('StatefulSet', 'engine-scheduler'))).toBeDefined();
    expect(apply(transform, object('Service', 'engine'))).toBeUndefined();
    expect(apply(transform, object('Service', 'engine-admin'))).toBeDefined();
  });

  it('drains the first pod container that containers names (one gRPC server per pod)', () => {
    const transform = drainTransform(SEED, { containers: ['fluent-bit', 'engine'] });
    const [engine, sidecar] = apply(transform, object('Deployment', 'engine'))!.spec.template.spec.containers;
    expect(engine.lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    expect(sidecar).toEqual(object('Deployment', 'engine').spec.template.spec.containers[1]);
  });

  it('fails on a named workload without the named container', () => {
    const transform = drainTransform(SEED, { workloads: ['redis'], containers: ['engine'] });
    expect(() => apply(transform, object('Deployment', 'redis'))).toThrow(
      "drainTransform: Deployment 'engine:default/redis' is named in match.workloads but was not drained: Not retrofitted: it is named in match.names but no container is named engine (containers). Fix match.containers or match.workloads.",
    );
  });
});

describe('drainTransform without the runtime contract (runtimeContract: false)', () => {
  it('keeps probes and health checks on what the chart serves, and says so as a Pulumi warning', () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const transform = drainTransform(SEED, {}, { runtimeContract: false });
      const before = object('Deployment', 'engine');
      const after = apply(transform, before)!;
      const engine = after.spec.template.spec.containers[0];
      // The chart probes gRPC on 7070: no HTTP endpoint to point them at, so they stay.
      expect(engine.readinessProbe).toEqual(before.spec.template.spec.containers[0].readinessProbe);
      expect(engine.lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
      expect(after.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
      const service = apply(transform, object('Service', 'engine'))!;
      expect(service.metadata.annotations[`${P}healthcheck-path`]).toBe(object('Service', 'engine').metadata.annotations?.[`${P}healthcheck-path`]);
      expect(service.metadata.annotations[`${P}target-group-attributes`]).toContain('deregistration_delay.timeout_seconds=45');
      const messages = warn.mock.calls.map((call) => call[0]);
      expect(messages.some((m) => m.startsWith("drainTransform: Service 'engine:default/engine'"))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a runtimeContract that is not a boolean and an option it does not know', () => {
    expect(() => drainTransform(SEED, {}, { runtimeContract: 'yes' as never, scheem: 'internal' } as never)).toThrow(DrainBudgetError);
    try {
      drainTransform(SEED, {}, { runtimeContract: 'yes' as never, scheem: 'internal' } as never);
    } catch (error) {
      expect((error as DrainBudgetError).violations.map((v) => v.field)).toEqual(['runtimeContract', 'options.scheem']);
    }
  });
});

describe('drainTransform rejects an unsafe budget when it is created', () => {
  it('lists every violation, match and option problems included', () => {
    let error: unknown;
    try {
      drainTransform(
        { propagationSeconds: 30, drainTimeoutSeconds: 10, terminationGracePeriodSeconds: 30 },
        { workloads: [], container: ['x'] } as never,
        { scheme: 'public' as never, contractEnv: { drainTimeout: '1BAD' } },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DrainBudgetError);
    expect((error as DrainBudgetError).violations.map((v) => `[${v.rule}] ${v.field}`)).toEqual([
      '[budget-valid] contractEnv.drainTimeout',
      '[budget-valid] scheme',
      '[grace-covers-drain] budget.terminationGracePeriodSeconds',
      '[deregistration-delay-covers-drain] budget.deregistrationDelaySeconds',
      '[budget-valid] match.container',
      '[budget-valid] match.workloads',
    ]);
    expect((error as Error).message.split('\n')[0]).toBe('unsafe drain budget of drainTransform (6 violations):');
    expect((error as DrainBudgetError).violations[4].message).toBe('match.container is not a match field; use one of workloads, services, containers, labels.');
    expect((error as DrainBudgetError).violations[5].message).toBe('match.workloads must be a non-empty list of names (leave it out to match every one); got [].');
  });

  it('names budget fields as the caller wrote them', () => {
    expect(() => drainTransform({ drainTimeoutSeconds: Number.NaN })).toThrow('budget.drainTimeoutSeconds must be a finite number of seconds; got NaN.');
  });
});

describe('drainTransform with props holding Outputs (resources declared in the program)', () => {
  it('returns Outputs that register the plan, as the engine would after the transform', async () => {
    const transform = drainTransform(SEED);
    const source = object('Deployment', 'engine');
    const props = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: pulumi.output('engine') }, spec: pulumi.output(source.spec) };
    const result = transform({ custom: true, type: 'kubernetes:apps/v1:Deployment', name: 'engine', props, opts: {} })!;
    expect(pulumi.Output.isInstance(result.props.spec)).toBe(true);
    const deployment = new k8s.apps.v1.Deployment('engine', result.props as k8s.apps.v1.DeploymentArgs, result.opts);
    await registered(deployment);
    const { spec, metadata } = recorder.one('kubernetes:apps/v1:Deployment').inputs;
    expect(metadata).toEqual({ name: 'engine' });
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    expect(spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 0 });
    expect(await promiseOf(deployment.spec.template.spec.terminationGracePeriodSeconds)).toBe(45);
  });

  it('leaves an unmatched Output-holding Service as it was', async () => {
    const transform = drainTransform(SEED);
    const props = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'internal' }, spec: pulumi.output({ type: 'ClusterIP', ports: [{ port: 80 }] }) };
    const result = transform({ custom: true, type: 'kubernetes:core/v1:Service', name: 'internal', props, opts: {} })!;
    const service = new k8s.core.v1.Service('internal', result.props as k8s.core.v1.ServiceArgs, result.opts);
    await registered(service);
    expect(recorder.one('kubernetes:core/v1:Service').inputs).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'internal' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
  });
});

describe('under mocks', () => {
  it('a yaml/v2 ConfigGroup registers only itself: its children come from the provider plugin in a real run', async () => {
    const group = new k8s.yaml.v2.ConfigGroup('engine-yaml', { objs: CHART });
    await registered(group);
    expect(recorder.summary()).toEqual(['kubernetes:yaml/v2:ConfigGroup::engine-yaml']);
    expect(recorder.one('kubernetes:yaml/v2:ConfigGroup').custom).toBe(false);
  });
});

describe('retrofit parity with the components', () => {
  const budgets = fc.record(
    {
      propagationSeconds: fc.integer({ min: 1, max: 300 }),
      drainTimeoutSeconds: fc.integer({ min: 0, max: 120 }),
      cleanupSeconds: fc.integer({ min: 0, max: 30 }),
      headroomSeconds: fc.integer({ min: 0, max: 30 }),
      kubernetesVersion: fc.constantFrom('1.28', '1.30', '1.33'),
      readinessGate: fc.boolean(),
    },
    { requiredKeys: ['propagationSeconds'] },
  );

  // The chart's Deployment without the drain settings it had (a 5 s exec sleep, a contract
  // variable): what it keeps, the retrofit never shrinks, so parity holds on a blank workload.
  const UNDRAINED: Json = (() => {
    const copy = sameRealmCopy(object('Deployment', 'engine'));
    const engine = copy.spec.template.spec.containers[0];
    delete engine.lifecycle.preStop;
    engine.env = engine.env.filter((variable: Json) => variable.name === 'LOG_LEVEL');
    return copy;
  })();

  it('a drained chart workload gets the plan-driven fields a GrpcDeployment renders', () => {
    fc.assert(
      fc.property(budgets, (budget) => {
        const workload = planWorkload({ budget: { ...budget, healthPort: 8733 }, grpcPort: 7070 });
        const rendered = renderDeployment(workload, { name: 'engine', matchLabels: { app: 'engine' }, image: 'engine' });
        const drained = apply(drainTransform({ ...budget, healthPort: 8733 }, { containers: ['engine'] }), UNDRAINED)!;
        const mine = rendered.spec.template.spec.containers[0] as Json;
        const theirs = drained.spec.template.spec.containers[0];
        expect(theirs.lifecycle.preStop).toEqual(mine.lifecycle.preStop);
        expect(theirs.readinessProbe).toEqual(mine.readinessProbe);
        expect(theirs.livenessProbe).toEqual(mine.livenessProbe);
        // The chart's LOG_LEVEL stays first; the contract follows, as GrpcDeployment renders it.
        expect(theirs.env.slice(1)).toEqual(mine.env);
        // Unset is the API's 30 s (PodSpec.terminationGracePeriodSeconds, kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#lifecycle):
        // never shrunk, so a plan under 30 s leaves it unset.
        const renderedGrace = rendered.spec.template.spec.terminationGracePeriodSeconds as number;
        expect(drained.spec.template.spec.terminationGracePeriodSeconds ?? 30).toBe(Math.max(renderedGrace, 30));
        // minReadySeconds 0 is the API's default: the retrofit writes only another value.
        expect(drained.spec.minReadySeconds ?? 0).toBe(rendered.spec.minReadySeconds);
        expect(drained.spec.strategy).toEqual(rendered.spec.strategy);
        expect(drained.spec.template.metadata.annotations['grpc-drain.dev/budget']).toBe(rendered.spec.template.metadata.annotations?.['grpc-drain.dev/budget']);
      }),
      { numRuns: 200 },
    );
  });
});
