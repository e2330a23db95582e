import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { ContractEnvOptions, Finding } from '../model';
import type { DrainPlan } from '../plan';
import { DEFAULT_CONTAINER_NAME, planWorkload, renderContainerFragment, renderWorkloadFragment, type ContainerDrainFragment } from '../render';
import { cdk8sFieldLabel, toDrainBudget, type DrainBudgetProps } from './drain-budget-props';
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

  constructor(scope: Construct, id: string, props: GrpcDeploymentProps) {
    const { budget: budgetProps, healthPort, container, contractEnv, image, grpcPort, ...deploymentProps } = props;
    const converted = toDrainBudget(budgetProps, healthPort);
    const workload = planWorkload(
      { budget: converted.budget, grpcPort, image, replicas: deploymentProps.replicas, env: contractEnv, violations: converted.violations },
      { fieldLabel: cdk8sFieldLabel, subject: `drain budget of GrpcDeployment '${id}'` },
    );
    const { plan } = workload;
    const rendered = renderContainerFragment(plan, workload.contractEnv);
    const fragment = renderWorkloadFragment(plan);
    const contract: Record<string, kplus.EnvValue> = {};
    for (const variable of rendered.env) contract[variable.name] = kplus.EnvValue.fromValue(variable.value);
    const preStop = rendered.lifecycle.preStop;

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
          envVariables: { ...contract, ...container?.envVariables },
          readiness: probe(rendered.readinessProbe),
          liveness: probe(rendered.livenessProbe),
          // cdk8s-plus-28 has exec handlers only; the native sleep is set below.
          ...('exec' in preStop && { lifecycle: { preStop: kplus.Handler.fromCommand([...preStop.exec.command]) } }),
        },
      ],
    });
    this.plan = plan;
    this.findings = plan.findings;
    this.grpcPort = grpcPort;
    this.grpcContainer = this.containers[0];

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
  }
}
