/**
 * Parity: the seed example built through cdk8s (examples/cdk8s/engine-chart.ts) and through
 * Pulumi (examples/pulumi/index.ts, under mocks) gives the same Deployment, PodDisruptionBudget
 * and Service in every field the plan drives. Fields each framework chooses for itself
 * (names, selector labels, cdk8s-plus defaults such as resources or securityContext) are
 * compared only for internal consistency.
 */
import { Testing } from 'cdk8s';
import { EngineChart } from '../../examples/cdk8s/engine-chart';
import { drainRegistrations, setupMocks, type Recorder } from './mocks';

type Json = Record<string, any>;

const LBC_PREFIX = 'service.beta.kubernetes.io/aws-load-balancer-';

/** The fields of a Deployment the plan drives (and those both examples set from the same args). */
function planDrivenDeployment(deployment: Json): Json {
  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c: Json) => c.name === 'grpc');
  return {
    preStop: container.lifecycle.preStop,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
    readinessProbe: container.readinessProbe,
    livenessProbe: container.livenessProbe,
    strategy: deployment.spec.strategy,
    minReadySeconds: deployment.spec.minReadySeconds,
    contractEnv: container.env.filter((variable: Json) => variable.name.startsWith('GRPC_DRAIN_')),
    budgetAnnotation: deployment.spec.template.metadata.annotations['grpc-drain.dev/budget'],
    ports: container.ports,
    replicas: deployment.spec.replicas,
    image: container.image,
  };
}

function planDrivenService(service: Json): Json {
  const annotations = Object.fromEntries(Object.entries(service.metadata.annotations as Record<string, string>).filter(([key]) => key.startsWith(LBC_PREFIX)));
  return { type: service.spec.type, ports: service.spec.ports, annotations };
}

function planDrivenPdb(pdb: Json): Json {
  return { maxUnavailable: pdb.spec.maxUnavailable };
}

function byKind(objects: Json[], kind: string): Json {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, got ${found.length}`);
  return found[0];
}

let recorder: Recorder;
let cdk8s: { deployment: Json; pdb: Json; service: Json };
let pulumi: { deployment: Json; pdb: Json; service: Json };

beforeAll(async () => {
  const manifests = Testing.synth(new EngineChart(Testing.app(), 'engine')) as Json[];
  cdk8s = { deployment: byKind(manifests, 'Deployment'), pdb: byKind(manifests, 'PodDisruptionBudget'), service: byKind(manifests, 'Service') };

  recorder = await setupMocks();
  // The Pulumi program, run as `pulumi up` would run it, but against the mocks.
  const program = require('../../examples/pulumi/index') as typeof import('../../examples/pulumi/index');
  // Wait for the outputs the program exports: every resource is registered by then.
  await Promise.all([program.deploymentName, program.serviceName].map((output) => new Promise((resolve) => output.apply(resolve))));
  await drainRegistrations('parity-sentinel');
  const inputs = (type: string) => recorder.one(type).inputs;
  pulumi = {
    deployment: inputs('kubernetes:apps/v1:Deployment'),
    pdb: inputs('kubernetes:policy/v1:PodDisruptionBudget'),
    service: inputs('kubernetes:core/v1:Service'),
  };
});

describe('the seed example through cdk8s and through Pulumi', () => {
  it('has the same plan-driven Deployment fields', () => {
    expect(planDrivenDeployment(pulumi.deployment)).toEqual(planDrivenDeployment(cdk8s.deployment));
    // …and they are the seed's numbers, not two equal mistakes.
    expect(planDrivenDeployment(pulumi.deployment)).toMatchObject({
      preStop: { sleep: { seconds: 20 } },
      terminationGracePeriodSeconds: 45,
      minReadySeconds: 0,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      readinessProbe: { httpGet: { path: '/ready', port: 8733 } },
      livenessProbe: { httpGet: { path: '/live', port: 8733 } },
    });
  });

  it('has the same PodDisruptionBudget', () => {
    expect(planDrivenPdb(pulumi.pdb)).toEqual(planDrivenPdb(cdk8s.pdb));
    expect(pulumi.pdb.spec.maxUnavailable).toBe(1);
  });

  it('has the same Service: type, ports and every LBC annotation', () => {
    expect(planDrivenService(pulumi.service)).toEqual(planDrivenService(cdk8s.service));
    expect(Object.keys(planDrivenService(pulumi.service).annotations)).toHaveLength(11);
    expect(pulumi.service.metadata.annotations[`${LBC_PREFIX}scheme`]).toBe('internet-facing');
    expect(pulumi.service.metadata.annotations[`${LBC_PREFIX}target-group-attributes`]).toContain('deregistration_delay.timeout_seconds=45');
  });

  it.each(['cdk8s', 'pulumi'] as const)('%s: the PDB and the Service select the Deployment’s pods', (framework) => {
    const { deployment, pdb, service } = framework === 'cdk8s' ? cdk8s : pulumi;
    const matchLabels = deployment.spec.selector.matchLabels;
    expect(deployment.spec.template.metadata.labels).toMatchObject(matchLabels);
    expect(pdb.spec.selector.matchLabels).toEqual(matchLabels);
    expect(service.spec.selector).toEqual(matchLabels);
  });
});
