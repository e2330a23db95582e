import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { ContractEnvOptions, Finding } from '../model';
import { DrainBudgetError, describeValue, isPlainObject, type DrainPlan } from '../plan';
import type { LoadBalancerScheme } from '../render';
import type { ManifestObject } from '../doctor/internal';
import { retrofitRead, type RetrofitMatch, type RetrofitNote, type RetrofitOptions } from '../retrofit';
import { cdk8sFieldLabel, toDrainBudget, type DrainBudgetProps } from './drain-budget-props';
import { diffJson, type JsonPatchOperation } from './json-diff';

/** Options of {@link retrofit}: the retrofit layer's options, with the budget in `Duration`s. */
export interface RetrofitProps {
  /**
   * The drain budget every number written comes from.
   * @default - propagation 20 s, drain 10 s, cleanup 5 s, headroom 10 s
   */
  readonly budget?: DrainBudgetProps;
  /**
   * Port of the server's HTTP health server (`/ready`, `/live`), when it runs the contract
   * (`runtimeContract`); the plan's probes and NLB health check use it.
   * @default 8080
   */
  readonly healthPort?: number;
  /**
   * Which workloads to retrofit (every criterion given must hold); the Services or
   * TargetGroupBindings in front of a matched workload are changed with it.
   * @default - every Deployment and StatefulSet behind an NLB, as the AWS Load Balancer Controller decides
   */
  readonly match?: RetrofitMatch;
  /**
   * Names of the containers that run the gRPC server.
   * @default - the container the doctor takes as serving the load balancer's port
   */
  readonly containers?: readonly string[];
  /**
   * Renames (or drops, with `false`) the contract variables, e.g.
   * `{ drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' } }`.
   * @default - GRPC_DRAIN_PRESTOP_SECONDS, GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH
   */
  readonly contractEnv?: ContractEnvOptions;
  /**
   * Scheme of an NLB Service that sets none (a scheme the chart set is kept).
   * @default "internal"
   */
  readonly scheme?: LoadBalancerScheme;
  /**
   * Whether the serving containers run `grpc-drain/runtime` (or follow its contract: an HTTP
   * health server on `healthPort` answering the readiness path, 503 from SIGTERM on). When
   * true the probes and the NLB health check are written on it; when false only endpoints
   * the workload already serves are used, and a workload without an HTTP readiness endpoint
   * keeps its probes and health check (a warning says so).
   * @default false
   */
  readonly runtimeContract?: boolean;
  /**
   * The LBC's `--load-balancer-class`.
   * @default "service.k8s.aws/nlb"
   */
  readonly lbcClass?: string;
  /**
   * Whether the LBC runs its Service mutating webhook (it then takes every LoadBalancer Service).
   * @default true
   */
  readonly lbcWebhook?: boolean;
}

/** What {@link retrofit} did. */
export interface RetrofitOutcome {
  /** The plan every number written comes from. */
  readonly plan: DrainPlan;
  /** What was done (`info`) and what could not be done safely (`warning`), per object. */
  readonly notes: readonly RetrofitNote[];
  /** The objects that were patched, in the scope's order. */
  readonly changed: readonly ApiObject[];
  /** The objects added to the scope (a PodDisruptionBudget for a workload none selects). */
  readonly added: readonly ApiObject[];
}

/** The props `retrofit` reads; anything else is a mistake worth naming. */
const PROP_KEYS: readonly string[] = ['budget', 'healthPort', 'match', 'containers', 'contractEnv', 'scheme', 'runtimeContract', 'lbcClass', 'lbcWebhook'];

/** Construct metadata type of each note, on the object it is about (`node.metadata`). */
export const RETROFIT_METADATA_TYPE = 'grpc-drain:retrofit';

function violation(field: string, message: string): Finding {
  return { rule: 'budget-valid', severity: 'error', field, message };
}

function isConstruct(value: unknown): value is IConstruct {
  return typeof value === 'object' && value !== null && typeof (value as IConstruct).node?.findAll === 'function';
}

function toPatch(operation: JsonPatchOperation): JsonPatch {
  switch (operation.op) {
    case 'add':
      return JsonPatch.add(operation.path, operation.value);
    case 'replace':
      return JsonPatch.replace(operation.path, operation.value);
    case 'remove':
      return JsonPatch.remove(operation.path);
  }
}

/** `<name>-<kind>[-<namespace>]`, as `Include` names its objects, made unique in `scope`. */
function childId(scope: IConstruct, object: Record<string, unknown>): string {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const base = [metadata.name, typeof object.kind === 'string' ? object.kind.toLowerCase() : undefined, metadata.namespace].filter((part) => typeof part === 'string' && part !== '').join('-');
  let id = base;
  for (let n = 2; scope.node.tryFindChild(id) !== undefined; n++) id = `${base}-${n}`;
  return id;
}

function describeNote(note: RetrofitNote): string {
  const { object } = note;
  const where = `${object.kind} ${object.namespace !== undefined ? `${object.namespace}/` : ''}${object.name}${note.field !== undefined ? ` ${note.field}` : ''}`;
  return `${where}: ${note.message}`;
}

/**
 * Applies one drain plan to the Kubernetes objects someone else wrote, under `scope`: a
 * cdk8s `Helm` chart or `Include`d YAML (or a whole `Chart`). The `ApiObject`s under the scope
 * are read in order (`toJson()`, so call it once they are all defined), handed to the
 * framework-free retrofit (the same one as `grpc-drain retrofit`, the Helm post-renderer), and
 * every change is written back as JSON patches of only the fields that changed; a
 * PodDisruptionBudget the retrofit adds becomes a new `ApiObject` in `scope`.
 *
 * ```ts
 * const engine = new Helm(this, 'engine', { chart: 'hatchet/hatchet-stack' });
 * retrofit(engine, { budget: { propagation: Duration.seconds(30) } });
 * ```
 *
 * It never shrinks what the chart set (grace is the larger of the chart's and the plan's),
 * never invents endpoints the server does not serve (see `runtimeContract`), and leaves every
 * other field and object as it was. An unsafe budget, or props of the wrong shape, throw
 * {@link DrainBudgetError} with every violation before any object is touched. What could not
 * be done safely is printed to stderr (so `cdk8s synth` shows it), added as construct metadata
 * of type {@link RETROFIT_METADATA_TYPE} on the object, and returned in `notes`.
 */
export function retrofit(scope: IConstruct, props: RetrofitProps = {}): RetrofitOutcome {
  const path = isConstruct(scope) ? scope.node.path : undefined;
  const subject = `drain budget of retrofit(${path === undefined ? '' : `'${path}'`})`;
  const violations: Finding[] = [];
  if (!isConstruct(scope)) violations.push(violation('scope', `retrofit needs a construct (a Helm or Include construct, or a Chart) as scope; got ${describeValue(scope)}.`));
  const raw: Record<string, unknown> = isPlainObject(props) ? props : {};
  if (!isPlainObject(props)) violations.push(violation('props', `retrofit props must be an object such as { budget: { propagation: Duration.seconds(30) } } (leave them out for the defaults); got ${describeValue(props)}.`));
  for (const key of Object.keys(raw)) if (!PROP_KEYS.includes(key)) violations.push(violation(key, `${key} is not a prop of retrofit; use ${PROP_KEYS.join(', ')}.`));
  const converted = toDrainBudget(raw.budget as DrainBudgetProps | undefined, raw.healthPort as number | undefined);
  violations.push(...converted.violations);
  const options: Record<string, unknown> = { budget: converted.budget };
  for (const key of PROP_KEYS) if (key !== 'budget' && key !== 'healthPort' && raw[key] !== undefined) options[key] = raw[key];

  const apiObjects = isConstruct(scope) ? scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)) : [];
  const objects = apiObjects.map((apiObject) => apiObject.toJson() as Record<string, unknown>);
  // The construct path is where a note's object comes from, as a file is for the CLI.
  const manifests: ManifestObject[] = objects.map((object, index) => ({ object, location: { file: apiObjects[index].node.path, document: 1 } }));

  let result;
  try {
    result = retrofitRead(objects, manifests, options as RetrofitOptions, { fieldLabel: cdk8sFieldLabel, subject });
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    throw new DrainBudgetError([...violations, ...error.violations], error.warnings, subject);
  }
  if (violations.length > 0) throw new DrainBudgetError(violations, result.plan.findings, subject);

  // Nothing was touched so far: from here on every step only writes what the layer decided.
  const changedIndexes = new Set(result.changed);
  const addedIndexes = new Set(result.added);
  const changed: ApiObject[] = [];
  const added: ApiObject[] = [];
  let input = 0;
  result.objects.forEach((output, index) => {
    if (addedIndexes.has(index)) {
      const object = output as Record<string, unknown>;
      const apiObject = new ApiObject(scope, childId(scope, object), object as ConstructorParameters<typeof ApiObject>[2]);
      added.push(apiObject);
      return;
    }
    const apiObject = apiObjects[input];
    const before = objects[input++];
    if (!changedIndexes.has(index)) return;
    const operations = diffJson(before, output);
    if (operations.length === 0) return;
    apiObject.addJsonPatch(...operations.map(toPatch));
    changed.push(apiObject);
  });

  const objectOf = (note: RetrofitNote): ApiObject | undefined =>
    [...apiObjects, ...added].find((candidate) => candidate.kind === note.object.kind && candidate.name === note.object.name && (note.object.namespace === undefined || (candidate.metadata.namespace ?? 'default') === note.object.namespace));
  for (const note of result.notes) {
    objectOf(note)?.node.addMetadata(RETROFIT_METADATA_TYPE, { severity: note.severity, ...(note.field !== undefined && { field: note.field }), message: note.message });
    // cdk8s has no warning channel of its own (as for GrpcDeployment): stderr keeps the synth's stdout clean.
    if (note.severity === 'warning') console.warn(`grpc-drain: retrofit '${path}': warning ${describeNote(note)}`);
  }
  for (const finding of result.plan.findings) console.warn(`grpc-drain: retrofit '${path}': warning [${finding.rule}] ${finding.field}: ${finding.message}`);
  return { plan: result.plan, notes: result.notes, changed, added };
}
