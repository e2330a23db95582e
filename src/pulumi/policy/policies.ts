import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { BUDGET_ANNOTATION } from '../../model';
import { describeRef, diagnose, doctorOptionsFromText, type DoctorFinding, type DoctorTextOptions } from '../../doctor';
import { kubernetesObject, stackObjects } from './resources';

/**
 * Configuration of the grpc-drain policies (Pulumi policy config, or the defaults given to
 * {@link grpcDrainPolicies}): what to assume where a workload has no
 * `grpc-drain.dev/budget` annotation. Durations are seconds or text (`20s`, `1m30s`).
 */
export type GrpcDrainPolicyConfig = DoctorTextOptions;

/** Options of {@link grpcDrainPolicies}. */
export interface GrpcDrainPoliciesOptions {
  /** Defaults under the policy config of the stack. */
  readonly config?: GrpcDrainPolicyConfig;
  /**
   * Enforcement of error findings.
   * @default "mandatory"
   */
  readonly errorEnforcement?: EnforcementLevel;
  /**
   * Enforcement of warning findings.
   * @default "advisory"
   */
  readonly warningEnforcement?: EnforcementLevel;
}

/** Policy names, stable for `pulumi policy` config and CI filters. */
export const POLICY_NAMES = {
  errors: 'grpc-drain-errors',
  warnings: 'grpc-drain-warnings',
  budgetAnnotation: 'grpc-drain-budget-annotation',
} as const;

const DURATION = { type: ['string', 'number'] as ('string' | 'number')[] };

/** The config schema the policies accept. */
export const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    propagation: { ...DURATION, description: 'NLB deregistration propagation (20s), where no budget annotation gives it' },
    drain: { ...DURATION, description: 'graceful-stop bound after SIGTERM (10s), where no budget annotation gives it' },
    cleanup: { ...DURATION, description: 'work after the drain (5s), where no budget annotation gives it' },
    headroom: { ...DURATION, description: 'margin before SIGKILL (10s), where no budget annotation gives it' },
    kubernetesVersion: { type: 'string', description: 'cluster version, e.g. "1.30"' },
    maxGrace: { ...DURATION, description: "the cluster's cap on terminationGracePeriodSeconds" },
    readinessGate: { type: 'boolean', description: 'namespaces not in the stack carry elbv2.k8s.aws/pod-readiness-gate-inject=enabled' },
  },
};

/** One finding as a policy violation message: workload, rule, symptom, message, fix. */
export function violationMessage(finding: DoctorFinding): string {
  const fixes = finding.fix.map((fragment) => `Fix (${fragment.action} ${describeRef(fragment.target)}):\n${fragment.yaml.trimEnd()}`);
  return [
    `[${finding.rule}] ${describeRef(finding.workload)}${finding.container !== undefined ? ` (container ${finding.container})` : ''}: ${finding.message}`,
    `Symptom: ${finding.symptom}.`,
    ...fixes,
    ...(finding.fixNote !== undefined ? [finding.fixNote] : []),
  ].join('\n');
}

function configOf(args: { getConfig<T extends object>(): T }, defaults: GrpcDrainPolicyConfig): GrpcDrainPolicyConfig {
  let config: GrpcDrainPolicyConfig = {};
  try {
    config = args.getConfig<GrpcDrainPolicyConfig>() ?? {};
  } catch {
    config = {};
  }
  return { ...defaults, ...config };
}

function stackPolicy(name: string, severity: 'error' | 'warning', enforcementLevel: EnforcementLevel, defaults: GrpcDrainPolicyConfig): StackValidationPolicy {
  return {
    name,
    description:
      severity === 'error'
        ? 'gRPC workloads behind an AWS NLB drain without UNAVAILABLE bursts or SIGKILLs (grpc-drain doctor, error findings).'
        : 'gRPC workloads behind an AWS NLB follow the drain plan (grpc-drain doctor, warnings).',
    enforcementLevel,
    configSchema: CONFIG_SCHEMA,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const { options, problems } = doctorOptionsFromText(configOf(args, defaults));
      if (problems.length > 0) {
        if (severity === 'error') reportViolation(`[budget-valid] grpc-drain policy config: ${problems.join(' ')}`);
        return;
      }
      const { objects, uncertain } = stackObjects(args.resources);
      // The options were checked above (doctorOptionsFromText), so diagnose does not throw here.
      const report = diagnose(objects, options);
      for (const diagnosis of report.workloads) {
        // During preview, a value the doctor reads may be unknown; judging without it would
        // guess (an unknown health-check path read as the default "/"). The stack policies run
        // again on the update's outputs, when it is known.
        const unknown = uncertain.get(diagnosis.workload.namespace) ?? uncertain.get('*');
        if (unknown !== undefined) {
          if (severity === 'warning') {
            reportViolation(`[grpc-drain] ${describeRef(diagnosis.workload)} not checked: ${unknown} is unknown until the update (preview).`);
          }
          continue;
        }
        for (const finding of diagnosis.findings) {
          // The budget annotation is checked per resource by grpc-drain-budget-annotation.
          if (finding.severity !== severity || finding.rule === 'budget-valid') continue;
          // The URN of the object to change: the workload, or the Service for NLB settings.
          reportViolation(violationMessage(finding), finding.location.file);
        }
      }
    },
  };
}

function budgetAnnotationPolicy(enforcementLevel: EnforcementLevel): ResourceValidationPolicy {
  return {
    name: POLICY_NAMES.budgetAnnotation,
    description: `A Deployment or StatefulSet's ${BUDGET_ANNOTATION} annotation is a valid drain budget (the doctor reads the drain timeout and cleanup from it).`,
    enforcementLevel,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const object = kubernetesObject(args);
      if (!object || (object['kind'] !== 'Deployment' && object['kind'] !== 'StatefulSet')) return;
      const report = diagnose([{ object, location: { file: args.urn, document: 1 } }]);
      for (const diagnosis of report.workloads) {
        for (const finding of diagnosis.findings) {
          if (finding.rule === 'budget-valid') reportViolation(violationMessage(finding));
        }
      }
    },
  };
}

/**
 * The grpc-drain policies: the doctor on the whole stack (its Deployments, StatefulSets,
 * Services, PodDisruptionBudgets, Namespaces and TargetGroupBindings), error findings as
 * one policy and warnings as another, plus a per-resource check of the budget annotation.
 * Each violation names the workload, the rule, the symptom and the fix as YAML, and is
 * reported on the resource to change.
 */
export function grpcDrainPolicies(options: GrpcDrainPoliciesOptions = {}): [StackValidationPolicy, StackValidationPolicy, ResourceValidationPolicy] {
  const config = options.config ?? {};
  const errors = options.errorEnforcement ?? 'mandatory';
  return [
    stackPolicy(POLICY_NAMES.errors, 'error', errors, config),
    stackPolicy(POLICY_NAMES.warnings, 'warning', options.warningEnforcement ?? 'advisory', config),
    budgetAnnotationPolicy(errors),
  ];
}
