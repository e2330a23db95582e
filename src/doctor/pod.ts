import { CONTRACT_ENV, KUBERNETES_DEFAULT_GRACE_SECONDS, type PreStopHook, type ProbeSettings, type RolloutSettings } from '../model';
import { parseDuration } from '../model';
import { ceilSeconds } from '../plan';
import { DEFAULT_CONTAINER_NAME } from '../render';
import { arrayAt, at, intOrString, isObject, objectAt, objectsAt, own, readInt, showValue, stringAt, type JsonObject } from './json';
import type { UnknownSetting, WorkloadKind } from './types';

/** Collects what a reader could not use, for the report. */
export interface ReadLog {
  readonly notes: string[];
  readonly unknown: UnknownSetting[];
}

/** A container of the pod template and its position (for locating fields). */
export interface ContainerRef {
  readonly index: number;
  readonly name: string;
  readonly container: JsonObject;
}

function containerName(container: JsonObject, index: number): string {
  return stringAt(container, 'name') ?? `#${index + 1}`;
}

/** The containers of a pod spec (not init containers: they are done before the pod serves). */
export function containersOf(podSpec: JsonObject | undefined): ContainerRef[] {
  return (arrayAt(podSpec, 'containers') ?? []).flatMap((container, index) =>
    isObject(container) ? [{ index, name: containerName(container, index), container }] : [],
  );
}

/**
 * The container port a reference resolves to, as the kubelet and the EndpointSlice
 * controller do: a number is itself; a string that parses as a number is that number
 * (kubelet `resolvePort`); any other string is a container port's `name`.
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/prober/prober.go
 */
export function resolvePort(reference: number | string | undefined, container: JsonObject): number | undefined {
  if (reference === undefined) return undefined;
  if (typeof reference === 'number') return reference;
  if (/^\d+$/.test(reference)) return Number(reference);
  for (const port of objectsAt(container, 'ports')) {
    const number = own(port, 'containerPort');
    if (stringAt(port, 'name') === reference && typeof number === 'number') return number;
  }
  return undefined;
}

/** Does the container declare this port (by number or by name)? */
function declaresPort(container: JsonObject, reference: number | string): boolean {
  return objectsAt(container, 'ports').some((port) =>
    typeof reference === 'number' ? own(port, 'containerPort') === reference : stringAt(port, 'name') === reference,
  );
}

/** The gRPC container and how it was chosen; `undefined` when no container can take the traffic. */
export interface ContainerChoice {
  readonly container?: ContainerRef;
  readonly reason: string;
}

/**
 * Picks the container the NLB's traffic lands on: the one that declares the Service's
 * `targetPort` (by number, or by name for a named port). A numeric port nobody declares
 * still reaches the pod (declaring ports is informational), so the only container, or
 * else the first one, is assumed, and the reason says so. A named port nobody declares
 * gives the Service no endpoint in these pods: no container.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
 */
export function chooseContainer(containers: readonly ContainerRef[], targetPort: number | string | undefined): ContainerChoice {
  if (containers.length === 0) return { reason: 'the pod template has no containers' };
  if (targetPort !== undefined) {
    const declaring = containers.find((c) => declaresPort(c.container, targetPort));
    if (declaring) {
      return { container: declaring, reason: `declares the Service's targetPort ${typeof targetPort === 'number' ? targetPort : `'${targetPort}'`}` };
    }
    if (typeof targetPort === 'string' && !/^\d+$/.test(targetPort)) {
      return { reason: `no container declares a port named '${targetPort}' (the Service's targetPort), so the Service gets no endpoint from these pods` };
    }
  }
  const what = targetPort !== undefined ? `no container declares port ${targetPort}` : 'no port to match';
  if (containers.length === 1) return { container: containers[0]!, reason: `the only container (${what})` };
  return { container: containers[0]!, reason: `assumed: ${what}; took the first container` };
}

/**
 * The gRPC container of a workload no Service points at (it carries the budget annotation):
 * the only container, else the one named like grpc-drain's default (`grpc`), else the one
 * with a port named `grpc`, else the first.
 */
export function chooseContainerWithoutService(containers: readonly ContainerRef[]): ContainerChoice {
  if (containers.length === 0) return { reason: 'the pod template has no containers' };
  if (containers.length === 1) return { container: containers[0]!, reason: 'the only container' };
  const named = containers.find((c) => c.name === DEFAULT_CONTAINER_NAME);
  if (named) return { container: named, reason: `named '${DEFAULT_CONTAINER_NAME}'` };
  const port = containers.find((c) => declaresPort(c.container, DEFAULT_CONTAINER_NAME));
  if (port) return { container: port, reason: `declares a port named '${DEFAULT_CONTAINER_NAME}'` };
  return { container: containers[0]!, reason: 'assumed: the first container (no Service in the input picks one)' };
}

const DURATION_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
// `sleep N`, `/bin/sleep 20s`, `busybox sleep 5`, inside `sh -c "... ; sleep 5 && ..."`.
const SLEEP = /(?:^|[\s;&|(`'"])(?:\S*\/)?sleep\s+(\d+(?:\.\d+)?)([smhd]?)(?=$|[\s;&|)`'"])/g;

/**
 * Seconds an exec hook's command sleeps: the sum of every literal `sleep N` in it (GNU and
 * busybox units s/m/h/d; fractions rounded up), also inside a `sh -c` script. `undefined`
 * when there is none, or only non-literal ones (`sleep $DELAY`, `sleep infinity`).
 */
export function execSleepSeconds(command: readonly string[]): number | undefined {
  const text = command.join(' ');
  let total: number | undefined;
  for (const match of text.matchAll(SLEEP)) {
    total = (total ?? 0) + Number(match[1]) * DURATION_UNITS[match[2] ?? '']!;
  }
  return total === undefined ? undefined : ceilSeconds(total);
}

/** Reads `lifecycle.preStop`; `undefined` (unknown) when it is present but unusable. */
export function readPreStop(container: JsonObject, log: ReadLog): PreStopHook | undefined {
  const preStop = at(container, 'lifecycle', 'preStop');
  if (preStop === undefined || preStop === null) return { kind: 'none' };
  if (!isObject(preStop)) {
    log.notes.push(`lifecycle.preStop is ${showValue(preStop)}, not a handler: the API server rejects it.`);
    log.unknown.push({ field: 'preStop', reason: 'lifecycle.preStop is not a handler' });
    return undefined;
  }
  const sleep = own(preStop, 'sleep');
  if (sleep !== undefined) {
    const seconds = readInt(own(isObject(sleep) ? sleep : undefined, 'seconds'));
    if (seconds.kind === 'int') return { kind: 'sleep', seconds: seconds.value };
    log.notes.push(`lifecycle.preStop.sleep.seconds is ${seconds.kind === 'invalid' ? showValue(seconds.raw) : 'missing'}: the API server rejects the pod.`);
    log.unknown.push({ field: 'preStop.seconds', reason: 'lifecycle.preStop.sleep.seconds is not a whole number' });
    return undefined;
  }
  const exec = objectAt(preStop, 'exec');
  if (exec) {
    const command = (arrayAt(exec, 'command') ?? []).map((part) => (typeof part === 'string' ? part : String(part)));
    const seconds = execSleepSeconds(command);
    if (seconds === undefined) {
      log.unknown.push({ field: 'preStop.seconds', reason: `the exec preStop hook (${JSON.stringify(command)}) has no literal 'sleep N': how long it delays SIGTERM is unknown` });
      return { kind: 'exec', command };
    }
    return { kind: 'exec', command, seconds };
  }
  const httpGet = objectAt(preStop, 'httpGet');
  if (httpGet) {
    log.unknown.push({ field: 'preStop.seconds', reason: 'the preStop hook is an httpGet: how long it delays SIGTERM depends on the endpoint' });
    const port = intOrString(own(httpGet, 'port'));
    const path = stringAt(httpGet, 'path');
    return { kind: 'httpGet', ...(path !== undefined && { path }), ...(port !== undefined && { port }) };
  }
  if (own(preStop, 'tcpSocket') !== undefined) {
    // LifecycleHandler.tcpSocket is accepted for backward compatibility but never run.
    log.notes.push('lifecycle.preStop.tcpSocket is accepted by the API but not run by the kubelet: it delays nothing.');
    return { kind: 'none' };
  }
  log.notes.push('lifecycle.preStop has no sleep, exec or httpGet handler: the API server rejects it.');
  log.unknown.push({ field: 'preStop', reason: 'lifecycle.preStop has no handler' });
  return undefined;
}

/** Kubernetes probe defaults (`periodSeconds` 10, `timeoutSeconds` 1, `failureThreshold` 3). */
const PROBE_DEFAULTS = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 } as const;

/** Reads a probe, resolving its port against the container; `undefined` (unknown) when unusable. */
export function readProbe(container: JsonObject, which: 'readinessProbe' | 'livenessProbe', log: ReadLog): ProbeSettings | undefined {
  const probe = own(container, which);
  if (probe === undefined || probe === null) return { kind: 'none' };
  if (!isObject(probe)) {
    log.notes.push(`${which} is ${showValue(probe)}, not a probe: the API server rejects it.`);
    log.unknown.push({ field: which, reason: `${which} is not a probe` });
    return undefined;
  }
  const timing: { periodSeconds?: number; timeoutSeconds?: number; failureThreshold?: number } = {};
  for (const key of ['periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) {
    const read = readInt(own(probe, key));
    if (read.kind === 'int') timing[key] = read.value;
    else if (read.kind === 'unset') timing[key] = PROBE_DEFAULTS[key];
  }
  const port = (handler: JsonObject): number | string | undefined => {
    const reference = intOrString(own(handler, 'port'));
    const resolved = resolvePort(reference, container);
    if (reference !== undefined && resolved === undefined) {
      log.notes.push(`${which} uses port '${reference}', which the container does not declare: the kubelet cannot run the probe.`);
      log.unknown.push({ field: `${which}.port`, reason: `named port '${reference}' is not declared by the container` });
    }
    return resolved;
  };
  const httpGet = objectAt(probe, 'httpGet');
  if (httpGet) {
    const resolved = port(httpGet);
    // HTTPGetAction.path is optional; the kubelet then requests "/".
    const path = stringAt(httpGet, 'path') ?? '/';
    return { kind: 'httpGet', ...(resolved !== undefined && { port: resolved }), path: path.startsWith('/') ? path : `/${path}`, ...timing };
  }
  const tcpSocket = objectAt(probe, 'tcpSocket');
  if (tcpSocket) {
    const resolved = port(tcpSocket);
    return { kind: 'tcpSocket', ...(resolved !== undefined && { port: resolved }), ...timing };
  }
  const grpc = objectAt(probe, 'grpc');
  if (grpc) {
    const resolved = port(grpc);
    return { kind: 'grpc', ...(resolved !== undefined && { port: resolved }), ...timing };
  }
  if (objectAt(probe, 'exec')) return { kind: 'exec', ...timing };
  log.notes.push(`${which} has no httpGet, tcpSocket, grpc or exec handler: the API server rejects it.`);
  log.unknown.push({ field: which, reason: `${which} has no handler` });
  return undefined;
}

/** `terminationGracePeriodSeconds`, 30 when unset; `undefined` when unusable. */
export function readGrace(podSpec: JsonObject | undefined, log: ReadLog): number | undefined {
  const read = readInt(own(podSpec, 'terminationGracePeriodSeconds'));
  if (read.kind === 'unset') return KUBERNETES_DEFAULT_GRACE_SECONDS;
  if (read.kind === 'int') return read.value;
  log.notes.push(`terminationGracePeriodSeconds is ${showValue(read.raw)}, not a whole number: the API server rejects it.`);
  log.unknown.push({ field: 'terminationGracePeriodSeconds', reason: 'not a whole number' });
  return undefined;
}

/**
 * Rollout settings with the API defaults. Deployment: RollingUpdate, maxUnavailable and
 * maxSurge 25 %, minReadySeconds 0. StatefulSet: pods are replaced in place, one at a time
 * (`maxUnavailable` cannot be 0 there, so it is left unknown and the rule does not ask for it).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#rolling-updates
 */
export function readRollout(kind: WorkloadKind, spec: JsonObject | undefined, log: ReadLog): RolloutSettings {
  const minReady = readInt(own(spec, 'minReadySeconds'));
  if (minReady.kind === 'invalid') log.notes.push(`minReadySeconds is ${showValue(minReady.raw)}, not a whole number: the API server rejects it.`);
  const minReadySeconds = minReady.kind === 'int' ? minReady.value : minReady.kind === 'unset' ? 0 : undefined;
  // Percentages resolve against spec.replicas (1 when unset, the API default); an autoscaler
  // owning the count is not detected here yet (RolloutSettings.autoscaled stays unknown).
  const replicasRead = readInt(own(spec, 'replicas'));
  const replicas = replicasRead.kind === 'int' ? replicasRead.value : replicasRead.kind === 'unset' ? 1 : undefined;
  const withMinReady = { ...(minReadySeconds !== undefined && { minReadySeconds }), ...(replicas !== undefined && { replicas }) };
  if (kind === 'StatefulSet') {
    const type = stringAt(spec, 'updateStrategy', 'type') ?? 'RollingUpdate';
    const strategy = type === 'OnDelete' ? 'OnDelete' : type === 'RollingUpdate' ? 'RollingUpdate' : undefined;
    return { ...(strategy !== undefined && { strategy }), ...withMinReady };
  }
  const type = stringAt(spec, 'strategy', 'type') ?? 'RollingUpdate';
  if (type === 'Recreate') return { strategy: 'Recreate', ...withMinReady };
  if (type !== 'RollingUpdate') {
    log.notes.push(`strategy.type is ${JSON.stringify(type)}: only RollingUpdate and Recreate exist.`);
    return withMinReady;
  }
  const rolling = objectAt(spec, 'strategy', 'rollingUpdate');
  return {
    strategy: 'RollingUpdate',
    maxUnavailable: intOrString(own(rolling, 'maxUnavailable')) ?? '25%',
    maxSurge: intOrString(own(rolling, 'maxSurge')) ?? '25%',
    ...withMinReady,
  };
}

/**
 * Reads back `GRPC_DRAIN_PRESTOP_SECONDS`, the contract variable the runtime dates the pod's
 * deletion with (SIGTERM − it, DESIGN.md §7), and notes when it disagrees with the preStop
 * sleep the container actually has: the propagation reports would then be off by the
 * difference. Only a literal `value` is read (a `valueFrom` is resolved at run time).
 */
export function checkPreStopContract(container: JsonObject, preStop: PreStopHook | undefined, log: ReadLog): void {
  const name = CONTRACT_ENV.preStop;
  const variable = objectsAt(container, 'env').find((entry) => stringAt(entry, 'name') === name);
  const text = variable === undefined ? undefined : stringAt(variable, 'value');
  if (text === undefined) return;
  const declared = parseDuration(text);
  if (declared === undefined) {
    log.notes.push(`env ${name}=${JSON.stringify(text)} is not a duration: the grpc-drain runtime refuses to start with it.`);
    return;
  }
  const slept = preStop?.kind === 'sleep' ? preStop.seconds : preStop?.kind === 'exec' ? preStop.seconds : preStop?.kind === 'none' ? 0 : undefined;
  if (slept === undefined || slept === declared) return;
  log.notes.push(
    `env ${name}=${JSON.stringify(text)} but the preStop hook sleeps ${slept}s: the runtime dates the deletion ${declared}s before SIGTERM, so its propagation reports are off by ${Math.abs(declared - slept)}s; set ${name} to "${slept}".`,
  );
}
