import { preStopDelaySeconds } from '../model';
import type { Extraction } from './extract';
import { parseLbcStringMap, READ_ANNOTATION } from './lbc/annotations';
import type { Target } from './pairing';

/**
 * What a fix (or the retrofit) may write into a workload and its Service without harming a
 * working deployment: never shrink (a grace period, a sleep, minReadySeconds), never invent
 * (an endpoint the workload does not serve), never replace what cannot be read (an
 * application's own preStop hook), never patch the wrong container (a sidecar, a placeholder
 * that a webhook replaces). Each decision says why when it refuses.
 */

/** Yes, or no and why. */
export type Permission = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** An HTTP endpoint the workload serves today (from its own probe). */
export interface ServedEndpoint {
  readonly port: number;
  readonly path: string;
}

/** Every safe-write decision for one workload behind one frontend. */
export interface FixSafety {
  /** The container a patch may name (strategic merge patches merge containers by name). */
  readonly container: { readonly name: string } | { readonly blocked: string };
  /** Whether `lifecycle.preStop` may be replaced (with a longer sleep). */
  readonly preStop: Permission;
  /** The current preStop delay, when it is read (0: no hook). */
  readonly currentSleepSeconds?: number;
  /** The current grace period (30 when unset); `undefined` when unusable. */
  readonly currentGraceSeconds?: number;
  /** The readiness endpoint the workload serves: the only target a health check or readiness probe may get. */
  readonly readiness?: ServedEndpoint;
  /** The liveness endpoint, when it is HTTP and differs from readiness. */
  readonly liveness?: ServedEndpoint;
  /** Service annotations may be patched (not for a TargetGroupBinding's target group). */
  readonly serviceAnnotations: Permission;
  /**
   * The annotation the target-group attributes of this port must be written to (`blocked`: why
   * none can be, ending with the verb that takes the attributes, e.g. `…: set`): the port's
   * own `target-group-attributes.<port>` when it exists (it overrides the Service-wide one),
   * else the Service-wide one; and the pairs it holds today, kept by a fix.
   */
  readonly attributes?: { readonly annotation: string; readonly current: Readonly<Record<string, string>>; readonly currentText?: string } | { readonly blocked: string };
}

/** Never shrink: the value a fix writes for a setting the user has. */
export function neverShrink(current: number | undefined, planned: number): number {
  return current !== undefined && current > planned ? current : planned;
}

function servedEndpoint(probe: Extraction['settings']['readinessProbe']): ServedEndpoint | undefined {
  if (probe?.kind !== 'httpGet' || typeof probe.port !== 'number' || probe.path === undefined) return undefined;
  if (probe.port < 1 || probe.port > 65535 || !/^\/\S*$/.test(probe.path)) return undefined;
  return { port: probe.port, path: probe.path };
}

/** Decides what may be written for one target, from what the extraction read. */
export function fixSafety(target: Target, extraction: Extraction): FixSafety {
  const { serving, frontend } = target;
  const settings = extraction.settings;
  const container: FixSafety['container'] = serving.injected !== undefined
    ? { blocked: serving.injected }
    : serving.container?.name !== undefined
      ? { name: serving.container.name }
      : { blocked: serving.container ? `the serving container (${serving.container.label}) has no name, so a patch cannot address it` : serving.reason };

  const hook = settings.preStop;
  let preStop: Permission = { allowed: true };
  if ('blocked' in container) preStop = { allowed: false, reason: container.blocked };
  else if (!hook) preStop = { allowed: false, reason: 'the preStop hook cannot be read (see the input notes): it is not replaced' };
  else if (hook.kind === 'httpGet') preStop = { allowed: false, reason: `the preStop hook is an httpGet on ${hook.path ?? '/'}: it is the application's own, so it is not replaced; make sure it waits at least the propagation before the server stops accepting connections` };
  else if (hook.kind === 'exec' && hook.seconds === undefined) {
    preStop = { allowed: false, reason: `the preStop hook ${JSON.stringify(hook.command)} is the application's own and its delay cannot be read, so it is not replaced; make sure it waits at least the propagation before the server stops accepting connections (or add a sleep in front of it)` };
  } else if (hook.kind === 'exec' && extraction.preStopAlsoRuns !== undefined) {
    preStop = { allowed: false, reason: `the preStop hook ${JSON.stringify(hook.command)} also runs more than a sleep, so it is not replaced: raise the sleep inside it` };
  }
  const currentSleep = preStopDelaySeconds(hook);

  const readiness = servedEndpoint(settings.readinessProbe);
  const livenessEndpoint = servedEndpoint(settings.livenessProbe);
  const liveness = livenessEndpoint && (!readiness || livenessEndpoint.path !== readiness.path || livenessEndpoint.port !== readiness.port) ? livenessEndpoint : undefined;

  let serviceAnnotations: Permission = { allowed: true };
  let attributes: FixSafety['attributes'];
  if (!frontend) serviceAnnotations = { allowed: false, reason: 'no Service of the input sends load-balancer traffic to the workload' };
  else if (frontend.binding) {
    serviceAnnotations = { allowed: false, reason: 'the target group is managed outside Kubernetes (the TargetGroupBinding only attaches pods to it)' };
    attributes = { blocked: `${serviceAnnotations.reason}: set on it` };
  } else if (frontend.targetGroup.provisioner === 'in-tree-nlb' || frontend.targetGroup.provisioner === 'in-tree-classic') {
    attributes = { blocked: 'the in-tree cloud provider cannot set deregistration attributes; once the Service is moved to the Load Balancer Controller (target-type-ip), set' };
  } else {
    const sources = frontend.targetGroup.attributeSources;
    const annotation = sources.perPortAnnotation ?? READ_ANNOTATION.targetGroupAttributes;
    const currentText = frontend.service.annotations[annotation];
    const parsed = currentText !== undefined ? parseLbcStringMap(currentText) : { map: {} };
    attributes = 'error' in parsed ? { blocked: `${annotation} cannot be parsed (${parsed.error}), so it is not rewritten; correct it and set` } : { annotation, current: parsed.map, ...(currentText !== undefined && { currentText }) };
  }

  return {
    container,
    preStop,
    ...(currentSleep !== undefined && { currentSleepSeconds: currentSleep }),
    ...(settings.terminationGracePeriodSeconds !== undefined && { currentGraceSeconds: settings.terminationGracePeriodSeconds }),
    ...(readiness !== undefined && { readiness }),
    ...(liveness !== undefined && { liveness }),
    serviceAnnotations,
    ...(attributes !== undefined && { attributes }),
  };
}
