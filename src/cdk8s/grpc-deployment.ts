import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { BUDGET_ANNOTATION, type ContractEnvOptions, type Finding } from '../model';
import { DrainBudgetError, describeValue, type DrainPlan } from '../plan';
import {
  checkUserEnv,
  DEFAULT_CONTAINER_NAME,
  planWorkload,
  renderContainerFragment,
  renderWorkloadFragment,
  type ContainerDrainFragment,
  type EnvVar,
  type UserEnvVariable,
} from '../render';
import { cdk8sFieldLabel, toDrainBudget, type DrainBudgetProps } from './drain-budget-props';
import { addPlanValidation, removeHalfBuilt } from './guards';
import { setNativePreStopSleep } from './native-sleep';

/**
 * Options of the gRPC container: cdk8s-plus `ContainerOpts` without what the plan owns
 * (`readiness`, `liveness`, `lifecycle`) or what {@link GrpcDeploymentProps} already names
 * (`port`, `portNumber`, `ports`; add more ports with `grpcContainer.addPort`).
 */
export interface GrpcContainerProps
  extends Omit<kplus.ContainerOpts, 'readiness' | 'liveness' | 'lifecycle' | 'port' | 'portNumber' | 'ports'> {}

/**
 * Props of {@link GrpcDeployment}: cdk8s-plus `DeploymentProps`, except `containers`
 * (the gRPC container is built from `image` and `container`; add sidecars with
 * `addContainer`) and the fields the plan derives (`strategy`, `minReady`,
 * `terminationGracePeriod`).
 */
export interface GrpcDeploymentProps
  extends Omit<kplus.DeploymentProps, 'containers' | 'strategy' | 'minReady' | 'terminationGracePeriod'> {
  /** Image of the gRPC server. */
  readonly image: string;
  /** Port the gRPC server listens on. */
  readonly grpcPort: number;
  /**
   * Port of the HTTP health server (`/ready`, `/live`); the NLB health-checks it directly.
   * @default 8080
   */
  readonly healthPort?: number;
  /**
   * The drain budget every termination-related number is derived from.
   * @default - propagation 20 s, drain 10 s, cleanup 5 s, headroom 10 s
   */
  readonly budget?: DrainBudgetProps;
  /**
   * More options of the gRPC container (env, resources, security context, volume mounts, ...).
   * @default - cdk8s-plus defaults, container name "grpc"
   */
  readonly container?: GrpcContainerProps;
  /**
   * Renames (or drops, with `false`) the contract variables the runtime reads, e.g.
   * `{ drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' } }` for a Go
   * server that wants `10s`.
   * @default - GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH
   */
  readonly contractEnv?: ContractEnvOptions;
}

/** Deployment props the plan owns: given anyway (from JavaScript, or cast), each is refused. */
const PLAN_OWNED_PROPS: Readonly<Record<string, string>> = {
  containers: 'the gRPC container is built from image and container; add sidecars with addContainer() after construction',
  strategy: 'the plan rolls out with RollingUpdate, maxSurge 25%, maxUnavailable 0 (old pods go only once new ones are in the NLB); leave it out',
  minReady: 'the plan derives it from budget.readinessGate and the health check; leave it out',
  terminationGracePeriod: 'the plan derives it from the budget; set budget.terminationGracePeriod to override it (checked)',
};

/** Container options the plan owns. */
const PLAN_OWNED_CONTAINER_PROPS: Readonly<Record<string, string>> = {
  image: 'use the image prop',
  readiness: 'the plan probes budget.readinessPath on healthPort; leave it out',
  liveness: 'the plan probes budget.livenessPath on healthPort; leave it out',
  lifecycle: 'the plan sets the preStop sleep from budget.propagation; leave it out',
  port: 'the gRPC and health ports come from grpcPort and healthPort; add more with grpcContainer.addPort()',
  portNumber: 'the gRPC and health ports come from grpcPort and healthPort; add more with grpcContainer.addPort()',
  ports: 'the gRPC and health ports come from grpcPort and healthPort; add more with grpcContainer.addPort()',
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Props the plan owns or that cannot be read, found before anything is added to the tree. */
function checkProps(props: Record<string, unknown>): { violations: Finding[]; userEnv: UserEnvVariable[] } {
  const violations: Finding[] = [];
  const bad = (field: string, message: string) => violations.push({ rule: 'budget-valid', severity: 'error', field, message });
  for (const [key, why] of Object.entries(PLAN_OWNED_PROPS)) if (props[key] !== undefined) bad(key, `${key} is not a prop of GrpcDeployment: ${why}.`);
  const container = props.container;
  const userEnv: UserEnvVariable[] = [];
  if (container !== undefined && !isObject(container)) bad('container', `container must be an object of cdk8s-plus container options; got ${describeValue(container)}.`);
  if (isObject(container)) {
    for (const [key, why] of Object.entries(PLAN_OWNED_CONTAINER_PROPS)) if (container[key] !== undefined) bad(`container.${key}`, `container.${key} is the plan's: ${why}.`);
    const variables = container.envVariables;
    if (variables !== undefined && !isObject(variables)) bad('container.envVariables', `container.envVariables must map names to EnvValues; got ${describeValue(variables)}.`);
    if (isObject(variables)) for (const name of Object.keys(variables)) userEnv.push({ field: `container.envVariables.${name}`, name });
  }
  const podAnnotations = isObject(props.podMetadata) ? props.podMetadata.annotations : undefined;
  if (isObject(podAnnotations) && BUDGET_ANNOTATION in podAnnotations) {
    bad(`podMetadata.annotations.${BUDGET_ANNOTATION}`, `podMetadata.annotations must not set ${BUDGET_ANNOTATION}: the plan writes it from the budget.`);
  }
  return { violations, userEnv };
}

function surge(value: string | number): kplus.PercentOrAbsolute {
  return typeof value === 'string' && value.endsWith('%')
    ? kplus.PercentOrAbsolute.percent(Number(value.slice(0, -1)))
    : kplus.PercentOrAbsolute.absolute(Number(value));
}

function probe(rendered: ContainerDrainFragment['readinessProbe']): kplus.Probe {
  return kplus.Probe.fromHttpGet(rendered.httpGet.path, {
    port: rendered.httpGet.port,
    periodSeconds: Duration.seconds(rendered.periodSeconds),
    timeoutSeconds: Duration.seconds(rendered.timeoutSeconds),
    failureThreshold: rendered.failureThreshold,
  });
}

/**
 * A cdk8s-plus `Deployment` of a gRPC server behind an NLB whose termination settings come
 * from one drain plan: preStop sleep, `terminationGracePeriodSeconds`, readiness and
 * liveness probes, rollout strategy, a PodDisruptionBudget, the env contract and the budget
 * annotation. Pair it with {@link NlbGrpcService}. A budget that is unsafe fails here, at
 * construction, with every violation.
 */
export class GrpcDeployment extends kplus.Deployment {
  /** The plan every number of this Deployment (and of its NlbGrpcService) comes from. */
  public readonly plan: DrainPlan;
  /** The gRPC server's container. */
  public readonly grpcContainer: kplus.Container;
  /** Port the gRPC server listens on. */
  public readonly grpcPort: number;
  /** The PodDisruptionBudget (maxUnavailable 1) selecting this Deployment's pods. */
  public readonly podDisruptionBudget: ApiObject;
  /** Warnings of the plan (also printed to stderr at construction). */
  public readonly findings: readonly Finding[];
  private readonly contractEnvOptions: ContractEnvOptions | undefined;

  constructor(scope: Construct, id: string, props: GrpcDeploymentProps) {
    const subject = `drain budget of GrpcDeployment '${id}'`;
    if (!isObject(props)) {
      const message = `GrpcDeployment needs props with at least { image, grpcPort }; got ${describeValue(props)}.`;
      throw new DrainBudgetError([{ rule: 'budget-valid', severity: 'error', field: 'props', message }], [], subject);
    }
    const { budget: budgetProps, healthPort, container, contractEnv, image, grpcPort, ...deploymentProps } = props;
    const checked = checkProps(props as unknown as Record<string, unknown>);
    const converted = toDrainBudget(budgetProps, healthPort);
    const workload = planWorkload(
      { budget: converted.budget, grpcPort, image, replicas: deploymentProps.replicas, env: contractEnv, userEnv: checked.userEnv, violations: [...checked.violations, ...converted.violations] },
      { fieldLabel: cdk8sFieldLabel, subject },
    );
    const { plan } = workload;
    const fragment = renderWorkloadFragment(plan);
    // cdk8s-plus would throw this after adding the node, and blame a 'minReady' nobody set.
    const progressDeadline = deploymentProps.progressDeadline?.toSeconds();
    if (progressDeadline !== undefined && progressDeadline <= fragment.minReadySeconds) {
      const message = `progressDeadline (${progressDeadline}s) must be greater than minReadySeconds (${fragment.minReadySeconds}s), which the plan derives from the budget (no readiness gate: the NLB must see a new pod healthy first). Raise progressDeadline, or leave it out (600s).`;
      throw new DrainBudgetError([{ rule: 'budget-valid', severity: 'error', field: 'progressDeadline', message }], plan.findings, subject);
    }
    const rendered = renderContainerFragment(plan, workload.contractEnv);
    const contract: Record<string, kplus.EnvValue> = {};
    for (const variable of rendered.env) contract[variable.name] = kplus.EnvValue.fromValue(variable.value);
    const preStop = rendered.lifecycle.preStop;

    const existing = scope.node.tryFindChild(id);
    try {
      super(scope, id, {
        ...deploymentProps,
        terminationGracePeriod: Duration.seconds(fragment.terminationGracePeriodSeconds),
        minReady: Duration.seconds(fragment.minReadySeconds),
        strategy: kplus.DeploymentStrategy.rollingUpdate({
          maxSurge: surge(fragment.strategy.rollingUpdate.maxSurge),
          maxUnavailable: surge(fragment.strategy.rollingUpdate.maxUnavailable),
        }),
        containers: [
          {
            name: DEFAULT_CONTAINER_NAME,
            ...container,
            image,
            ports: workload.ports.map((port) => ({ name: port.name, number: port.containerPort, protocol: kplus.Protocol.TCP })),
            // The user's names were checked above: none is a contract variable.
            envVariables: { ...contract, ...container?.envVariables },
            readiness: probe(rendered.readinessProbe),
            liveness: probe(rendered.livenessProbe),
            // cdk8s-plus-28 has exec handlers only; the native sleep is set below.
            ...('exec' in preStop && { lifecycle: { preStop: kplus.Handler.fromCommand([...preStop.exec.command]) } }),
          },
        ],
      });
    } catch (error) {
      removeHalfBuilt(scope, id, existing);
      throw error;
    }
    this.plan = plan;
    this.findings = plan.findings;
    this.grpcPort = grpcPort;
    this.grpcContainer = this.containers[0];
    this.contractEnvOptions = contractEnv;

    if ('sleep' in preStop) setNativePreStopSleep(this, this.grpcContainer.name, preStop.sleep.seconds);
    for (const [key, value] of Object.entries(fragment.podAnnotations)) this.podMetadata.addAnnotation(key, value);
    // cdk8s has no warning channel of its own; stderr keeps `cdk8s synth` output clean.
    for (const warning of plan.findings) console.warn(`grpc-drain: GrpcDeployment '${id}': warning [${warning.rule}] ${warning.field}: ${warning.message}`);

    // Same name and namespace as the Deployment (another kind, no clash); the selector is
    // read at synth time so labels selected later are included.
    this.podDisruptionBudget = new ApiObject(this, 'pdb', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: {
        ...(this.metadata.namespace !== undefined && { namespace: this.metadata.namespace }),
        ...(props.metadata?.name !== undefined && { name: props.metadata.name }),
      },
      spec: {
        maxUnavailable: plan.podDisruptionBudget.maxUnavailable,
        selector: { matchLabels: Lazy.any({ produce: () => this.matchLabels }) },
      },
    });
    addPlanValidation(this, () => this.changedPlanValues(rendered.env, fragment.podAnnotations));
  }

  /** What the mutable cdk8s-plus API changed after construction that the plan owns. */
  private changedPlanValues(contractEnv: readonly EnvVar[], podAnnotations: Readonly<Record<string, string>>): Finding[] {
    const variables = this.grpcContainer.env.variables;
    const changed: UserEnvVariable[] = contractEnv
      .filter((planned) => variables[planned.name]?.value !== planned.value || variables[planned.name]?.valueFrom !== undefined)
      .map(({ name }) => ({ field: `grpcContainer.env.${name}`, name }));
    const findings = checkUserEnv(changed, this.contractEnvOptions, this.plan);
    const annotations = this.podMetadata.toJson().annotations ?? {};
    for (const [key, value] of Object.entries(podAnnotations)) {
      if (annotations[key] !== value) findings.push({ rule: 'budget-valid', severity: 'error', field: `podMetadata.annotations.${key}`, message: `podMetadata.annotations.${key} was changed after construction: the plan writes it from the budget (${value}).` });
    }
    return findings;
  }
}
