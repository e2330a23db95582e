import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, Chart, Duration, Include, Testing } from 'cdk8s';
import { DrainBudgetError } from 'grpc-drain';
import { retrofit, RETROFIT_METADATA_TYPE } from 'grpc-drain/cdk8s';
import { parseAllDocuments } from 'yaml';
import { validateManifest } from '../support/validate';

type Json = Record<string, any>;

const CORPUS = join(__dirname, '..', 'fixtures', 'doctor', 'corpus');
const P = 'service.beta.kubernetes.io/aws-load-balancer-';
/** The budget: propagation 30 s, so S = 30, G = 30 + 10 + 5 + 10 = 55 s, R = G. */
const BUDGET = { propagation: Duration.seconds(30) };

/** A chart that includes `helm template` output of the corpus, in namespace `namespace`. */
function chartWith(file: string, namespace: string): { chart: Chart; include: Include } {
  const chart = new Chart(Testing.app(), 'chart', { namespace });
  return { chart, include: new Include(chart, 'release', { url: join(CORPUS, file) }) };
}

function find(objects: readonly Json[], kind: string, name: string): Json {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('retrofit on an Include of hatchet-stack (helm template output)', () => {
  const { chart, include } = chartWith('hatchet-engine.yaml', 'hatchet');
  const before = Testing.synth(chart);
  const outcome = retrofit(include, { budget: BUDGET });
  const after = Testing.synth(chart);
  const deployment = find(after, 'Deployment', 'hatchet-engine');
  const service = find(after, 'Service', 'hatchet-engine');
  const engine = deployment.spec.template.spec.containers[0];

  it('writes the plan on the workload: sleep 30 s, grace 55 s, maxUnavailable 0, budget annotation, contract', () => {
    expect(engine.lifecycle).toEqual({ preStop: { sleep: { seconds: 30 } } });
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    expect(deployment.spec.template.metadata.annotations['grpc-drain.dev/budget']).toBe('{"propagationSeconds":30,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30"}');
    expect(engine.env).toEqual([
      { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', value: '10s' },
      { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '30' },
      { name: 'GRPC_DRAIN_TIMEOUT_SECONDS', value: '10' },
      { name: 'GRPC_DRAIN_CLEANUP_SECONDS', value: '5' },
      // The chart's own health server (its probes use 8733).
      { name: 'GRPC_DRAIN_HEALTH_PORT', value: '8733' },
      { name: 'GRPC_DRAIN_READY_PATH', value: '/ready' },
      { name: 'GRPC_DRAIN_LIVE_PATH', value: '/live' },
    ]);
  });

  it('keeps the probes the chart wrote (the workload serves /ready and /live on 8733)', () => {
    const original = find(before, 'Deployment', 'hatchet-engine').spec.template.spec.containers[0];
    expect(engine.readinessProbe).toEqual(original.readinessProbe);
    expect(engine.livenessProbe).toEqual(original.livenessProbe);
  });

  it('moves the NLB health check from /live to the readiness endpoint and bounds the deregistration delay by G', () => {
    expect(service.metadata.annotations).toEqual({
      [`${P}nlb-target-type`]: 'ip',
      [`${P}type`]: 'external',
      [`${P}healthcheck-protocol`]: 'http',
      [`${P}healthcheck-port`]: '8733',
      [`${P}healthcheck-path`]: '/ready',
      [`${P}healthcheck-interval`]: '5',
      [`${P}healthcheck-timeout`]: '5',
      [`${P}healthcheck-healthy-threshold`]: '2',
      [`${P}healthcheck-unhealthy-threshold`]: '2',
      [`${P}target-group-attributes`]:
        'deregistration_delay.timeout_seconds=55,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10',
    });
  });

  it('adds a PodDisruptionBudget (maxUnavailable 1) selecting the pods, as a new ApiObject in the scope', () => {
    expect(after.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/hatchet-engine', 'Deployment/hatchet-engine', 'PodDisruptionBudget/hatchet-engine-pdb']);
    const pdb = find(after, 'PodDisruptionBudget', 'hatchet-engine-pdb');
    expect(pdb.metadata.namespace).toBe('hatchet');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'hatchet', 'app.kubernetes.io/name': 'engine' } } });
    expect(outcome.added).toHaveLength(1);
    expect(outcome.added[0].node.scope).toBe(include);
    for (const manifest of after) validateManifest(manifest);
  });

  it('changes nothing else: every other field of both objects is as the chart wrote it', () => {
    const strip = (o: Json, paths: string[][]): Json => {
      const copy = structuredClone(o);
      for (const path of paths) {
        const parent = path.slice(0, -1).reduce((at, key) => at?.[key], copy);
        if (parent) delete parent[path[path.length - 1]];
      }
      return copy;
    };
    const pod = ['spec', 'template', 'spec'];
    const container = [...pod, 'containers', '0'];
    const workloadFields = [['spec', 'strategy', 'rollingUpdate'], ['spec', 'template', 'metadata', 'annotations', 'grpc-drain.dev/budget'], [...pod, 'terminationGracePeriodSeconds'], [...container, 'lifecycle'], [...container, 'env']];
    expect(strip(deployment, workloadFields)).toEqual(strip(find(before, 'Deployment', 'hatchet-engine'), workloadFields));
    expect(engine.env.slice(0, 1)).toEqual(find(before, 'Deployment', 'hatchet-engine').spec.template.spec.containers[0].env);
    const planAnnotations = ['path', 'interval', 'timeout', 'healthy-threshold', 'unhealthy-threshold'].map((a) => ['metadata', 'annotations', `${P}healthcheck-${a}`]);
    const serviceFields = [...planAnnotations, ['metadata', 'annotations', `${P}target-group-attributes`]];
    expect(strip(service, serviceFields)).toEqual(strip(find(before, 'Service', 'hatchet-engine'), serviceFields));
  });

  it('writes only the changed paths as JSON patches', () => {
    const patches = (o: ApiObject) => (o as unknown as { patches: Array<{ _toJson(): { op: string; path: string } }> }).patches.map((p) => `${p._toJson().op} ${p._toJson().path}`);
    const [serviceObject, deploymentObject] = include.apiObjects;
    expect(outcome.changed).toEqual([serviceObject, deploymentObject]);
    expect(patches(serviceObject)).toEqual([
      `replace /metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-healthcheck-path`,
      `add /metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-healthcheck-interval`,
      `add /metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-healthcheck-timeout`,
      `add /metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-healthcheck-healthy-threshold`,
      `add /metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-healthcheck-unhealthy-threshold`,
      `add /metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-target-group-attributes`,
    ]);
    expect(patches(deploymentObject)).toEqual([
      'add /spec/strategy/rollingUpdate',
      'add /spec/template/metadata/annotations/grpc-drain.dev~1budget',
      ...[1, 2, 3, 4, 5, 6].map((i) => `add /spec/template/spec/containers/0/env/${i}`),
      'add /spec/template/spec/containers/0/lifecycle',
      'add /spec/template/spec/terminationGracePeriodSeconds',
    ]);
  });

  it('returns the plan and the notes, and records each note as metadata on its object', () => {
    expect(outcome.plan.preStopSleepSeconds).toBe(30);
    expect(outcome.plan.terminationGracePeriodSeconds).toBe(55);
    expect(outcome.plan.deregistrationDelaySeconds).toBe(55);
    expect(outcome.notes.some((n) => n.object.kind === 'Deployment' && n.field === 'spec.template.spec.terminationGracePeriodSeconds' && n.message.includes('unset → 55'))).toBe(true);
    const [, deploymentObject] = include.apiObjects;
    const recorded = deploymentObject.node.metadata.filter((m) => m.type === RETROFIT_METADATA_TYPE).map((m) => m.data as Json);
    expect(recorded).toContainEqual({ severity: 'info', field: 'spec.template.spec.terminationGracePeriodSeconds', message: 'spec.template.spec.terminationGracePeriodSeconds: unset → 55.' });
  });

  it('leaves everything alone when run again (idempotent: no patch, no second PDB)', () => {
    const again = retrofit(include, { budget: BUDGET });
    expect(again.changed).toEqual([]);
    expect(again.added).toEqual([]);
    expect(Testing.synth(chart)).toEqual(after);
  });
});

describe('retrofit where it cannot do everything safely (temporal frontend: TCP probes only)', () => {
  it('keeps the health check it cannot point at a served readiness endpoint, drains the rest, and warns on stderr', () => {
    const { chart, include } = chartWith('temporal-frontend.yaml', 'temporal');
    const before = Testing.synth(chart);
    const outcome = retrofit(include, { budget: BUDGET });
    const after = Testing.synth(chart);
    const frontend = find(after, 'Deployment', 'temporal-frontend');
    expect(frontend.spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 30 } } });
    expect(frontend.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    // No HTTP readiness endpoint: the probes and the health check stay as they were.
    expect(frontend.spec.template.spec.containers[0].readinessProbe).toEqual({ tcpSocket: { port: 'rpc' } });
    expect(find(after, 'Service', 'temporal-frontend').metadata.annotations[`${P}healthcheck-path`]).toBe('/health');
    // The headless Service is no NLB: untouched, object for object.
    expect(find(after, 'Service', 'temporal-frontend-headless')).toEqual(find(before, 'Service', 'temporal-frontend-headless'));
    const warnings = outcome.notes.filter((n) => n.severity === 'warning');
    expect(warnings.length).toBeGreaterThan(0);
    const printed = warn.mock.calls.map((call) => String(call[0]));
    for (const note of warnings) expect(printed.some((line) => line.startsWith("grpc-drain: retrofit 'chart/release': warning ") && line.endsWith(note.message))).toBe(true);
  });
});

describe('retrofit refuses bad input before touching anything', () => {
  it('lists every violation (props, Durations, match, the plan), in cdk8s names, and patches nothing', () => {
    const { chart, include } = chartWith('hatchet-engine.yaml', 'hatchet');
    const before = Testing.synth(chart);
    let error: unknown;
    try {
      retrofit(include, {
        budget: { propagation: Duration.seconds(30), terminationGracePeriod: Duration.seconds(40), drainTimeout: 10 as never },
        match: { kind: ['Deployment'] } as never,
        scheme: 'public' as never,
        extra: true,
      } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DrainBudgetError);
    expect((error as DrainBudgetError).violations.map((v) => `[${v.rule}] ${v.field}`)).toEqual([
      '[budget-valid] extra',
      '[budget-valid] budget.drainTimeout',
      '[budget-valid] match.kind',
      '[budget-valid] scheme',
      '[grace-covers-drain] terminationGracePeriodSeconds',
    ]);
    // 30 + 10 (the default drain: the non-Duration is left out) + 5 = 45 > 40.
    expect((error as DrainBudgetError).violations[4].message).toContain('(40s) must be ≥ preStop sleep + drain timeout + cleanup (30s + 10s + 5s = 45s)');
    expect((error as Error).message.split('\n')[0]).toBe("unsafe drain budget of retrofit('chart/release') (5 violations):");
    expect((error as DrainBudgetError).violations[1].message).toBe('budget.drainTimeout must be a cdk8s Duration such as Duration.seconds(20); got 10.');
    expect(Testing.synth(chart)).toEqual(before);
    expect(include.node.children).toHaveLength(2);
  });

  it('names a scope that is not a construct', () => {
    expect(() => retrofit(undefined as never)).toThrow('retrofit needs a construct (a Helm or Include construct, or a Chart) as scope; got undefined.');
  });
});

describe('a real `cdk8s synth` of a chart that retrofits an Include', () => {
  const out = mkdtempSync(join(tmpdir(), 'grpc-drain-retrofit-synth-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes the retrofitted manifests, and the doctor (cdk8s.yaml validation) finds no error left', () => {
    const app = `npx ts-node -r tsconfig-paths/register ${join('test', 'cdk8s', 'fixtures', 'retrofit-app.ts')}`;
    const synth = spawnSync('npx', ['cdk8s', 'synth', '--check-upgrade', 'false', '--app', app, '--output', out], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(synth.stderr).not.toMatch(/^\s+at /m);
    expect(synth.status).toBe(0);
    expect(synth.stdout).toMatch(/✔ 0 errors, \d+ warnings? in 1 workload behind a load balancer \(3 objects read\)/);
    const documents = parseAllDocuments(readFileSync(join(out, 'hatchet.k8s.yaml'), 'utf8')).map((d) => d.toJS() as Json);
    expect(documents.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Service/hatchet-engine', 'Deployment/hatchet-engine', 'PodDisruptionBudget/hatchet-engine-pdb']);
    const deployment = find(documents, 'Deployment', 'hatchet-engine');
    expect(deployment.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 30 } });
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    expect(find(documents, 'Service', 'hatchet-engine').metadata.annotations[`${P}healthcheck-path`]).toBe('/ready');
  }, 180_000);
});
