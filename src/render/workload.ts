import { BUDGET_DEFAULTS, ownField, PORT, type ContractEnvOptions, type DrainBudget, type Finding } from '../model';
import { DrainBudgetError, describeValue, planDrain, type DrainPlan, type PlanDrainOptions } from '../plan';
import { checkContractEnv, checkUserEnv, renderContractEnv, type UserEnvVariable } from './env';
import type { ContainerPort, Deployment, EnvVar } from './k8s';
import { renderContainerFragment, renderWorkloadFragment } from './pod';

/** The container name both front ends give the gRPC server by default. */
export const DEFAULT_CONTAINER_NAME = 'grpc';

/** What a front end knows of a gRPC workload besides its budget. */
export interface WorkloadPlanInput {
  readonly budget?: DrainBudget;
  readonly grpcPort: unknown;
  /**
   * The image reference. A front end that passes the key checks it (`undefined` is a missing
   * image); one that cannot read it yet (a Pulumi Output) leaves the key out.
   */
  readonly image?: unknown;
  readonly replicas?: unknown;
  /** The contract-variable names (the front ends' `contractEnv`); `null` is a violation. */
  readonly env?: ContractEnvOptions | null;
  /** The user's own variables on the gRPC container: one named like a contract variable is refused. */
  readonly userEnv?: readonly UserEnvVariable[];
  /** Problems the front end found converting its own props, reported with the rest. */
  readonly violations?: readonly Finding[];
}

export interface WorkloadPlan {
  readonly plan: DrainPlan;
  /** The contract variables, named per the `env` option. */
  readonly contractEnv: readonly EnvVar[];
  /** gRPC and health ports, named. */
  readonly ports: readonly ContainerPort[];
}

function checkWorkload(input: WorkloadPlanInput): Finding[] {
  const violations: Finding[] = [];
  const bad = (field: string, message: string) => violations.push({ rule: 'budget-valid', severity: 'error', field, message });
  const { grpcPort, image, replicas } = input;
  const portOk = typeof grpcPort === 'number' && Number.isInteger(grpcPort) && grpcPort >= PORT.min && grpcPort <= PORT.max;
  if (grpcPort === undefined) bad('grpcPort', 'grpcPort is required: the port the gRPC server listens on, e.g. 7070.');
  else if (!portOk) bad('grpcPort', `grpcPort must be a port number ${PORT.min}–${PORT.max}; got ${describeValue(grpcPort)}.`);
  // Own fields only, as the budget reads them: a polluted prototype must not invent a port.
  const healthPort = ownField(input.budget, 'healthPort') ?? BUDGET_DEFAULTS.healthPort;
  if (portOk && healthPort === grpcPort) {
    bad('healthPort', `healthPort (${healthPort}) must differ from grpcPort (${grpcPort}): the NLB health check and the kubelet speak HTTP/1.1 to the health server, which cannot share the gRPC server's port. Pick another healthPort.`);
  }
  if ('image' in input && image === undefined) bad('image', "image is required: the gRPC server's image reference, e.g. 'ghcr.io/example/engine:1.0.0'.");
  else if (image !== undefined && (typeof image !== 'string' || image.trim() === '')) bad('image', `image must be a non-empty image reference; got ${describeValue(image)}.`);
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    bad('replicas', `replicas must be a whole number ≥ 0; got ${describeValue(replicas)}.`);
  }
  return violations;
}

/**
 * The plan of one gRPC workload: budget, ports, image, replicas and contract-variable names
 * checked together, so a front end reports every problem in one {@link DrainBudgetError}
 * before it creates anything.
 */
export function planWorkload(input: WorkloadPlanInput, options: PlanDrainOptions = {}): WorkloadPlan {
  const violations = [...(input.violations ?? []), ...checkWorkload(input)];
  let plan: DrainPlan | undefined;
  let warnings: readonly Finding[] = [];
  try {
    plan = planDrain(input.budget, options);
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    violations.push(...error.violations);
    warnings = error.warnings;
  }
  violations.push(...checkContractEnv(input.env), ...checkUserEnv(input.userEnv ?? [], input.env, plan));
  if (violations.length > 0 || !plan) throw new DrainBudgetError(violations, warnings, options.subject);
  return {
    plan,
    contractEnv: renderContractEnv(plan, input.env ?? undefined),
    ports: [
      { name: 'grpc', containerPort: input.grpcPort as number, protocol: 'TCP' },
      { name: 'health', containerPort: plan.budget.healthPort, protocol: 'TCP' },
    ],
  };
}

export interface DeploymentRenderOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Labels of the pods, also the selector. */
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  readonly replicas?: number;
  readonly image: string;
  readonly containerName?: string;
  /** The user's own variables, after the contract's. */
  readonly env?: readonly Record<string, unknown>[];
  /** Other container fields (resources, securityContext, volumeMounts, ...), passed through. */
  readonly container?: Readonly<Record<string, unknown>>;
  /** Other pod-spec fields (serviceAccountName, volumes, ...), passed through. */
  readonly podSpec?: Readonly<Record<string, unknown>>;
}

/**
 * A whole `apps/v1` Deployment: the user's fields with every plan-driven field on top
 * (a pass-through field never overrides the plan).
 */
export function renderDeployment(workload: WorkloadPlan, options: DeploymentRenderOptions): Deployment {
  const { plan } = workload;
  const fragment = renderWorkloadFragment(plan);
  const container = renderContainerFragment(plan, workload.contractEnv);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: options.name,
      ...(options.namespace !== undefined && { namespace: options.namespace }),
      ...(options.labels !== undefined && { labels: options.labels }),
      ...(options.annotations !== undefined && { annotations: options.annotations }),
    },
    spec: {
      ...(options.replicas !== undefined && { replicas: options.replicas }),
      minReadySeconds: fragment.minReadySeconds,
      strategy: fragment.strategy,
      selector: { matchLabels: options.matchLabels },
      template: {
        metadata: {
          labels: { ...options.podLabels, ...options.matchLabels },
          annotations: { ...options.podAnnotations, ...fragment.podAnnotations },
        },
        spec: {
          ...options.podSpec,
          terminationGracePeriodSeconds: fragment.terminationGracePeriodSeconds,
          containers: [
            {
              ...options.container,
              name: options.containerName ?? DEFAULT_CONTAINER_NAME,
              image: options.image,
              ports: workload.ports,
              env: [...container.env, ...(options.env ?? [])],
              lifecycle: container.lifecycle,
              readinessProbe: container.readinessProbe,
              livenessProbe: container.livenessProbe,
            },
          ],
        },
      },
    },
  };
}
