import * as pulumi from '@pulumi/pulumi';
import type { ContractEnvOptions, DrainBudget, Finding } from '../model';
import { DrainBudgetError, describeValue, type DrainPlan } from '../plan';
import type { LoadBalancerScheme } from '../render';
import { objectRetrofitter, type KubeObject, type ObjectRetrofitter, type RetrofitMatch, type RetrofitNote, type RetrofitOptions } from '../retrofit';
import { argViolation, isArgsObject } from './component-args';
import { mapInput } from './inputs';

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
  /**
   * Whether the drained containers run `grpc-drain/runtime` or follow its contract: an HTTP
   * health server on the budget's `healthPort` answering `readinessPath` (503 from SIGTERM on)
   * and `livenessPath`. True (the transform's contract since it was written): the probes and
   * the NLB health check are written on it. False: only endpoints a workload already serves
   * are used; a workload without an HTTP readiness endpoint keeps its probes, and a Service
   * its health check (a lone Service cannot tell which endpoint its pods serve), with a warning.
   * @default true
   */
  readonly runtimeContract?: boolean;
  /**
   * The LBC's `--load-balancer-class`: a Service of another class is left alone.
   * @default "service.k8s.aws/nlb"
   */
  readonly lbcClass?: string;
  /**
   * Whether the LBC runs its Service mutating webhook (then it takes every LoadBalancer
   * Service without a class); without it only Services of `lbcClass` or annotated
   * `aws-load-balancer-type: external` / `nlb-ip` are the LBC's.
   * @default true
   */
  readonly lbcWebhook?: boolean;
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

/** Pulumi type tokens of the workloads the transform drains, and their kinds. */
export const DRAIN_WORKLOAD_TYPES: Readonly<Record<string, 'Deployment' | 'StatefulSet'>> = {
  'kubernetes:apps/v1:Deployment': 'Deployment',
  'kubernetes:apps/v1:StatefulSet': 'StatefulSet',
};

/** Pulumi type token of a Kubernetes Service. */
export const SERVICE_TYPE = 'kubernetes:core/v1:Service';

const MATCH_LISTS = ['workloads', 'services', 'containers'] as const;
const MATCH_FIELDS: readonly string[] = [...MATCH_LISTS, 'labels'];
const OPTION_FIELDS: readonly string[] = ['contractEnv', 'scheme', 'runtimeContract', 'lbcClass', 'lbcWebhook'];

/** The shape of `match`, which is drainTransform's own (the layer's match has other fields). */
function checkMatch(match: unknown): Finding[] {
  const violations: Finding[] = [];
  const bad = (field: string, message: string) => violations.push(argViolation(field, message));
  if (!isArgsObject(match)) {
    bad('match', `match must be an object (${MATCH_FIELDS.join(', ')}); got ${describeValue(match)}.`);
    return violations;
  }
  for (const key of Object.keys(match)) {
    if (!MATCH_FIELDS.includes(key)) bad(`match.${key}`, `match.${key} is not a match field; use one of ${MATCH_FIELDS.join(', ')}.`);
  }
  for (const key of MATCH_LISTS) {
    const list = match[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
      bad(`match.${key}`, `match.${key} must be a non-empty list of names (leave it out to match every one); got ${Array.isArray(list) ? JSON.stringify(list) : describeValue(list)}.`);
    }
  }
  const labels = match.labels;
  if (labels !== undefined && (!isArgsObject(labels) || !Object.values(labels).every((v) => typeof v === 'string'))) {
    bad('match.labels', `match.labels must map label keys to string values; got ${describeValue(labels)}.`);
  }
  return violations;
}

/** The layer's match for one kind of resource: its names (Kubernetes or Pulumi) and the labels. */
function layerMatch(names: readonly string[] | undefined, labels: Readonly<Record<string, string>> | undefined): RetrofitMatch | undefined {
  if (names === undefined && labels === undefined) return undefined;
  return { ...(names !== undefined && { names }), ...(labels !== undefined && { labels }) };
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

/** `apps/v1` and `Deployment` from `kubernetes:apps/v1:Deployment` (`core` is the legacy group, `v1`). */
function typeOf(token: string): { apiVersion: string; kind: string } {
  const [, groupVersion, kind] = token.split(':');
  return { apiVersion: groupVersion.startsWith('core/') ? groupVersion.slice('core/'.length) : groupVersion, kind };
}

function logNotes(resourceName: string, notes: readonly RetrofitNote[]): void {
  for (const note of notes) {
    const message = `drainTransform: ${note.object.kind} '${resourceName}'${note.field !== undefined ? ` ${note.field}` : ''}: ${note.message}`;
    // Warnings are what a user must act on; the rest (what was done) is for `--debug`.
    void (note.severity === 'warning' ? pulumi.log.warn(message) : pulumi.log.debug(message));
  }
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
 * It is the retrofit of `grpc-drain retrofit` (the Helm post-renderer), one resource at a
 * time: workloads get the preStop sleep, grace period (never shorter than the chart's),
 * probes on the health port, contract variables and budget annotation (Deployments also the
 * rollout strategy and `minReadySeconds`); LoadBalancer Services the AWS Load Balancer
 * Controller provisions get the LBC annotations. Everything else is returned untouched
 * (`undefined`); what could not be done safely is a Pulumi warning. The budget (with `match`
 * and `options`) is checked here, when the transform is created: an unsafe budget throws
 * {@link DrainBudgetError} listing every violation before any resource is declared.
 *
 * The server in the drained containers must follow the contract (`options.runtimeContract`,
 * default true): an HTTP health server on `healthPort` answering `readinessPath` (503 from
 * SIGTERM on) and `livenessPath`, and a drain bounded by `GRPC_DRAIN_TIMEOUT_SECONDS` (see
 * `grpc-drain/runtime`). The transform cannot add a PodDisruptionBudget (a transform only
 * changes resources): give the chart one.
 *
 * @see https://www.pulumi.com/docs/iac/concepts/options/transforms/
 */
export function drainTransform(budget: DrainBudget = {}, match: DrainTransformMatch = {}, options: DrainTransformOptions = {}): DrainTransform {
  const subject = 'drain budget of drainTransform';
  const violations: Finding[] = checkMatch(match);
  const optionsOk = isArgsObject(options);
  if (!optionsOk) violations.push(argViolation('options', `options must be an object such as { contractEnv, scheme } (leave it out for the defaults); got ${describeValue(options)}.`));
  for (const key of optionsOk ? Object.keys(options) : []) {
    if (!OPTION_FIELDS.includes(key)) violations.push(argViolation(`options.${key}`, `options.${key} is not an option of drainTransform; use one of ${OPTION_FIELDS.join(', ')}.`));
  }
  const given: Partial<DrainTransformOptions> = optionsOk ? options : {};
  const { workloads, services, labels, containers } = violations.length === 0 ? match : ({} as DrainTransformMatch);
  const common: RetrofitOptions = {
    budget,
    ...(containers !== undefined && { containers }),
    ...(given.contractEnv !== undefined && { contractEnv: given.contractEnv }),
    ...(given.scheme !== undefined && { scheme: given.scheme }),
    runtimeContract: given.runtimeContract ?? true,
    ...(given.lbcClass !== undefined && { lbcClass: given.lbcClass }),
    ...(given.lbcWebhook !== undefined && { lbcWebhook: given.lbcWebhook }),
  };
  // Workloads and Services are matched apart (match.workloads, match.services), as before the
  // layer existed: two retrofitters of one budget, so one plan.
  let forWorkloads: ObjectRetrofitter;
  let forServices: ObjectRetrofitter;
  try {
    forWorkloads = objectRetrofitter({ ...common, match: layerMatch(workloads, labels) });
    forServices = objectRetrofitter({ ...common, match: layerMatch(services, labels) });
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    throw new DrainBudgetError([...error.violations, ...violations], error.warnings, subject);
  }
  if (violations.length > 0) throw new DrainBudgetError(violations, forWorkloads.plan.findings, subject);

  const transform = (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined => {
    const workloadKind = DRAIN_WORKLOAD_TYPES[args.type];
    const retrofitter = workloadKind !== undefined ? forWorkloads : args.type === SERVICE_TYPE ? forServices : undefined;
    if (retrofitter === undefined) return undefined;
    const { apiVersion, kind } = typeOf(args.type);
    return transformObject(args, ({ metadata, spec }) => {
      const object: KubeObject = { apiVersion, kind, metadata, spec };
      const result = retrofitter.apply(object, args.name);
      if (result === undefined) return undefined;
      if (result.object === object && workloads !== undefined && workloadKind !== undefined) {
        // Named on purpose, and nothing could be drained: a silent no-op would hide it.
        const why = result.notes.filter((note) => note.severity === 'warning').map((note) => note.message).join(' ');
        throw new Error(`drainTransform: ${kind} '${args.name}' is named in match.workloads but was not drained: ${why} Fix match.containers or match.workloads.`);
      }
      logNotes(args.name, result.notes);
      return result.object === object ? undefined : { metadata: result.object.metadata, spec: result.object.spec };
    });
  };
  return Object.assign(transform, { plan: forWorkloads.plan });
}
