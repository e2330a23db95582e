import { stringify } from 'yaml';
import type { BudgetField, DrainBudget } from '../model';
import { DrainBudgetError, planDrain, type DrainPlan } from '../plan';
import {
  DEFAULT_CONTAINER_NAME,
  renderContainerFragment,
  renderContractEnv,
  renderServiceAnnotations,
  renderWorkloadFragment,
  type LoadBalancerScheme,
} from '../render';
import { styleFor } from '../doctor';
import { budgetUsageError, durationFlag } from './doctor-command';
import { UsageError, useColor, type CliIo } from './io';
import { renderTimelineChart } from './timeline-chart';

/** The flags of `grpc-drain plan`, one per budget input, as commander hands them over. */
export interface PlanFlags {
  readonly propagation?: string;
  readonly drain?: string;
  readonly cleanup?: string;
  readonly headroom?: string;
  readonly hcInterval?: string;
  readonly hcTimeout?: string;
  readonly hcHealthyThreshold?: string;
  readonly hcUnhealthyThreshold?: string;
  readonly grace?: string;
  readonly deregistrationDelay?: string;
  readonly maxGrace?: string;
  readonly kubernetesVersion?: string;
  readonly readinessGate?: boolean;
  readonly healthPort?: string;
  readonly readinessPath?: string;
  readonly livenessPath?: string;
  readonly scheme?: string;
  readonly container?: string;
  readonly json?: boolean;
  readonly color?: boolean;
}

/** How budget fields are named in the plan's messages: as the flags that set them. */
export const PLAN_FLAG: Readonly<Record<BudgetField, string>> = {
  propagationSeconds: '--propagation',
  drainTimeoutSeconds: '--drain',
  cleanupSeconds: '--cleanup',
  headroomSeconds: '--headroom',
  healthCheck: 'health check',
  'healthCheck.intervalSeconds': '--hc-interval',
  'healthCheck.timeoutSeconds': '--hc-timeout',
  'healthCheck.healthyThreshold': '--hc-healthy-threshold',
  'healthCheck.unhealthyThreshold': '--hc-unhealthy-threshold',
  terminationGracePeriodSeconds: '--grace',
  deregistrationDelaySeconds: '--deregistration-delay',
  maxTerminationGracePeriodSeconds: '--max-grace',
  kubernetesVersion: '--kubernetes-version',
  readinessGate: '--readiness-gate',
  healthPort: '--health-port',
  readinessPath: '--readiness-path',
  livenessPath: '--liveness-path',
};

/** A whole-number flag; anything else goes to the budget as text, which reports it (`budget-valid`). */
function countFlag(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

/** The budget the flags describe (unparsable durations are usage errors; the rest is checked by the plan). */
export function planBudget(flags: PlanFlags): DrainBudget {
  const healthCheck = {
    ...(flags.hcInterval !== undefined && { intervalSeconds: durationFlag('--hc-interval', flags.hcInterval)! }),
    ...(flags.hcTimeout !== undefined && { timeoutSeconds: durationFlag('--hc-timeout', flags.hcTimeout)! }),
    ...(flags.hcHealthyThreshold !== undefined && { healthyThreshold: countFlag(flags.hcHealthyThreshold) as number }),
    ...(flags.hcUnhealthyThreshold !== undefined && { unhealthyThreshold: countFlag(flags.hcUnhealthyThreshold) as number }),
  };
  return {
    ...(flags.propagation !== undefined && { propagationSeconds: durationFlag('--propagation', flags.propagation)! }),
    ...(flags.drain !== undefined && { drainTimeoutSeconds: durationFlag('--drain', flags.drain)! }),
    ...(flags.cleanup !== undefined && { cleanupSeconds: durationFlag('--cleanup', flags.cleanup)! }),
    ...(flags.headroom !== undefined && { headroomSeconds: durationFlag('--headroom', flags.headroom)! }),
    ...(Object.keys(healthCheck).length > 0 && { healthCheck }),
    ...(flags.grace !== undefined && { terminationGracePeriodSeconds: durationFlag('--grace', flags.grace)! }),
    ...(flags.deregistrationDelay !== undefined && { deregistrationDelaySeconds: durationFlag('--deregistration-delay', flags.deregistrationDelay)! }),
    ...(flags.maxGrace !== undefined && { maxTerminationGracePeriodSeconds: durationFlag('--max-grace', flags.maxGrace)! }),
    ...(flags.kubernetesVersion !== undefined && { kubernetesVersion: flags.kubernetesVersion }),
    ...(flags.readinessGate !== undefined && { readinessGate: flags.readinessGate }),
    // A port that is not a number goes through as text, so the budget names it in its message.
    ...(flags.healthPort !== undefined && { healthPort: countFlag(flags.healthPort) as number }),
    ...(flags.readinessPath !== undefined && { readinessPath: flags.readinessPath }),
    ...(flags.livenessPath !== undefined && { livenessPath: flags.livenessPath }),
  };
}

function schemeFlag(value: string | undefined): LoadBalancerScheme {
  if (value === undefined || value === 'internal' || value === 'internet-facing') return value ?? 'internal';
  throw new UsageError(`[budget-valid] --scheme must be internal or internet-facing; got ${JSON.stringify(value)}.`);
}

const YAML_OPTIONS = { lineWidth: 0 } as const;

/** The plan's settings as fragments: pod template + workload, Service annotations, target-group attributes, PDB. */
export function planFragments(plan: DrainPlan, scheme: LoadBalancerScheme, containerName: string) {
  const workload = renderWorkloadFragment(plan);
  const container = renderContainerFragment(plan, renderContractEnv(plan));
  return {
    workload: {
      spec: {
        minReadySeconds: workload.minReadySeconds,
        strategy: workload.strategy,
        template: {
          metadata: { annotations: workload.podAnnotations },
          spec: {
            terminationGracePeriodSeconds: workload.terminationGracePeriodSeconds,
            containers: [{ name: containerName, ...container }],
          },
        },
      },
    },
    service: { metadata: { annotations: renderServiceAnnotations(plan, scheme) } },
    targetGroupAttributes: plan.targetGroupAttributes,
    podDisruptionBudget: { spec: { maxUnavailable: plan.podDisruptionBudget.maxUnavailable } },
  };
}

/** `grpc-drain plan`: prints the derived settings and the timeline, or the budget's violations (exit 2). */
export function runPlan(flags: PlanFlags, io: CliIo): number {
  const budget = planBudget(flags);
  const scheme = schemeFlag(flags.scheme);
  const containerName = flags.container ?? DEFAULT_CONTAINER_NAME;
  let plan: DrainPlan;
  try {
    plan = planDrain(budget, { fieldLabel: (field) => PLAN_FLAG[field], subject: 'drain budget' });
  } catch (error) {
    if (error instanceof DrainBudgetError) throw budgetUsageError(error);
    throw error;
  }
  const fragments = planFragments(plan, scheme, containerName);
  if (flags.json) {
    const json = {
      budget: plan.budget,
      preStopSleepSeconds: plan.preStopSleepSeconds,
      preStopAction: plan.preStopAction,
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
      deregistrationDelaySeconds: plan.deregistrationDelaySeconds,
      healthCheck: plan.healthCheck,
      readinessProbe: plan.readinessProbe,
      livenessProbe: plan.livenessProbe,
      rollout: plan.rollout,
      podDisruptionBudget: plan.podDisruptionBudget,
      targetGroupAttributes: plan.targetGroupAttributes,
      serviceAnnotations: fragments.service.metadata.annotations,
      podAnnotations: plan.podAnnotations,
      fragments,
      findings: plan.findings,
      timeline: plan.timeline(),
    };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const style = styleFor(useColor(io, flags.color === false));
  const b = plan.budget;
  const heading = (text: string) => style.bold(`# ${text}`);
  const out = [
    style.bold(
      `grpc-drain plan: propagation ${b.propagationSeconds}s, drain timeout ${b.drainTimeoutSeconds}s, cleanup ${b.cleanupSeconds}s, headroom ${b.headroomSeconds}s, Kubernetes ${b.kubernetesVersion}${b.maxTerminationGracePeriodSeconds !== undefined ? `, grace cap ${b.maxTerminationGracePeriodSeconds}s` : ''}`,
    ),
    '',
    heading(`Deployment: merge into the workload (container ${containerName})`),
    stringify(fragments.workload, YAML_OPTIONS).trimEnd(),
    '',
    heading('Service: AWS Load Balancer Controller annotations'),
    stringify(fragments.service, YAML_OPTIONS).trimEnd(),
    '',
    heading('Target-group attributes (already in the annotation above; set them yourself on a target group managed outside Kubernetes)'),
    stringify(fragments.targetGroupAttributes, YAML_OPTIONS).trimEnd(),
    '',
    heading('PodDisruptionBudget'),
    stringify(fragments.podDisruptionBudget, YAML_OPTIONS).trimEnd(),
    '',
    heading('Timeline: seconds after the pod is deleted'),
    renderTimelineChart(plan, { style }).trimEnd(),
  ];
  for (const finding of plan.findings) out.push('', style.warning(`warning [${finding.rule}] ${finding.message}`));
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
