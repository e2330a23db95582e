import { ownField, type DrainBudget, type Finding } from '../model';
import { DrainBudgetError, isPlainObject, planDrain, type DrainPlan, type FieldLabel } from '../plan';
import { PlanCache, resolveDoctorOptions, type ResolvedDoctorOptions } from '../doctor/internal';
import type { DoctorOptions } from '../doctor/options';
import type { RetrofitMatch } from './api';
import type { RetrofitContext } from './apply';
import { checkRetrofitOptions, ownOptions } from './options';

/** The budget fields the doctor's reading takes as options (what the manifests do not show). */
const DOCTOR_FIELDS = ['propagationSeconds', 'drainTimeoutSeconds', 'cleanupSeconds', 'headroomSeconds', 'registrationSeconds', 'lbcVersion', 'kubernetesVersion', 'maxTerminationGracePeriodSeconds', 'readinessGate'] as const;

/** How a caller names the budget's fields in the violations (the CLI: its flags). */
export interface PrepareOptions {
  readonly fieldLabel?: FieldLabel;
  readonly subject?: string;
}

/**
 * Checks the options and the budget together and returns the run's context, or throws
 * {@link DrainBudgetError} with every violation (options and budget) before anything is
 * computed.
 */
export function prepareRetrofit(options: unknown, labels: PrepareOptions = {}): RetrofitContext {
  const subject = labels.subject ?? 'drain budget of the retrofit';
  const violations: Finding[] = [...checkRetrofitOptions(options)];
  const budget = ownField(options, 'budget');
  let plan: DrainPlan | undefined;
  let warnings: readonly Finding[] = [];
  if (budget === undefined || isPlainObject(budget)) {
    try {
      plan = planDrain((budget ?? {}) as DrainBudget, { fieldLabel: labels.fieldLabel ?? ((field) => `budget.${field}`), subject });
    } catch (error) {
      if (!(error instanceof DrainBudgetError)) throw error;
      // Named from the options object (`budget.propagationSeconds`), unless the caller labels the fields its own way (the CLI's flags).
      violations.push(...(labels.fieldLabel ? error.violations : error.violations.map((v) => ({ ...v, field: `budget.${v.field}` }))));
      warnings = error.warnings;
    }
  }
  if (violations.length > 0 || !plan) throw new DrainBudgetError(violations, warnings, subject);
  const own = ownOptions(options);
  const userBudget = (own.budget ?? {}) as Record<string, unknown>;
  const doctorOptions: Record<string, unknown> = {};
  for (const key of DOCTOR_FIELDS) if (ownField(userBudget, key) !== undefined) doctorOptions[key] = userBudget[key];
  if (own.lbcClass !== undefined) doctorOptions['lbcClass'] = own.lbcClass;
  if (own.lbcWebhook !== undefined) doctorOptions['lbcWebhook'] = own.lbcWebhook;
  // Already checked by the plan with the same rules: this cannot throw for a plannable budget.
  const doctor: ResolvedDoctorOptions = resolveDoctorOptions(doctorOptions as DoctorOptions);
  return {
    options: own,
    budget: userBudget as DrainBudget,
    plan,
    doctor,
    plans: new PlanCache(),
    runtimeContract: own.runtimeContract === true,
    ...(own.scheme !== undefined && { scheme: own.scheme }),
  };
}

/** Whether a workload (or, one object at a time, a Service) is matched: every criterion given holds. */
export function matches(match: RetrofitMatch | undefined, object: { kind: string; namespace: string; name: string; labels: Readonly<Record<string, string>> }, resourceName?: string): boolean {
  if (!match) return true;
  if (match.kinds && object.kind !== 'Service' && !match.kinds.includes(object.kind)) return false;
  if (match.namespaces && !match.namespaces.includes(object.namespace)) return false;
  if (match.names && !match.names.includes(object.name) && !(resourceName !== undefined && match.names.includes(resourceName))) return false;
  if (match.labels && !Object.entries(match.labels).every(([key, value]) => object.labels[key] === value)) return false;
  return true;
}
