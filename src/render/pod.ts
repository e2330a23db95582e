import type { DrainPlan, PlannedProbe } from '../plan';
import type { ContainerDrainFragment, EnvVar, HttpGetProbe, PreStopHandler, WorkloadDrainFragment } from './k8s';

/** `sleep: {seconds: S}`, or `exec: {command: ["sleep", "S"]}` before Kubernetes 1.30. */
export function renderPreStop(plan: DrainPlan): PreStopHandler {
  const seconds = plan.preStopSleepSeconds;
  return plan.preStopAction === 'sleep' ? { sleep: { seconds } } : { exec: { command: ['sleep', String(seconds)] } };
}

export function renderProbe(probe: PlannedProbe): HttpGetProbe {
  return {
    httpGet: { path: probe.path, port: probe.port, scheme: 'HTTP' },
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
  };
}

/** The container fields the plan drives; `env` is the rendered contract. */
export function renderContainerFragment(plan: DrainPlan, env: readonly EnvVar[]): ContainerDrainFragment {
  return {
    lifecycle: { preStop: renderPreStop(plan) },
    readinessProbe: renderProbe(plan.readinessProbe),
    livenessProbe: renderProbe(plan.livenessProbe),
    env,
  };
}

/** The pod-template and Deployment fields the plan drives. */
export function renderWorkloadFragment(plan: DrainPlan): WorkloadDrainFragment {
  return {
    terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
    podAnnotations: plan.podAnnotations,
    minReadySeconds: plan.rollout.minReadySeconds,
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: plan.rollout.maxSurge, maxUnavailable: plan.rollout.maxUnavailable },
    },
  };
}
