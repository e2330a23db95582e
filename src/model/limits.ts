/**
 * Limits and facts of AWS, Kubernetes and the AWS Load Balancer Controller that the settings
 * grpc-drain emits or reads depend on. Every entry carries where it is stated (`source`: a URL,
 * or a repository path `owner/repo:path@tag`) and the version it holds from (`since`);
 * `test/model/limits.test.ts` walks {@link LIMIT_REGISTRY} and fails on an entry without them.
 * The rules, the budget validation, the renderers, the doctor and the runtime read them from
 * here, so a correction lands in one place.
 */

/** Where a limit or fact is stated, and from which version it holds. */
export interface Sourced {
  /** A URL, or a repository path `owner/repo:path@tag`. */
  readonly source: string;
  /** The release, API version or KEP stage the value holds from. */
  readonly since: string;
}

/** An inclusive range of whole numbers. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** A range with its source. */
export interface Limit extends Range, Sourced {}

/** One number (or string) with its source. */
export interface Fact<T = number> extends Sourced {
  readonly value: T;
}

import { LBC_HEALTH_CHECK_DEFAULTS_FACT, LBC_LOCAL_HEALTH_CHECK_DEFAULTS_FACT } from './lbc';

const ELB_API = 'ELBv2 API 2015-12-01';
const CREATE_TARGET_GROUP = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html';
const TARGET_GROUP_ATTRIBUTE_API = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html';
const LBC = 'kubernetes-sigs/aws-load-balancer-controller';

/** NLB target-group health-check ranges (AWS validates them; the LBC passes them through). */
export const NLB_HEALTH_CHECK = {
  intervalSeconds: { min: 5, max: 300, source: CREATE_TARGET_GROUP, since: ELB_API },
  timeoutSeconds: { min: 2, max: 120, source: CREATE_TARGET_GROUP, since: ELB_API },
  healthyThreshold: { min: 2, max: 10, source: CREATE_TARGET_GROUP, since: ELB_API },
  unhealthyThreshold: { min: 2, max: 10, source: CREATE_TARGET_GROUP, since: ELB_API },
  /**
   * AWS rejects a timeout longer than the interval ("Health check interval must be greater
   * than the timeout"); equality passes.
   */
  timeoutNotAboveInterval: { value: true, source: `https://github.com/${LBC}/issues/2951`, since: 'LBC 2.4 / ELBv2 API 2015-12-01' },
  /** `HealthCheckPath`: 1–1024 characters. */
  pathLength: { min: 1, max: 1024, source: CREATE_TARGET_GROUP, since: ELB_API },
} as const satisfies Record<string, Limit | Fact<boolean>>;

/**
 * AWS's health-check timeout when none is sent: 6 s for an HTTP check, 10 s for TCP and
 * HTTPS. LBC 2.1.1–2.4.5 never sends one for NLBs, so these apply whatever the annotation says.
 */
export const AWS_DEFAULT_HEALTH_CHECK_TIMEOUT = {
  HTTP: { value: 6, source: `${CREATE_TARGET_GROUP} (HealthCheckTimeoutSeconds); https://github.com/${LBC}/issues/2951`, since: ELB_API },
  HTTPS: { value: 10, source: CREATE_TARGET_GROUP, since: ELB_API },
  TCP: { value: 10, source: CREATE_TARGET_GROUP, since: ELB_API },
} as const satisfies Record<'HTTP' | 'HTTPS' | 'TCP', Fact>;

/** `deregistration_delay.timeout_seconds`: 0–3600, default 300. */
export const DEREGISTRATION_DELAY: Limit & { readonly awsDefault: number } = {
  min: 0,
  max: 3600,
  awsDefault: 300,
  source: TARGET_GROUP_ATTRIBUTE_API,
  since: ELB_API,
};

/** `target_health_state.unhealthy.draining_interval_seconds`: 0–360000, default 0. */
export const UNHEALTHY_DRAINING_INTERVAL: Limit = { min: 0, max: 360000, source: TARGET_GROUP_ATTRIBUTE_API, since: 'ELBv2 API 2015-12-01 (attribute added 2024)' };

/**
 * The NLB's TCP idle timeout (350 s by default, `tcp.idle_timeout.seconds` 60–6000): how long
 * an idle connection nobody closes stays open. Active connections (gRPC keepalives count as
 * traffic) are not ended by it.
 */
export const NLB_TCP_IDLE_TIMEOUT: Fact & Range = {
  value: 350,
  min: 60,
  max: 6000,
  source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html',
  since: 'NLB configurable idle timeout (2024)',
};
export const NLB_TCP_IDLE_TIMEOUT_SECONDS = NLB_TCP_IDLE_TIMEOUT.value;

/**
 * The NLB's HTTP health-check success codes when none are set: 200–399, so a 503 fails the
 * check. The LBC sends this default itself (`--default-health-check-matcher-http-code`).
 */
export const NLB_DEFAULT_SUCCESS_CODES: Fact<string> = {
  value: '200-399',
  source: `${LBC}:docs/guide/service/annotations.md@v2.4.6 (healthcheck-success-codes)`,
  since: 'LBC 2.4.6',
};

/** HTTP codes an NLB health check may count as success: 200–599. */
export const NLB_SUCCESS_CODE_RANGE: Limit = {
  min: 200,
  max: 599,
  source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html',
  since: ELB_API,
};

/** Kubernetes' `terminationGracePeriodSeconds` when a pod spec leaves it unset. */
export const KUBERNETES_DEFAULT_GRACE: Fact = {
  value: 30,
  source: 'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
  since: 'Kubernetes 1.0',
};
export const KUBERNETES_DEFAULT_GRACE_SECONDS = KUBERNETES_DEFAULT_GRACE.value;

/**
 * A preStop hook that outlasts the grace period: the kubelet stops waiting, sends SIGTERM with
 * a one-off extension of this many seconds, then SIGKILL (`minimumGracePeriodInSeconds`).
 */
export const HOOK_OVERRUN_EXTENSION: Fact = {
  value: 2,
  source: 'kubernetes/kubernetes:pkg/kubelet/kuberuntime/kuberuntime_container.go (killContainer, minimumGracePeriodInSeconds)',
  since: 'Kubernetes 1.7',
};
export const HOOK_OVERRUN_EXTENSION_SECONDS = HOOK_OVERRUN_EXTENSION.value;

const KEP_3960 = 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/3960-pod-lifecycle-sleep-action';
const KEP_4818 = 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/4818-allow-zero-value-for-sleep-action-of-prestop-hook';

/**
 * The native `lifecycle.preStop.sleep` (KEP-3960, gate `PodLifecycleSleepAction`): alpha and
 * off in 1.29, where the API server drops the sleep handler and with it the whole preStop
 * (`dropPodLifecycleSleepAction`: the pod applies and runs without a hook); beta and on from
 * 1.30; GA 1.34. 1.28 and older reject it.
 */
export const NATIVE_SLEEP = {
  alphaMinor: { value: 29, source: `${KEP_3960}; kubernetes/kubernetes:pkg/api/pod/util.go@v1.29.0 (dropPodLifecycleSleepAction)`, since: 'Kubernetes 1.29 (alpha)' },
  minMinor: { value: 30, source: KEP_3960, since: 'Kubernetes 1.30 (beta, on by default)' },
  /** A zero-second sleep (KEP-4818): alpha 1.32, beta 1.33. */
  zeroMinMinor: { value: 33, source: KEP_4818, since: 'Kubernetes 1.33 (beta)' },
} as const satisfies Record<string, Fact>;
export const NATIVE_SLEEP_MIN_MINOR = NATIVE_SLEEP.minMinor.value;
export const ZERO_SLEEP_MIN_MINOR = NATIVE_SLEEP.zeroMinMinor.value;

/**
 * Kubernetes minor versions the budget accepts: from 1.21, the first with `policy/v1`
 * PodDisruptionBudgets (which the plan renders), to 1.99: releases come three a year
 * (1.35 in December 2025), so a longer minor is a typo (`1.300` for `1.30`).
 */
export const KUBERNETES_MINOR: Limit = {
  min: 21,
  max: 99,
  source: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/#poddisruptionbudget-v125',
  since: 'Kubernetes 1.21 (policy/v1 PodDisruptionBudget)',
};

/**
 * A Deployment's `progressDeadlineSeconds` when unset (600 s); the API server rejects a
 * Deployment whose `minReadySeconds` is not below it ("must be greater than minReadySeconds").
 */
export const DEPLOYMENT_PROGRESS_DEADLINE: Fact = {
  value: 600,
  source: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds; kubernetes/kubernetes:pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec)',
  since: 'apps/v1 (Kubernetes 1.9)',
};

/** TCP port numbers (a container port, a Service port, an NLB health-check port). */
export const PORT: Limit = { min: 1, max: 65535, source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports', since: 'Kubernetes 1.0' };

/**
 * The largest value of Kubernetes' int32 fields (`minReadySeconds`, probe timings,
 * `PodDisruptionBudget.maxUnavailable`): nothing the plan renders may exceed it.
 */
export const INT32_MAX: Fact = {
  value: 2147483647,
  source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#DeploymentSpec',
  since: 'apps/v1 (Kubernetes 1.9)',
};

/**
 * Caps on the grace period from outside the pod, for `maxTerminationGracePeriodSeconds`. A
 * Spot interruption notice gives the whole node 120 s: a pod drained when it arrives gets
 * less (the drain itself takes time).
 */
export const NODE_GRACE_CAPS = {
  clusterAutoscaler: {
    value: 600,
    name: "the default of Cluster Autoscaler's --max-graceful-termination-sec",
    source: 'https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-are-the-parameters-to-ca',
    since: 'Cluster Autoscaler 1.0',
  },
  spotInterruption: {
    value: 120,
    name: 'the length of an EC2 Spot interruption notice',
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html',
    since: 'EC2 Spot (2015)',
  },
} as const satisfies Record<string, Fact & { /** What the number is, as a message says it. */ readonly name: string }>;

/**
 * Karpenter's NodePool `spec.template.spec.terminationGracePeriod` caps every pod's grace
 * period on the node while it drains; it has no default. Pass its value as
 * `maxTerminationGracePeriodSeconds`.
 */
export const KARPENTER_NODEPOOL_GRACE: Fact<string> = {
  value: 'spec.template.spec.terminationGracePeriod (no default)',
  source: 'https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecterminationgraceperiod',
  since: 'Karpenter 1.0',
};

/** AWS Load Balancer Controller releases that introduced what grpc-drain emits or reads. */
export const LBC_FEATURES = {
  /** `aws-load-balancer-type: external` with `nlb-target-type` (before: `nlb-ip` only). */
  externalType: { value: '2.2.0', source: `${LBC}:pkg/service/model_build_target_group.go@v2.2.0 (LoadBalancerTypeExternal)`, since: 'LBC 2.2.0' },
  /** `healthcheck-timeout` honoured for NLBs: 2.1.1–2.4.5 drop it (PR #2899). */
  healthCheckTimeout: { value: '2.4.6', source: `${LBC}:pkg/service/model_build_target_group.go@v2.4.6 (buildTargetGroupHealthCheckTimeoutSeconds); https://github.com/${LBC}/pull/2899`, since: 'LBC 2.4.6' },
  /** `healthcheck-success-codes`. */
  successCodes: { value: '2.4.6', source: `${LBC}:pkg/annotations/constants.go@v2.4.6 (SvcLBSuffixHCSuccessCodes)`, since: 'LBC 2.4.6' },
  /** A named Service port as `healthcheck-port` (before: a number or `traffic-port`, else an error). */
  namedHealthCheckPort: { value: '2.6.2', source: `${LBC}:pkg/service/model_build_target_group.go@v2.6.2 (buildTargetGroupHealthCheckPort)`, since: 'LBC 2.6.2' },
  /** `target-group-attributes.<port>` overriding the Service-wide attributes for one port. */
  perPortTargetGroupAttributes: { value: '2.14.0', source: `${LBC}:pkg/service/model_build_target_group.go@v2.14.0 (buildPortSpecificTargetGroupAttributes)`, since: 'LBC 2.14.0' },
  /**
   * stringMap annotations (`target-group-attributes`, ...) split where a comma is followed by
   * a `key=`, `\,` escapes a comma, keys and values trimmed apart; before, a plain split on
   * `,` and `=` (REFERENCES.md says 2.15: the commit is in v2.14.1).
   */
  trimmedStringMaps: { value: '2.14.1', source: `${LBC}:pkg/annotations/parser.go@v2.14.1 (splitKeyValuePairs, commit f7296d3ef "support comma in string pars value")`, since: 'LBC 2.14.1' },
} as const satisfies Record<string, Fact<string>>;

/**
 * How long a new pod's IP takes to be registered and healthy in the NLB: reports of 90–180 s
 * plus the health checks, up to about 5 minutes (the default registration, 120 s, is within).
 */
export const REGISTRATION_REPORTS: Fact<string> = {
  value: '90–180 s plus health checks, up to ~5 min',
  source: `https://github.com/${LBC}/issues/1834`,
  since: 'LBC 2.x (2021)',
};

/**
 * How long new connections still reach a deregistered target, as reported: ~10 s of refused
 * connections after the target turned `draining`, to tens of seconds; after a target turns
 * unhealthy, new connections reportedly stop only 30–40 s later. No source gives a
 * distribution: measure it on your own NLB.
 */
export const PROPAGATION_REPORTS = {
  afterDeregistration: { value: '~10 s to tens of seconds', source: 'https://github.com/kubernetes-sigs/cluster-api-provider-aws/issues/6254', since: '2026 report' },
  afterUnhealthy: { value: '30–40 s', source: 'https://github.com/aws/containers-roadmap/issues/470', since: '2019–2024 reports' },
  /** Until the target leaves `draining`: about 2 minutes, whatever the delay. */
  drainingMinimum: { value: '~120 s', source: `https://github.com/${LBC}/issues/2366; https://github.com/${LBC}/issues/3270`, since: '2021–2023 reports' },
} as const satisfies Record<string, Fact<string>>;

/** The largest value any budget duration may hold: AWS's maximum deregistration delay, which must cover sleep + drain. */
export const BUDGET_DURATION: Limit = { min: 0, max: DEREGISTRATION_DELAY.max, source: DEREGISTRATION_DELAY.source, since: DEREGISTRATION_DELAY.since };

/**
 * Every limit and fact above (and the LBC defaults of lbc.ts), for the test that checks each
 * carries a source and a version (and for documentation). Add a new one here.
 */
export const LIMIT_REGISTRY: Readonly<Record<string, Sourced>> = {
  LBC_HEALTH_CHECK_DEFAULTS_FACT,
  LBC_LOCAL_HEALTH_CHECK_DEFAULTS_FACT,
  ...Object.fromEntries(Object.entries(NLB_HEALTH_CHECK).map(([k, v]) => [`NLB_HEALTH_CHECK.${k}`, v])),
  ...Object.fromEntries(Object.entries(AWS_DEFAULT_HEALTH_CHECK_TIMEOUT).map(([k, v]) => [`AWS_DEFAULT_HEALTH_CHECK_TIMEOUT.${k}`, v])),
  DEREGISTRATION_DELAY,
  UNHEALTHY_DRAINING_INTERVAL,
  NLB_TCP_IDLE_TIMEOUT,
  NLB_DEFAULT_SUCCESS_CODES,
  NLB_SUCCESS_CODE_RANGE,
  KUBERNETES_DEFAULT_GRACE,
  HOOK_OVERRUN_EXTENSION,
  DEPLOYMENT_PROGRESS_DEADLINE,
  ...Object.fromEntries(Object.entries(NATIVE_SLEEP).map(([k, v]) => [`NATIVE_SLEEP.${k}`, v])),
  KUBERNETES_MINOR,
  PORT,
  INT32_MAX,
  ...Object.fromEntries(Object.entries(NODE_GRACE_CAPS).map(([k, v]) => [`NODE_GRACE_CAPS.${k}`, v])),
  KARPENTER_NODEPOOL_GRACE,
  ...Object.fromEntries(Object.entries(LBC_FEATURES).map(([k, v]) => [`LBC_FEATURES.${k}`, v])),
  REGISTRATION_REPORTS,
  ...Object.fromEntries(Object.entries(PROPAGATION_REPORTS).map(([k, v]) => [`PROPAGATION_REPORTS.${k}`, v])),
  BUDGET_DURATION,
};
