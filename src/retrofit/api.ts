/**
 * The retrofit's public shape (issue 13, DESIGN.md §5): plain Kubernetes objects and a drain
 * budget in, the same objects with the plan applied out, plus what was done and what could
 * not be done. Framework-free: the CLI (Helm post-renderer, kustomize KRM function), cdk8s
 * `retrofit(scope, …)` and Pulumi `drainTransform` all go through these functions.
 *
 * Types only; the implementation is in ./retrofit.ts (set-wide) and ./object.ts (one object),
 * on ./apply.ts (what is written, on the doctor's fix-safety decisions).
 */
import type { ContractEnvOptions, DrainBudget } from '../model';
import type { DrainPlan } from '../plan';
import type { LoadBalancerScheme } from '../render';

/** A Kubernetes object as plain JSON (what YAML parses to, what `ApiObject.toJson()` gives). */
export type KubeObject = Record<string, unknown>;

/**
 * Which workloads the retrofit changes. Every criterion given must hold; an absent one
 * matches everything. The Services (or TargetGroupBindings) in front of a matched workload
 * are changed with it.
 * @default - every Deployment and StatefulSet behind an NLB (per the LBC's own rules)
 */
export interface RetrofitMatch {
  /** `Deployment`, `StatefulSet` (workloads only: a Service follows its workload; one object at a time, Services are matched by the other criteria). */
  readonly kinds?: readonly string[];
  /** `metadata.namespace` (an object without one is in `default`). */
  readonly namespaces?: readonly string[];
  /** `metadata.name` (one object at a time, also the front end's resource name). */
  readonly names?: readonly string[];
  /** Labels (`metadata.labels`) the workload must all carry. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Inputs of {@link retrofitManifests}; only own properties are read, all optional. */
export interface RetrofitOptions {
  /** The drain budget (the core's plain data, seconds). @default {} */
  readonly budget?: DrainBudget;
  readonly match?: RetrofitMatch;
  /**
   * Names of the containers that run the gRPC server: a workload whose serving container (the
   * one declaring the Service's targetPort) is not among them is left alone; without a
   * Service, the first pod container named here is taken.
   * @default - the doctor's serving container
   */
  readonly containers?: readonly string[];
  /** Renames or drops the contract variables (as for GrpcDeployment). */
  readonly contractEnv?: ContractEnvOptions;
  /**
   * Scheme written on an NLB Service that sets none (a scheme the chart set is kept; a Service
   * that sets none is already internal, the LBC's default, and a new scheme makes the LBC
   * replace its NLB).
   * @default - none written
   */
  readonly scheme?: LoadBalancerScheme;
  /**
   * Whether the serving containers run `grpc-drain/runtime` (or follow its contract: an HTTP
   * health server on the budget's `healthPort` answering `readinessPath`, 503 from SIGTERM on,
   * and `livenessPath`). When true, the probes and the NLB health check are written on it.
   * When false, only endpoints the workload already serves are used: a workload without an
   * HTTP readiness endpoint keeps its probes and health check, and a note says so.
   * @default false
   */
  readonly runtimeContract?: boolean;
  /** The LBC's `--load-balancer-class`. @default "service.k8s.aws/nlb" */
  readonly lbcClass?: string;
  /** Whether the LBC runs its Service mutating webhook. @default true */
  readonly lbcWebhook?: boolean;
}

/** One object as the retrofit names it in its report. */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Something the retrofit did (`info`) or could not do safely (`warning`), per object. */
export interface RetrofitNote {
  readonly severity: 'info' | 'warning';
  readonly object: ObjectRef;
  /** The field, as a path from the object (`spec.template.spec.terminationGracePeriodSeconds`), when there is one. */
  readonly field?: string;
  readonly message: string;
}

/** What {@link retrofitManifests} returns. */
export interface RetrofitResult {
  /**
   * The input objects in their order, each either the input object itself (`===`, untouched)
   * or a changed copy; objects the retrofit adds (a PodDisruptionBudget when none selects the
   * pods) come right after the workload they are for. The inputs are never mutated.
   */
  readonly objects: readonly unknown[];
  /** Indexes into `objects` of the changed and added objects. */
  readonly changed: readonly number[];
  readonly added: readonly number[];
  readonly notes: readonly RetrofitNote[];
  /** The plan every number written comes from. */
  readonly plan: DrainPlan;
}

/** The one-object form for front ends that see one object at a time (a Pulumi transform). */
export interface ObjectRetrofitter {
  readonly plan: DrainPlan;
  /**
   * The object with the plan applied, or `undefined` when it is left alone. `resourceName` is
   * the front end's own name for it (a Pulumi resource name), also matched by `match.names`.
   */
  apply(object: KubeObject, resourceName?: string): { object: KubeObject; notes: readonly RetrofitNote[] } | undefined;
}
