import { BUDGET_DEFAULTS, durationSeconds, LBC_LOAD_BALANCER_CLASS } from '../model';
import { DrainBudgetError, resolveBudget, type FieldLabel } from '../plan';

/**
 * What the doctor assumes where the manifests are silent. A workload's own
 * `grpc-drain.dev/budget` annotation wins over these.
 */
export interface DoctorOptions {
  /**
   * Seconds for the NLB to stop opening new connections to a terminating pod.
   * @default 20
   */
  readonly propagationSeconds?: number;
  /**
   * Bound on the server's graceful stop after SIGTERM, seconds.
   * @default 10
   */
  readonly drainTimeoutSeconds?: number;
  /**
   * Work after the drain before the process exits, seconds.
   * @default 5
   */
  readonly cleanupSeconds?: number;
  /**
   * Margin wanted before SIGKILL, seconds.
   * @default 10
   */
  readonly headroomSeconds?: number;
  /**
   * Seconds for a new pod to be registered and healthy in the NLB (minReadySeconds without the
   * readiness gate).
   * @default 120
   */
  readonly registrationSeconds?: number;
  /**
   * The AWS Load Balancer Controller's version (`"2.7"`, `"v2.14.1"`): what it honours is
   * checked (`lbc-supports`), and annotations are read the way that release reads them
   * (named health-check port ≥ 2.6.2, per-port attributes ≥ 2.14.0, trimmed attributes ≥ 2.14.1).
   * @default - unknown: `lbc-supports` stays silent and the newest release's reading is assumed
   */
  readonly lbcVersion?: string;
  /**
   * The cluster's Kubernetes version (`"1.30"`): whether the native preStop sleep exists.
   * @default - unknown: the version-dependent checks stay silent
   */
  readonly kubernetesVersion?: string;
  /**
   * A cap the cluster puts on `terminationGracePeriodSeconds`.
   * @default - none known
   */
  readonly maxTerminationGracePeriodSeconds?: number;
  /**
   * Whether the namespaces carry `elbv2.k8s.aws/pod-readiness-gate-inject: enabled`, for
   * namespaces whose Namespace object is not in the input.
   * @default - unknown
   */
  readonly readinessGate?: boolean;
  /**
   * Namespace of objects without `metadata.namespace` (as `kubectl apply` without `-n`).
   * @default "default"
   */
  readonly defaultNamespace?: string;
  /**
   * The AWS Load Balancer Controller's `--load-balancer-class` (EKS Auto Mode: `eks.amazonaws.com/nlb`).
   * @default "service.k8s.aws/nlb"
   */
  readonly lbcClass?: string;
  /**
   * The LBC's Service mutating webhook is on (its Helm chart's default), so a LoadBalancer
   * Service without a class is an LBC NLB; `false`: the in-tree cloud provider makes a
   * Classic Load Balancer for it (or an NLB with `aws-load-balancer-type: nlb`).
   * @default true
   */
  readonly lbcWebhook?: boolean;
}

/** Options with each budget value and whether the caller gave it. */
export interface ResolvedDoctorOptions {
  readonly propagationSeconds: { readonly value: number; readonly given: boolean };
  readonly drainTimeoutSeconds: { readonly value: number; readonly given: boolean };
  readonly cleanupSeconds: { readonly value: number; readonly given: boolean };
  readonly headroomSeconds: { readonly value: number; readonly given: boolean };
  readonly registrationSeconds: { readonly value: number; readonly given: boolean };
  readonly lbcVersion?: string;
  readonly kubernetesVersion?: string;
  readonly maxTerminationGracePeriodSeconds?: number;
  readonly readinessGate?: boolean;
  readonly defaultNamespace: string;
  readonly lbcClass: string;
  readonly lbcWebhook: boolean;
}

/**
 * Checks the options with the budget's own validation (rule `budget-valid`) and applies the
 * defaults. Throws {@link DrainBudgetError} listing every bad option; `fieldLabel` names the
 * options in its messages the way the caller spells them (`--drain`).
 */
export function resolveDoctorOptions(options: DoctorOptions = {}, fieldLabel?: FieldLabel): ResolvedDoctorOptions {
  const budget = {
    ...(options.propagationSeconds !== undefined && { propagationSeconds: options.propagationSeconds }),
    ...(options.drainTimeoutSeconds !== undefined && { drainTimeoutSeconds: options.drainTimeoutSeconds }),
    ...(options.cleanupSeconds !== undefined && { cleanupSeconds: options.cleanupSeconds }),
    ...(options.headroomSeconds !== undefined && { headroomSeconds: options.headroomSeconds }),
    ...(options.registrationSeconds !== undefined && { registrationSeconds: options.registrationSeconds }),
    ...(options.lbcVersion !== undefined && { lbcVersion: options.lbcVersion }),
    ...(options.kubernetesVersion !== undefined && { kubernetesVersion: options.kubernetesVersion }),
    ...(options.maxTerminationGracePeriodSeconds !== undefined && { maxTerminationGracePeriodSeconds: options.maxTerminationGracePeriodSeconds }),
    ...(options.readinessGate !== undefined && { readinessGate: options.readinessGate }),
  };
  const { budget: checked, violations } = resolveBudget(budget, fieldLabel);
  const defaultNamespace = options.defaultNamespace ?? 'default';
  if (typeof defaultNamespace !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(defaultNamespace)) {
    violations.push({ rule: 'budget-valid', severity: 'error', field: 'defaultNamespace', message: `defaultNamespace must be a namespace name (RFC 1123 label); got ${JSON.stringify(defaultNamespace)}.` });
  }
  if (options.lbcClass !== undefined && (typeof options.lbcClass !== 'string' || options.lbcClass.trim() === '')) {
    violations.push({ rule: 'budget-valid', severity: 'error', field: 'lbcClass', message: `lbcClass must be a load-balancer class such as "service.k8s.aws/nlb"; got ${JSON.stringify(options.lbcClass)}.` });
  }
  if (violations.length > 0) throw new DrainBudgetError(violations, [], 'doctor options');
  const value = (given: number | undefined, resolved: number | undefined, fallback: number) => ({ value: resolved ?? fallback, given: given !== undefined });
  return {
    propagationSeconds: value(options.propagationSeconds, checked.propagationSeconds, BUDGET_DEFAULTS.propagationSeconds),
    drainTimeoutSeconds: value(options.drainTimeoutSeconds, checked.drainTimeoutSeconds, BUDGET_DEFAULTS.drainTimeoutSeconds),
    cleanupSeconds: value(options.cleanupSeconds, checked.cleanupSeconds, BUDGET_DEFAULTS.cleanupSeconds),
    headroomSeconds: value(options.headroomSeconds, checked.headroomSeconds, BUDGET_DEFAULTS.headroomSeconds),
    registrationSeconds: value(options.registrationSeconds, checked.registrationSeconds, BUDGET_DEFAULTS.registrationSeconds),
    ...(options.lbcVersion !== undefined && checked.lbcVersion !== undefined && { lbcVersion: checked.lbcVersion }),
    ...(options.kubernetesVersion !== undefined && checked.kubernetesVersion !== undefined && { kubernetesVersion: checked.kubernetesVersion }),
    ...(checked.maxTerminationGracePeriodSeconds !== undefined && { maxTerminationGracePeriodSeconds: checked.maxTerminationGracePeriodSeconds }),
    ...(options.readinessGate !== undefined && { readinessGate: options.readinessGate }),
    defaultNamespace,
    lbcClass: options.lbcClass ?? LBC_LOAD_BALANCER_CLASS,
    lbcWebhook: options.lbcWebhook ?? true,
  };
}

/**
 * Doctor options written as text, the way a cdk8s.yaml `properties:` block or a Pulumi
 * policy config gives them: durations as `20s`, `1m30s`, `500ms` or a number of seconds.
 */
export interface DoctorTextOptions {
  /** @default 20s */
  readonly propagation?: string | number;
  /** @default 10s */
  readonly drain?: string | number;
  /** @default 5s */
  readonly cleanup?: string | number;
  /** @default 10s */
  readonly headroom?: string | number;
  /** Registration of a new pod in the NLB (minReadySeconds without the readiness gate). @default 120s */
  readonly registration?: string | number;
  /** @default - unknown */
  readonly kubernetesVersion?: string;
  /** The cluster's cap on terminationGracePeriodSeconds. @default - no cap */
  readonly maxGrace?: string | number;
  /** Namespaces whose Namespace object is not in the input carry the LBC readiness-gate label. @default - unknown */
  readonly readinessGate?: boolean;
  /** The LBC's load-balancer class. @default service.k8s.aws/nlb */
  readonly lbcClass?: string;
  /** The LBC's Service mutating webhook is on. @default true */
  readonly lbcWebhook?: boolean;
  /** The LBC version. @default - unknown */
  readonly lbcVersion?: string;
}

const TEXT_LABEL: Readonly<Record<string, string>> = {
  propagationSeconds: 'propagation',
  drainTimeoutSeconds: 'drain',
  cleanupSeconds: 'cleanup',
  headroomSeconds: 'headroom',
  registrationSeconds: 'registration',
  maxTerminationGracePeriodSeconds: 'maxGrace',
};

/**
 * Text options → {@link DoctorOptions}, checked like a budget. A value that is not a
 * duration is reported, never guessed; `problems` holds one message per bad value.
 */
export function doctorOptionsFromText(text: DoctorTextOptions): { options: DoctorOptions; problems: string[] } {
  const problems: string[] = [];
  const duration = (name: keyof DoctorTextOptions, value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    const seconds = durationSeconds(value);
    if (seconds === undefined) problems.push(`${name} must be a duration such as 20s, 1m30s or a number of seconds; got ${JSON.stringify(value)}.`);
    return seconds;
  };
  const propagation = duration('propagation', text.propagation);
  const drain = duration('drain', text.drain);
  const cleanup = duration('cleanup', text.cleanup);
  const headroom = duration('headroom', text.headroom);
  const registration = duration('registration', text.registration);
  const maxGrace = duration('maxGrace', text.maxGrace);
  const options: DoctorOptions = {
    ...(propagation !== undefined && { propagationSeconds: propagation }),
    ...(drain !== undefined && { drainTimeoutSeconds: drain }),
    ...(cleanup !== undefined && { cleanupSeconds: cleanup }),
    ...(headroom !== undefined && { headroomSeconds: headroom }),
    ...(registration !== undefined && { registrationSeconds: registration }),
    ...(maxGrace !== undefined && { maxTerminationGracePeriodSeconds: maxGrace }),
    ...(text.kubernetesVersion !== undefined && { kubernetesVersion: text.kubernetesVersion }),
    ...(text.readinessGate !== undefined && { readinessGate: text.readinessGate }),
    ...(text.lbcClass !== undefined && { lbcClass: text.lbcClass }),
    ...(text.lbcWebhook !== undefined && { lbcWebhook: text.lbcWebhook }),
    ...(text.lbcVersion !== undefined && { lbcVersion: text.lbcVersion }),
  };
  try {
    resolveDoctorOptions(options, (field) => TEXT_LABEL[field] ?? field);
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    problems.push(...error.violations.map((v) => v.message));
  }
  return { options, problems };
}
