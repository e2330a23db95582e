import type { Finding } from '../model';
import type { InputNote, InputProblem, SourceLocation } from './manifests';
import type { DoctorSettings } from './settings';
import type { WorkloadKind } from './views/types';

export type { WorkloadKind } from './views/types';

/** A Kubernetes object by kind, namespace and name. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** What sends NLB traffic to a workload: an LBC-managed Service or a TargetGroupBinding. */
export interface FrontendRef extends ObjectRef {
  readonly kind: 'Service' | 'TargetGroupBinding';
  /** The Service port (number or name) the NLB listener forwards to. */
  readonly port?: number | string;
  /** The pod port the traffic lands on, after resolving the Service's `targetPort`. */
  readonly targetPort?: number | string;
  /** For a TargetGroupBinding: the Service its `serviceRef` names. */
  readonly service?: string;
}

/** Where a budget value of a workload comes from. */
export type ValueSource =
  /** The workload's `grpc-drain.dev/budget` pod-template annotation. */
  | 'annotation'
  /** A variable of the in-process contract in the serving container's env (`GRPC_DRAIN_TIMEOUT_SECONDS`, ...). */
  | 'env'
  /** A doctor option (a CLI flag, a plugin or policy setting). */
  | 'option'
  /** The doctor's default (propagation 20 s, drain 10 s, cleanup 5 s, headroom 10 s, registration 120 s). */
  | 'default'
  /** Not known: the rules that need it stay silent. */
  | 'unknown';

/** One budget input of a workload and where it comes from. */
export interface SourcedValue<T> {
  readonly value?: T;
  readonly source: ValueSource;
}

/** The budget inputs the manifests do not show, per workload. */
export interface WorkloadBudget {
  readonly propagationSeconds: SourcedValue<number>;
  readonly drainTimeoutSeconds: SourcedValue<number>;
  readonly cleanupSeconds: SourcedValue<number>;
  readonly headroomSeconds: SourcedValue<number>;
  /** Registration of a new pod in the NLB: what minReadySeconds must cover without the readiness gate. */
  readonly registrationSeconds: SourcedValue<number>;
  readonly kubernetesVersion: SourcedValue<string>;
  readonly maxTerminationGracePeriodSeconds: SourcedValue<number>;
  /**
   * The AWS Load Balancer Controller version, from the annotation or the option (unknown unless
   * given: the version checks then stay silent and the newest release's reading is assumed).
   */
  readonly lbcVersion: SourcedValue<string>;
}

/** A setting the doctor could not read, and why; rules that need it stay silent. */
export interface UnknownSetting {
  /** The `DrainSettings` field, dotted. */
  readonly field: string;
  readonly reason: string;
}

/** A YAML fragment that fixes a finding, and the object it applies to. */
export interface FixFragment {
  /** The object to patch (or, for a new object such as a PodDisruptionBudget, to create). */
  readonly target: ObjectRef;
  /** `patch` merges into the existing object (`kubectl patch --type strategic`); `create` is a whole new object. */
  readonly action: 'patch' | 'create';
  /** The fragment, nested YAML ready to paste. */
  readonly yaml: string;
}

/** A broken rule on one workload: the rule's finding plus where, why it matters and how to fix it. */
export interface DoctorFinding extends Finding {
  /** The symptom of the seed article's self-diagnosis table the rule prevents. */
  readonly symptom: string;
  readonly workload: ObjectRef;
  /** The gRPC container. */
  readonly container?: string;
  readonly frontend?: FrontendRef;
  /** The object that holds the setting at fault: the workload, or the Service/TargetGroupBinding for NLB settings. */
  readonly object: ObjectRef;
  /** Where the setting at fault is (the field's line when the source text is known). */
  readonly location: SourceLocation;
  /** YAML fragments computed by the drain plan for the workload's budget. */
  readonly fix: readonly FixFragment[];
  /** Why there is no fragment, or what else to do (e.g. something outside Kubernetes). */
  readonly fixNote?: string;
}

/** Everything the doctor worked out about one gRPC workload behind one NLB frontend. */
export interface WorkloadDiagnosis {
  readonly workload: ObjectRef & { readonly kind: WorkloadKind };
  readonly location: SourceLocation;
  /** `gRPC` only when the Service port's appProtocol or name, a container port name or a gRPC probe says so. */
  readonly protocol?: 'gRPC';
  /** What makes the load balancer: the LBC (an NLB), the in-tree cloud provider (NLB or Classic), or a TargetGroupBinding's target group. */
  readonly provisioner?: 'lbc' | 'in-tree-nlb' | 'in-tree-classic' | 'target-group-binding';
  /** The serving container's name. */
  readonly container?: string;
  /** How the serving container was picked. */
  readonly containerReason: string;
  /** The serving container is added at admission (the manifest holds a placeholder): why. */
  readonly injected?: string;
  /** `undefined` when the workload is diagnosed only because it carries the budget annotation. */
  readonly frontend?: FrontendRef;
  readonly budget: WorkloadBudget;
  /** Values taken for granted, in words (the LBC's default target type, no PDB seen, ...); budget values carry their own `source`. */
  readonly assumptions: readonly string[];
  readonly unknown: readonly UnknownSetting[];
  /** Problems with the input itself that the rules do not cover (unparsable annotations, ...). */
  readonly notes: readonly string[];
  /** The settings the rules checked. */
  readonly settings: DoctorSettings;
  readonly findings: readonly DoctorFinding[];
}

/** One input file and how many Kubernetes objects it held. */
export interface SourceSummary {
  readonly file: string;
  readonly objects: number;
  /** The file (or some of its documents) could not be used. */
  readonly unusable?: boolean;
}

/** The doctor's answer for a set of manifests. */
export interface DoctorReport {
  readonly sources: readonly SourceSummary[];
  /** Kubernetes objects read (List items counted one by one). */
  readonly objectCount: number;
  readonly workloads: readonly WorkloadDiagnosis[];
  /** Input-level notes: Services skipped and why, objects given twice. */
  readonly notes: readonly string[];
  /** Files and documents that could not be used (the others were diagnosed). */
  readonly problems: readonly InputProblem[];
  /** What the reader worked around, where (keys given twice, objects given twice). */
  readonly inputNotes: readonly InputNote[];
  readonly errorCount: number;
  readonly warningCount: number;
}
