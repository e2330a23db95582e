import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { BUDGET_ANNOTATION, type BudgetField, type ContractEnvOptions, type DrainBudget, type Finding } from '../model';
import { describeValue, type DrainPlan } from '../plan';
import { checkUserEnv, DEFAULT_CONTAINER_NAME, planWorkload, renderDeployment, renderPodDisruptionBudget } from '../render';
import { argViolation, isArgsObject, refuseWhenKnown, requireArgs } from './component-args';
import { definedFields, isPlain } from './inputs';

type StringMap = { [key: string]: pulumi.Input<string> };

/**
 * Arguments of {@link GrpcDeployment}. The numbers that govern termination are not here:
 * they all come from `budget`. Kubernetes fields you pass through keep their
 * `@pulumi/kubernetes` input types and never override a field of the plan.
 */
export interface GrpcDeploymentArgs {
  /** Image of the gRPC server, e.g. `ghcr.io/example/engine:1.0.0` or an ECR image's URI. */
  readonly image: pulumi.Input<string>;
  /** Port the gRPC server listens on. */
  readonly grpcPort: number;
  /**
   * Port of the HTTP health server (`/ready`, `/live`); the NLB health-checks it directly.
   * Same as `budget.healthPort` (give one of the two).
   * @default 8080
   */
  readonly healthPort?: number;
  /**
   * Number of pods. Leave it out when a HorizontalPodAutoscaler owns the count.
   * @default - Kubernetes' default (1)
   */
  readonly replicas?: number;
  /**
   * The drain budget, plain numbers of seconds: every termination-related number is derived
   * from it and checked before any resource is registered.
   * @default - propagationSeconds 20, drainTimeoutSeconds 10, cleanupSeconds 5, headroomSeconds 10
   * @see DrainBudget
   */
  readonly budget?: DrainBudget;
  /**
   * Renames (or drops, with `false`) the contract variables the runtime reads, e.g.
   * `{ drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' } }`.
   * @default - GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH
   */
  readonly contractEnv?: ContractEnvOptions;
  /**
   * Metadata of the Deployment: `namespace`, `labels`, `annotations`, and `name` when you
   * want a fixed one. The PodDisruptionBudget takes the same namespace and labels (and the
   * same name, when given: another kind, no clash).
   * @default - auto-named by Pulumi from the component's name (`engine-1a2b3c4d`), the provider's namespace
   */
  readonly metadata?: k8s.types.input.meta.v1.ObjectMeta;
  /**
   * Labels that select the pods (Deployment selector, PodDisruptionBudget, Service). A
   * Deployment's selector cannot change after creation: pick them once.
   * @default { 'app.kubernetes.io/name': <component name> }
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /**
   * More labels on the pods (the selector labels are always there).
   * @default - the selector labels only
   */
  readonly podLabels?: StringMap;
  /**
   * More annotations on the pods (`grpc-drain.dev/budget` is the plan's).
   * @default - the budget annotation only
   */
  readonly podAnnotations?: StringMap;
  /**
   * Name of the gRPC container.
   * @default "grpc"
   */
  readonly containerName?: string;
  /**
   * The container's entrypoint.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Arguments of the entrypoint.
   * @default - the image's CMD
   */
  readonly args?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Your own environment variables, after the contract's. A name the contract uses is
   * rejected: rename or drop the contract variable with `contractEnv` instead.
   * @default - the contract variables only
   */
  readonly env?: pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
  /**
   * Variables from ConfigMaps and Secrets.
   * @default - none
   */
  readonly envFrom?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.EnvFromSource>[]>;
  /**
   * CPU and memory requests and limits of the gRPC container.
   * @default - none
   */
  readonly resources?: pulumi.Input<k8s.types.input.core.v1.ResourceRequirements>;
  /**
   * Security context of the gRPC container.
   * @default - none
   */
  readonly securityContext?: pulumi.Input<k8s.types.input.core.v1.SecurityContext>;
  /**
   * Volume mounts of the gRPC container.
   * @default - none
   */
  readonly volumeMounts?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.VolumeMount>[]>;
  /**
   * Image pull policy of the gRPC container.
   * @default - Kubernetes' default (Always for `:latest`, else IfNotPresent)
   */
  readonly imagePullPolicy?: pulumi.Input<string>;
  /**
   * Startup probe of the gRPC container (readiness and liveness are the plan's).
   * @default - none
   */
  readonly startupProbe?: pulumi.Input<k8s.types.input.core.v1.Probe>;
  /**
   * Service account of the pods.
   * @default - the namespace's `default` service account
   */
  readonly serviceAccountName?: pulumi.Input<string>;
  /**
   * Pod-level security context.
   * @default - none
   */
  readonly podSecurityContext?: pulumi.Input<k8s.types.input.core.v1.PodSecurityContext>;
  /**
   * Volumes of the pods.
   * @default - none
   */
  readonly volumes?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Volume>[]>;
  /**
   * Init containers. Run sidecars (proxies, log shippers) here as native sidecars
   * (`restartPolicy: Always`, Kubernetes ≥ 1.29): they then stop after the gRPC container
   * instead of at SIGTERM, while the server still drains.
   * @default - none
   */
  readonly initContainers?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Container>[]>;
  /**
   * Image pull secrets.
   * @default - none
   */
  readonly imagePullSecrets?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.LocalObjectReference>[]>;
  /**
   * Node selector.
   * @default - none
   */
  readonly nodeSelector?: pulumi.Input<StringMap>;
  /**
   * Tolerations.
   * @default - none
   */
  readonly tolerations?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Toleration>[]>;
  /**
   * Affinity rules.
   * @default - none
   */
  readonly affinity?: pulumi.Input<k8s.types.input.core.v1.Affinity>;
  /**
   * Topology spread constraints (spread replicas across zones so one AZ's NLB node is never the only path).
   * @default - none
   */
  readonly topologySpreadConstraints?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.TopologySpreadConstraint>[]>;
  /**
   * Priority class of the pods.
   * @default - none
   */
  readonly priorityClassName?: pulumi.Input<string>;
}

const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Budget fields named the way a Pulumi user wrote them. */
function fieldLabel(field: BudgetField): string {
  return field === 'healthPort' ? 'healthPort' : `budget.${field}`;
}

/** Conflicting or malformed pass-through args, found before anything is registered. */
function checkArgs(args: GrpcDeploymentArgs, selectorLabels: Readonly<Record<string, string>>): Finding[] {
  const violations: Finding[] = [];
  const bad = (field: string, message: string) => violations.push(argViolation(field, message));
  const budgetPort = isArgsObject(args.budget) ? args.budget.healthPort : undefined;
  if (args.healthPort !== undefined && budgetPort !== undefined && budgetPort !== args.healthPort) {
    bad('healthPort', `healthPort (${describeValue(args.healthPort)}) and budget.healthPort (${describeValue(budgetPort)}) disagree; give only one of them.`);
  }
  const containerName = args.containerName;
  if (containerName !== undefined && (typeof containerName !== 'string' || containerName.length > 63 || !CONTAINER_NAME.test(containerName))) {
    bad('containerName', `containerName must be a DNS label (lower-case letters, digits, '-', at most 63 characters); got ${describeValue(containerName)}.`);
  }
  const selectorEntries = Object.entries(selectorLabels);
  if (selectorEntries.length === 0 || !selectorEntries.every(([, value]) => typeof value === 'string')) {
    bad('selectorLabels', `selectorLabels must hold at least one label with a string value; got ${JSON.stringify(selectorLabels)}.`);
  }
  for (const [key, value] of Object.entries(args.podLabels ?? {})) {
    if (key in selectorLabels && isPlain(value) && value !== selectorLabels[key]) {
      bad(`podLabels.${key}`, `podLabels.${key} (${describeValue(value)}) conflicts with the selector label ${key}=${selectorLabels[key]}; drop it or change selectorLabels.`);
    }
  }
  if (args.podAnnotations && BUDGET_ANNOTATION in args.podAnnotations) {
    bad(`podAnnotations.${BUDGET_ANNOTATION}`, `podAnnotations must not set ${BUDGET_ANNOTATION}: the plan writes it from the budget.`);
  }
  if (args.env !== undefined && !Array.isArray(args.env)) bad('env', `env must be a list of core/v1 EnvVar inputs; got ${describeValue(args.env)}.`);
  return violations;
}

/** The name of an `env` entry when it can be read now (the entry is not itself an Output). */
function plainEnvName(variable: unknown): string | undefined {
  return isArgsObject(variable) && typeof variable.name === 'string' ? variable.name : undefined;
}

/**
 * A Kubernetes `apps/v1` Deployment of a gRPC server behind an NLB, and its `policy/v1`
 * PodDisruptionBudget, whose termination settings come from one drain plan: preStop sleep,
 * `terminationGracePeriodSeconds`, readiness and liveness probes on the health port, rolling
 * update with `maxUnavailable: 0`, `minReadySeconds`, the contract variables and the budget
 * annotation — rendered by the same code as the cdk8s `GrpcDeployment`. Pair it with
 * {@link NlbGrpcService} (the LBC creates the NLB) or {@link NlbTargetGroup} (Pulumi owns it).
 *
 * An unsafe budget or conflicting args throw {@link DrainBudgetError} listing every violation,
 * before any resource (this component included) is registered.
 *
 * Children: the Deployment takes the component's name (as awsx's NetworkLoadBalancer names its
 * load balancer), the PDB `${name}-pdb`; Kubernetes names are auto-named from them unless
 * `metadata.name` is given.
 */
export class GrpcDeployment extends pulumi.ComponentResource {
  /** The plan every number of this Deployment (and of its Service or target group) comes from. */
  public readonly plan: DrainPlan;
  /** The Deployment. */
  public readonly deployment: k8s.apps.v1.Deployment;
  /** The PodDisruptionBudget (`maxUnavailable` from the plan) selecting the pods. */
  public readonly podDisruptionBudget: k8s.policy.v1.PodDisruptionBudget;
  /** Port the gRPC server listens on. */
  public readonly grpcPort: number;
  /** Port of the HTTP health server. */
  public readonly healthPort: number;
  /** Labels selecting the pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** Name of the gRPC container. */
  public readonly containerName: string;
  /** Namespace as given in `metadata.namespace` (`undefined`: the provider's). */
  public readonly namespaceInput: pulumi.Input<string | undefined> | undefined;
  /** Kubernetes name of the Deployment. */
  public readonly deploymentName: pulumi.Output<string>;
  /** Namespace of the Deployment. */
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: GrpcDeploymentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is checked before super(): a bad budget registers nothing, not even the component.
    const subject = `drain budget of GrpcDeployment '${name}'`;
    requireArgs('GrpcDeployment', subject, args, 'image, grpcPort');
    const selectorLabels = args.selectorLabels ?? { 'app.kubernetes.io/name': name };
    // A budget that is not an object (null included) goes to the core as it is, which says so.
    const budget: unknown = isArgsObject(args.budget) || args.budget === undefined ? { ...args.budget, ...(args.healthPort !== undefined && { healthPort: args.healthPort }) } : args.budget;
    const env: readonly unknown[] = Array.isArray(args.env) ? args.env : [];
    const userEnv = env.flatMap((variable, index) => {
      const variableName = plainEnvName(variable);
      return variableName === undefined ? [] : [{ field: `env[${index}]`, name: variableName }];
    });
    const workload = planWorkload(
      {
        budget: budget as DrainBudget,
        grpcPort: args.grpcPort,
        // An image that is an Output (a registry's URI) is read by the provider, not here.
        ...(isPlain(args.image) && { image: args.image }),
        replicas: args.replicas,
        env: args.contractEnv,
        userEnv,
        violations: checkArgs(args, selectorLabels),
      },
      { fieldLabel, subject },
    );
    const { plan } = workload;
    const containerName = args.containerName ?? DEFAULT_CONTAINER_NAME;
    // Entries that are Outputs are checked once known.
    const userVariables = env.map((variable, index) =>
      plainEnvName(variable) !== undefined
        ? variable
        : refuseWhenKnown(variable as pulumi.Input<k8s.types.input.core.v1.EnvVar>, subject, (resolved) =>
            checkUserEnv(typeof resolved?.name === 'string' ? [{ field: `env[${index}]`, name: resolved.name }] : [], args.contractEnv, plan),
          ),
    );

    super('grpc-drain:kubernetes:GrpcDeployment', name, {}, opts);

    const metadata = args.metadata ?? {};
    const rendered = renderDeployment(workload, {
      // Metadata is not the plan's: it is taken from args below, Inputs and all.
      name: '',
      matchLabels: selectorLabels,
      ...(args.replicas !== undefined && { replicas: args.replicas }),
      // Replaced below by the Input (an image URI is often an Output of a registry).
      image: '',
      containerName,
      // Passed through untouched; render only appends them after the contract's.
      env: userVariables as unknown as readonly Record<string, unknown>[],
      container: definedFields({
        command: args.command,
        args: args.args,
        envFrom: args.envFrom,
        resources: args.resources,
        securityContext: args.securityContext,
        volumeMounts: args.volumeMounts,
        imagePullPolicy: args.imagePullPolicy,
        startupProbe: args.startupProbe,
      }),
      podSpec: definedFields({
        serviceAccountName: args.serviceAccountName,
        securityContext: args.podSecurityContext,
        volumes: args.volumes,
        initContainers: args.initContainers,
        imagePullSecrets: args.imagePullSecrets,
        nodeSelector: args.nodeSelector,
        tolerations: args.tolerations,
        affinity: args.affinity,
        topologySpreadConstraints: args.topologySpreadConstraints,
        priorityClassName: args.priorityClassName,
      }),
    });
    const template = rendered.spec.template;
    const [container] = template.spec.containers;
    const spec = {
      ...rendered.spec,
      template: {
        metadata: {
          labels: { ...args.podLabels, ...template.metadata.labels },
          annotations: { ...args.podAnnotations, ...template.metadata.annotations },
        },
        spec: { ...template.spec, containers: [{ ...container, image: args.image }] },
      },
    };

    this.plan = plan;
    this.grpcPort = args.grpcPort;
    this.healthPort = plan.budget.healthPort;
    this.selectorLabels = selectorLabels;
    this.containerName = containerName;
    this.namespaceInput = metadata.namespace;
    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata,
        // The shape is src/render's (checked against the Kubernetes schema in the tests);
        // its plain types are narrower than the SDK's Input types.
        spec: spec as k8s.types.input.apps.v1.DeploymentSpec,
      },
      { parent: this },
    );

    const pdb = renderPodDisruptionBudget(plan, { name: '', matchLabels: selectorLabels });
    this.podDisruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: definedFields({ name: metadata.name, namespace: metadata.namespace, labels: metadata.labels }),
        spec: pdb.spec,
      },
      { parent: this },
    );
    this.deploymentName = this.deployment.metadata.name;
    this.namespace = this.deployment.metadata.namespace;

    this.registerOutputs({
      deploymentName: this.deploymentName,
      namespace: this.namespace,
      podDisruptionBudgetName: this.podDisruptionBudget.metadata.name,
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
      preStopSleepSeconds: plan.preStopSleepSeconds,
      deregistrationDelaySeconds: plan.deregistrationDelaySeconds,
    });
  }
}
