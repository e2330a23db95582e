import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Finding } from '../model';
import { DrainBudgetError, planDrain, type DrainPlan } from '../plan';
import {
  DEFAULT_CONTAINER_NAME,
  DEFAULT_SCHEME,
  renderContainerFragment,
  renderContractEnv,
  renderServiceAnnotations,
  renderWorkloadFragment,
  type LoadBalancerScheme,
} from '../render';
import { styleFor } from '../doctor';
import { budgetFlagLabel, budgetProblemLines, readBudgetFlags } from './budget-flags';
import { UsageError, useColor, type CliIo } from './io';
import { unknownFlagProblems } from './unknown-flags';
import { renderTimelineChart } from './timeline-chart';

/** The flags of `grpc-drain plan` that are not budget inputs, as commander hands them over. */
export interface PlanFlags {
  readonly scheme?: string;
  readonly container?: string;
  readonly output?: string;
  readonly json?: boolean;
  readonly color?: boolean;
}

/** Output formats of `grpc-drain plan`. */
export const PLAN_OUTPUTS = ['text', 'json'] as const;

function schemeFlag(value: string | undefined, problems: string[]): LoadBalancerScheme {
  if (value === undefined || value === 'internal' || value === 'internet-facing') return value ?? DEFAULT_SCHEME;
  problems.push(`[budget-valid] --scheme must be internal or internet-facing; got ${JSON.stringify(value)}.`);
  return DEFAULT_SCHEME;
}

/** `-o/--output`, with `--json` as the old spelling of `-o json`. */
function outputFlag(flags: PlanFlags, problems: string[]): 'text' | 'json' {
  const output = flags.output ?? (flags.json ? 'json' : 'text');
  if (!(PLAN_OUTPUTS as readonly string[]).includes(output)) {
    problems.push(`-o/--output must be one of ${PLAN_OUTPUTS.join(', ')} for plan; got ${JSON.stringify(output)}.`);
    return 'text';
  }
  if (flags.json && output !== 'json') problems.push(`--json and -o ${output} disagree; give one of them.`);
  return output as 'text' | 'json';
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

/**
 * `grpc-drain plan`: prints the derived settings and the timeline, or every problem with the
 * flags and the budget at once (exit 2).
 */
export function runPlan(command: Command, io: CliIo): number {
  const flags = command.opts<PlanFlags>();
  const problems = [...unknownFlagProblems(command)];
  const { budget, problems: flagProblems } = readBudgetFlags(command);
  const scheme = schemeFlag(flags.scheme, problems);
  const format = outputFlag(flags, problems);
  const containerName = flags.container ?? DEFAULT_CONTAINER_NAME;
  if (problems.length === 0 && command.args.length > 0) problems.push(`plan takes no arguments; got ${command.args.map((a) => JSON.stringify(a)).join(' ')}`);
  let plan: DrainPlan | undefined;
  let violations: readonly Finding[] = [];
  try {
    plan = planDrain(budget, { fieldLabel: budgetFlagLabel, subject: 'drain budget' });
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    violations = error.violations;
  }
  const lines = [...problems, ...budgetProblemLines(flagProblems, violations)];
  if (lines.length > 0 || !plan) throw new UsageError(lines.join('\n'));
  const fragments = planFragments(plan, scheme, containerName);
  if (format === 'json') {
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
      `grpc-drain plan: propagation ${b.propagationSeconds}s, drain timeout ${b.drainTimeoutSeconds}s, cleanup ${b.cleanupSeconds}s, headroom ${b.headroomSeconds}s, Kubernetes ${b.kubernetesVersion}, LBC ${b.lbcVersion}${b.readinessGate ? '' : `, no readiness gate (registration ${b.registrationSeconds}s)`}${b.maxTerminationGracePeriodSeconds !== undefined ? `, grace cap ${b.maxTerminationGracePeriodSeconds}s` : ''}`,
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
