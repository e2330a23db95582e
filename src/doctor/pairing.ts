import { BUDGET_ANNOTATION, lbcBefore } from '../model';
import { admissionSidecars, isPlaceholderImage, isSidecarName, servingContainer, type AdmissionSidecar, type ServingContainer } from './containers';
import type { Inventory } from './inventory';
import { perPortAttributesAnnotation } from './lbc/annotations';
import { frontDoor, type FrontDoor, type FrontDoorOptions } from './lbc/front-door';
import { readBindingTargetGroup, readTargetGroup, type TargetGroupSettings } from './lbc/target-group';
import type { FrontendRef } from './types';
import type { ContainerView, ServicePortView, ServiceView, TargetGroupBindingView, WorkloadView } from './views/types';

/**
 * Pairing: which workloads sit behind which AWS load balancer, through which Service port,
 * and which of their containers serves it. Shared by the doctor and the retrofit.
 */

/** What sends load-balancer traffic to a workload, as paired with it. */
export interface Frontend {
  readonly ref: FrontendRef;
  /** The Service (for a TargetGroupBinding, the one its `serviceRef` names). */
  readonly service: ServiceView;
  readonly binding?: TargetGroupBindingView;
  /** The Service port diagnosed (its target group). */
  readonly port?: ServicePortView;
  /** Other Service ports that reach the same container (their own target groups). */
  readonly otherPorts: readonly ServicePortView[];
  /** How the Service got its load balancer (Services only). */
  readonly door?: FrontDoor;
  readonly targetGroup: TargetGroupSettings;
  /** The pod port traffic lands on, as a number, when it resolves. */
  readonly trafficPort?: number;
}

/** One workload behind one load balancer: the workload, its serving container, the frontend. */
export interface Target {
  readonly workload: WorkloadView;
  readonly serving: ServingContainer;
  /** Sidecars added at admission in front of the serving container. */
  readonly sidecars: readonly AdmissionSidecar[];
  /** `undefined` when the workload is diagnosed only because it carries the budget annotation. */
  readonly frontend?: Frontend;
  /** `gRPC` when the Service port's appProtocol or name, a container port's name or a gRPC probe says so. */
  readonly protocol?: 'gRPC';
}

const GRPC = /grpc/i;

function isGrpcPort(port: ServicePortView): boolean {
  return GRPC.test(port.appProtocol ?? '') || GRPC.test(port.name ?? '');
}

/** What the workload's names and probes say about its protocol. */
function protocolOf(port: ServicePortView | undefined, container: ContainerView | undefined): 'gRPC' | undefined {
  if (port && isGrpcPort(port)) return 'gRPC';
  if (!container) return undefined;
  const target = port?.targetPort;
  const named = container.ports.find((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
  if (named && GRPC.test(named.name ?? '')) return 'gRPC';
  if (container.readinessProbe.kind === 'grpc' || container.livenessProbe.kind === 'grpc') return 'gRPC';
  return undefined;
}

/**
 * The container port a reference resolves to, as the kubelet and the EndpointSlice controller
 * do: a number is itself; a string of digits is that number (kubelet `resolvePort`); any other
 * string is a container port's `name`.
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/prober/prober.go
 */
export function resolvePort(reference: number | string | undefined, container: ContainerView | undefined): number | undefined {
  if (reference === undefined) return undefined;
  if (typeof reference === 'number') return reference;
  if (/^\d+$/.test(reference)) return Number(reference);
  return container?.ports.find((port) => port.name === reference)?.containerPort;
}

/** The container of a workload that carries the budget annotation but that no frontend picks. */
export function containerWithoutService(workload: WorkloadView): ServingContainer {
  const application = workload.containers.filter((c) => !isSidecarName(c.name) && !isPlaceholderImage(c.image));
  if (workload.containers.length === 0) return { reason: 'the pod template has no containers' };
  if (application.length === 1) return { container: application[0]!, reason: 'the only application container' };
  const named = application.find((c) => c.name === 'grpc') ?? application.find((c) => c.ports.some((p) => p.name === 'grpc'));
  if (named) return { container: named, reason: `named or serving a port named 'grpc'` };
  if (application[0]) return { container: application[0], reason: 'assumed: the first application container (no Service in the input picks one)' };
  return { reason: 'every container is a sidecar or a placeholder' };
}

interface PortGroup {
  readonly serving: ServingContainer;
  readonly ports: ServicePortView[];
}

function describe(view: { readonly kind: string; readonly namespace: string; readonly name: string }): string {
  return `${view.kind} ${view.namespace}/${view.name}`;
}

/**
 * Groups a Service's ports by the container they reach in one workload and by target-group
 * settings: the ports of one container share one diagnosis, except a port whose own
 * `target-group-attributes.<port>` gives its target group other settings (LBC ≥ 2.14).
 */
function targetsFor(
  workload: WorkloadView,
  ports: readonly ServicePortView[],
  inventory: Inventory,
  make: (port: ServicePortView, others: ServicePortView[], serving: ServingContainer) => Frontend,
  from: string,
  notes: string[],
  ownTargetGroup: (port: ServicePortView) => boolean = () => false,
): Target[] {
  const groups = new Map<string, PortGroup>();
  for (const port of ports) {
    const serving = servingContainer(workload, port.targetPort);
    if (!serving.container && !serving.injected) {
      notes.push(`${from} → ${describe(workload)}: ${serving.reason}.`);
      continue;
    }
    const key = `${serving.container ? `c${serving.container.index}` : 'injected'}${ownTargetGroup(port) ? `:${port.port}` : ''}`;
    const group = groups.get(key);
    if (group) group.ports.push(port);
    else groups.set(key, { serving, ports: [port] });
  }
  const sidecars = admissionSidecars(workload, inventory.namespaces.get(workload.namespace));
  return [...groups.values()].map(({ serving, ports: reaching }) => {
    const port = reaching.find(isGrpcPort) ?? reaching[0]!;
    const others = reaching.filter((p) => p !== port);
    const reason = others.length > 0 ? `${serving.reason}; of the ${reaching.length} Service ports that reach it, '${port.name ?? port.port}' is diagnosed` : serving.reason;
    const frontend = make(port, others, serving);
    const protocol = protocolOf(port, serving.container);
    // Object.assign, not `{ ...serving, reason }`: in Node 20 (V8 11) a literal that opens with a spread and goes on costs microseconds.
    return { workload, serving: Object.assign({}, serving, { reason }), sidecars, frontend, ...(protocol !== undefined && { protocol }) };
  });
}

/** Workloads behind load balancers, and notes on the Services and bindings that pair with none. */
export interface Pairing {
  readonly targets: Target[];
  readonly notes: string[];
}

/**
 * Pairs every Service that gets an AWS load balancer and every TargetGroupBinding with the
 * Deployments and StatefulSets its selector picks (same namespace), and adds the workloads
 * that carry the budget annotation but no frontend of the input picks. A LoadBalancer Service
 * that gets no AWS load balancer the doctor knows, or pairs with nothing, is noted with why.
 */
export function pairTargets(inventory: Inventory, options: FrontDoorOptions & { readonly lbcVersion?: string } = {}): Pairing {
  const targets: Target[] = [];
  const notes: string[] = [];

  for (const service of inventory.services) {
    const door = frontDoor(service, options);
    if (!door.provisioner || !door.targetType) {
      if (door.skipped) notes.push(`${describe(service)} ${door.skipped}.`);
      continue;
    }
    const provisioned = Object.assign({}, door, { provisioner: door.provisioner, targetType: door.targetType });
    if (Object.keys(service.selector).length === 0) {
      notes.push(`${describe(service)} has no selector: its endpoints are managed by hand, so the doctor cannot tell which pods it sends to.`);
      continue;
    }
    const workloads = inventory.selectWorkloads(service.namespace, service.selector);
    if (workloads.length === 0) {
      notes.push(`${describe(service)} selects no Deployment or StatefulSet of the input (selector ${JSON.stringify(service.selector)}).`);
      continue;
    }
    // NLB listeners for gRPC and HTTP are TCP (or TLS on a TCP Service port).
    const ports = service.ports.filter((port) => port.protocol === 'TCP');
    for (const workload of workloads) {
      targets.push(
        ...targetsFor(
          workload,
          ports,
          inventory,
          (port, others, serving) => ({
            ref: { kind: 'Service', namespace: service.namespace, name: service.name, ...(port.port !== undefined && { port: port.port }), ...(port.targetPort !== undefined && { targetPort: port.targetPort }) },
            service,
            port,
            otherPorts: others,
            door,
            targetGroup: readTargetGroup(service, port, provisioned, options.lbcVersion),
            ...(resolvePort(port.targetPort, serving.container) !== undefined && { trafficPort: resolvePort(port.targetPort, serving.container)! }),
          }),
          describe(service),
          notes,
          (port) =>
            door.provisioner === 'lbc' && port.port !== undefined && service.annotations[perPortAttributesAnnotation(port.port)] !== undefined && !lbcBefore(options.lbcVersion, 'perPortTargetGroupAttributes'),
        ),
      );
    }
  }

  for (const binding of inventory.bindings) {
    // The LBC makes a TargetGroupBinding for each Service port and Ingress backend it manages
    // (labels from pkg/deploy/tracking/provider.go): those are diagnosed through their Service.
    if (binding.labels['service.k8s.aws/stack-name'] !== undefined || binding.labels['ingress.k8s.aws/stack-name'] !== undefined) continue;
    const service = binding.serviceName !== undefined ? inventory.service(binding.namespace, binding.serviceName) : undefined;
    if (!service) {
      notes.push(`${describe(binding)} refers to Service ${binding.namespace}/${binding.serviceName ?? '(none)'}, which is not in the input.`);
      continue;
    }
    const port = service.ports.find((p) => (typeof binding.servicePort === 'number' ? p.port === binding.servicePort : p.name === binding.servicePort));
    if (!port) {
      notes.push(`${describe(binding)} refers to port ${String(binding.servicePort)} of ${describe(service)}, which has no such port.`);
      continue;
    }
    const workloads = inventory.selectWorkloads(service.namespace, service.selector);
    if (workloads.length === 0) {
      notes.push(`${describe(binding)} → ${describe(service)} selects no Deployment or StatefulSet of the input.`);
      continue;
    }
    for (const workload of workloads) {
      targets.push(
        ...targetsFor(
          workload,
          [port],
          inventory,
          (p, others, serving) => ({
            ref: { kind: 'TargetGroupBinding', namespace: binding.namespace, name: binding.name, service: service.name, ...(p.port !== undefined && { port: p.port }), ...(p.targetPort !== undefined && { targetPort: p.targetPort }) },
            service,
            binding,
            port: p,
            otherPorts: others,
            targetGroup: readBindingTargetGroup(binding),
            ...(resolvePort(p.targetPort, serving.container) !== undefined && { trafficPort: resolvePort(p.targetPort, serving.container)! }),
          }),
          describe(binding),
          notes,
        ),
      );
    }
  }

  const covered = new Set(targets.map((t) => t.workload));
  for (const workload of inventory.workloadsWithAnnotation(BUDGET_ANNOTATION)) {
    if (covered.has(workload)) continue;
    const serving = containerWithoutService(workload);
    if (!serving.container) {
      notes.push(`${describe(workload)}: ${serving.reason}.`);
      continue;
    }
    const protocol = protocolOf(undefined, serving.container);
    targets.push({ workload, serving, sidecars: admissionSidecars(workload, inventory.namespaces.get(workload.namespace)), ...(protocol !== undefined && { protocol }) });
  }
  return { targets, notes };
}
