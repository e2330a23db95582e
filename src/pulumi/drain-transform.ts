import * as pulumi from '@pulumi/pulumi';
import type { ContractEnvOptions, DrainBudget, Finding } from '../model';
import { DrainBudgetError, describeValue, planDrain, type DrainPlan } from '../plan';
import { checkContractEnv, checkServiceOptions, DEFAULT_SCHEME, renderContractEnv, type LoadBalancerScheme } from '../render';
import { argViolation, isArgsObject } from './component-args';
import { mapInput } from './inputs';
import { isLoadBalancerService, labelsOf, retrofitService, retrofitWorkload, selectContainers, type WorkloadKind } from './retrofit';

type Json = Record<string, unknown>;

/**
 * Which resources {@link drainTransform} changes. Every criterion given must hold; an
 * absent criterion matches everything.
 */
export interface DrainTransformMatch {
  /**
   * Deployments and StatefulSets to drain, by Kubernetes name (`metadata.name`) or Pulumi
   * resource name (a Helm v4 chart names its children `<chart>:<namespace>/<name>`). A named
   * workload that has none of `containers` is an error. Narrow it (or `labels`) for a chart
   * with more than the gRPC server: a drained workload gets its probes on the health port.
   * @default - every Deployment and StatefulSet
   */
  readonly workloads?: readonly string[];
  /**
   * Services of type LoadBalancer to annotate, by Kubernetes or Pulumi resource name.
   * @default - every Service of type LoadBalancer
   */
  readonly services?: readonly string[];
  /**
   * Labels (`metadata.labels`) a workload or Service must all carry, e.g.
   * `{ 'app.kubernetes.io/name': 'engine' }`.
   * @default - no label condition
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Containers that run the gRPC server. Without `workloads`, a workload with none of them
   * is skipped (a chart's Redis is left alone).
   * @default - the container named by the pod's `kubectl.kubernetes.io/default-container`
   * annotation, else the first container
   */
  readonly containers?: readonly string[];
}

/** How {@link drainTransform} writes what is not a number of the plan. */
export interface DrainTransformOptions {
  /**
   * Renames (or drops, with `false`) the contract variables, e.g.
   * `{ drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' } }` for a Go
   * server that wants `10s`.
   * @default - GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH
   */
  readonly contractEnv?: ContractEnvOptions;
  /**
   * Scheme of a LoadBalancer Service that sets none (a scheme the chart set is kept).
   * @default "internal"
   */
  readonly scheme?: LoadBalancerScheme;
}

/**
 * A Pulumi resource transform (assignable to `pulumi.ResourceTransform`) that answers at once
 * and carries the plan it applies.
 */
export interface DrainTransform {
  (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined;
  /** The plan every number the transform writes comes from. */
  readonly plan: DrainPlan;
}

/** Pulumi type tokens of the workloads the transform drains. */
export const DRAIN_WORKLOAD_TYPES: Readonly<Record<string, WorkloadKind>> = {
  'kubernetes:apps/v1:Deployment': 'Deployment',
  'kubernetes:apps/v1:StatefulSet': 'StatefulSet',
};

/** Pulumi type token of a Kubernetes Service. */
export const SERVICE_TYPE = 'kubernetes:core/v1:Service';

const MATCH_LISTS = ['workloads', 'services', 'containers'] as const;
const MATCH_FIELDS: readonly string[] = [...MATCH_LISTS, 'labels'];

function checkMatch(match: unknown): Finding[] {
  const violations: Finding[] = [];
  const bad = (field: string, message: string) => violations.push({ rule: 'budget-valid', severity: 'error', field, message });
  if (typeof match !== 'object' || match === null || Array.isArray(match)) {
    bad('match', `match must be an object (${MATCH_FIELDS.join(', ')}); got ${describeValue(match)}.`);
    return violations;
  }
  const raw = match as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!MATCH_FIELDS.includes(key)) bad(`match.${key}`, `match.${key} is not a match field; use one of ${MATCH_FIELDS.join(', ')}.`);
  }
  for (const key of MATCH_LISTS) {
    const list = raw[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
      bad(`match.${key}`, `match.${key} must be a non-empty list of names (leave it out to match every one); got ${Array.isArray(list) ? JSON.stringify(list) : describeValue(list)}.`);
    }
  }
  const labels = raw.labels;
  if (labels !== undefined && (typeof labels !== 'object' || labels === null || Array.isArray(labels) || !Object.values(labels).every((v) => typeof v === 'string'))) {
    bad('match.labels', `match.labels must map label keys to string values; got ${describeValue(labels)}.`);
  }
  return violations;
}

function named(names: readonly string[] | undefined, object: Json, resourceName: string): boolean {
  if (!names) return true;
  const metadataName = (object.metadata as Json | undefined)?.name;
  return names.includes(resourceName) || (typeof metadataName === 'string' && names.includes(metadataName));
}

function labelled(labels: Readonly<Record<string, string>> | undefined, object: Json): boolean {
  if (!labels) return true;
  const actual = labelsOf(object);
  return Object.entries(labels).every(([key, value]) => actual[key] === value);
}

/**
 * Changes `{metadata, spec}` of a resource's props with `change` (which returns `undefined`
 * to leave it alone). Plain props give a plain result, or `undefined` when nothing changed;
 * props holding Outputs give Outputs.
 */
function transformObject(args: pulumi.ResourceTransformArgs, change: (object: Json) => Json | undefined): pulumi.ResourceTransformResult | undefined {
  const { props } = args;
  const result = mapInput({ metadata: props.metadata, spec: props.spec }, (plain) => {
    const object = plain as Json;
    return change(object) ?? object;
  });
  if (!pulumi.Output.isInstance(result)) {
    if (result.metadata === props.metadata && result.spec === props.spec) return undefined;
    return { props: { ...props, metadata: result.metadata, spec: result.spec }, opts: args.opts };
  }
  return { props: { ...props, metadata: result.apply((r) => r.metadata), spec: result.apply((r) => r.spec) }, opts: args.opts };
}

/**
 * A Pulumi resource transform (the `transforms` resource option) that applies one drain plan
 * to the Deployments, StatefulSets and LoadBalancer Services of a Helm chart or YAML that
 * someone else wrote:
 *
 * ```ts
 * new k8s.helm.v4.Chart('engine', { chart: './engine-chart' }, { transforms: [drainTransform({ propagationSeconds: 20 })] });
 * ```
 *
 * Workloads get the preStop sleep, grace period, probes on the health port, contract
 * variables and budget annotation (Deployments also the rollout strategy and
 * `minReadySeconds`); LoadBalancer Services get the LBC annotations. Everything else is
 * returned untouched (`undefined`). The budget (with `match` and `options`) is checked here,
 * when the transform is created: an unsafe budget throws {@link DrainBudgetError} listing
 * every violation before any resource is declared.
 *
 * The server in the drained containers must follow the contract: an HTTP health server on
 * `healthPort` answering `readinessPath` (503 from SIGTERM on) and `livenessPath`, and a
 * drain bounded by `GRPC_DRAIN_TIMEOUT_SECONDS` (see `grpc-drain/runtime`). The transform
 * cannot add a PodDisruptionBudget (a transform only changes resources): give the chart one.
 *
 * @see https://www.pulumi.com/docs/iac/concepts/options/transforms/
 */
export function drainTransform(budget: DrainBudget = {}, match: DrainTransformMatch = {}, options: DrainTransformOptions = {}): DrainTransform {
  const subject = 'drain budget of drainTransform';
  const optionsOk = isArgsObject(options);
  const violations: Finding[] = [
    ...checkMatch(match),
    ...(optionsOk
      ? [...checkServiceOptions({ scheme: options.scheme }), ...checkContractEnv(options.contractEnv)]
      : [argViolation('options', `options must be an object such as { contractEnv, scheme } (leave it out for the defaults); got ${describeValue(options)}.`)]),
  ];
  let plan: DrainPlan | undefined;
  let warnings: readonly Finding[] = [];
  try {
    plan = planDrain(budget, { fieldLabel: (field) => `budget.${field}`, subject });
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    violations.unshift(...error.violations);
    warnings = error.warnings;
  }
  if (violations.length > 0 || !plan) throw new DrainBudgetError(violations, warnings, subject);

  const drainPlan = plan;
  const contractEnv = renderContractEnv(drainPlan, options.contractEnv);
  const scheme = options.scheme ?? DEFAULT_SCHEME;

  const transform = (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined => {
    const kind = DRAIN_WORKLOAD_TYPES[args.type];
    if (kind !== undefined) {
      return transformObject(args, (workload) => {
        if (!named(match.workloads, workload, args.name) || !labelled(match.labels, workload)) return undefined;
        const containers = selectContainers(workload, match.containers);
        if (containers.length > 0) return retrofitWorkload(kind, workload, drainPlan, { contractEnv, containers });
        if (match.workloads) {
          const wanted = match.containers ? `no container named ${match.containers.join(' or ')}` : 'no container';
          throw new Error(`drainTransform: ${kind} '${args.name}' is named in match.workloads but has ${wanted}; fix match.containers or match.workloads.`);
        }
        return undefined;
      });
    }
    if (args.type === SERVICE_TYPE) {
      return transformObject(args, (service) =>
        isLoadBalancerService(service) && named(match.services, service, args.name) && labelled(match.labels, service)
          ? retrofitService(service, drainPlan, scheme)
          : undefined,
      );
    }
    return undefined;
  };
  return Object.assign(transform, { plan: drainPlan });
}
