/**
 * The contract between the manifests and the process: the environment variables the
 * constructs inject and the runtime reads, and the pod-template annotation the doctor reads.
 */

/** The values the process needs from the plan. */
export type ContractKey = 'preStop' | 'drainTimeout' | 'cleanup' | 'healthPort' | 'readinessPath' | 'livenessPath';

/** Default environment variable names (DESIGN.md §3). */
export const CONTRACT_ENV: { readonly [K in ContractKey]: string } = {
  // The preStop sleep S: the runtime dates the pod's deletion as SIGTERM − S (DESIGN.md §7).
  preStop: 'GRPC_DRAIN_PRESTOP_SECONDS',
  drainTimeout: 'GRPC_DRAIN_TIMEOUT_SECONDS',
  cleanup: 'GRPC_DRAIN_CLEANUP_SECONDS',
  healthPort: 'GRPC_DRAIN_HEALTH_PORT',
  readinessPath: 'GRPC_DRAIN_READY_PATH',
  livenessPath: 'GRPC_DRAIN_LIVE_PATH',
};

/** Order of the variables in the rendered `env`. */
export const CONTRACT_KEYS: readonly ContractKey[] = ['preStop', 'drainTimeout', 'cleanup', 'healthPort', 'readinessPath', 'livenessPath'];

/**
 * How a duration is written into a variable: `seconds` (`"10"`), or `duration`, Go's
 * `time.ParseDuration` form (`"10s"`), for servers such as one reading
 * `SERVER_GRPC_SHUTDOWN_TIMEOUT=10s`.
 */
export type DurationFormat = 'seconds' | 'duration';

/** A renamed contract variable. */
export interface ContractVariable {
  /** The variable name. */
  readonly name: string;
  /**
   * How a duration is written (ignored for ports and paths).
   * @default 'seconds'
   */
  readonly format?: DurationFormat;
}

/**
 * Renames (or drops, with `false`) contract variables, e.g.
 * `{ drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' } }`.
 * A plain string renames and keeps the default format.
 */
export type ContractEnvOptions = { readonly [K in ContractKey]?: string | ContractVariable | false };

/** Pod-template annotation holding the budget as compact JSON. */
export const BUDGET_ANNOTATION = 'grpc-drain.dev/budget';

/**
 * What the budget annotation holds: the inputs the manifests do not show otherwise. The
 * registration and the LBC version are written only when they differ from their defaults (a
 * reader that finds none assumes the defaults), so plans of default budgets keep their bytes.
 */
export interface BudgetAnnotation {
  readonly propagationSeconds: number;
  readonly drainTimeoutSeconds: number;
  readonly cleanupSeconds: number;
  readonly headroomSeconds: number;
  readonly kubernetesVersion: string;
  readonly maxTerminationGracePeriodSeconds?: number;
  readonly registrationSeconds?: number;
  readonly lbcVersion?: string;
}

/** Kubernetes' rule for environment variable names (C_IDENTIFIER relaxed to `-` and `.`). */
export const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
