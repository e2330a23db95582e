import type { ContainerView, NamespaceView, WorkloadView } from './views/types';

/**
 * Which container of a pod serves the traffic of a Service port, with the containers a
 * mesh or an agent adds: the serving container is the one that declares the Service's
 * `targetPort`; sidecars are never taken for it; a placeholder (a `pause` image, which some
 * platforms replace at admission) means the real serving container is not in the manifest.
 */

/** Sidecar containers of meshes and agents, by the name their injector gives them. */
const SIDECAR_NAMES: Readonly<Record<string, string>> = {
  // linkerd2 pkg/k8s/labels.go ProxyContainerName
  'linkerd-proxy': 'Linkerd proxy',
  // istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml
  'istio-proxy': 'Istio proxy',
  // dapr pkg/injector/patcher: SidecarContainerName
  daprd: 'Dapr sidecar',
};

/** An injector that adds a sidecar at admission, and what it means for the drain. */
interface Injector {
  readonly container: string;
  readonly what: string;
  readonly advice: string;
  /** Whether the pod template or its namespace asks for it. */
  readonly wanted: (workload: WorkloadView, namespace: NamespaceView | undefined) => boolean;
}

/** `"true"`, `"enabled"` style switches of injection annotations and labels. */
const ON = new Set(['true', 'enabled', 'ingress']);

const INJECTORS: readonly Injector[] = [
  {
    // linkerd.io/inject on the pod template or the namespace (linkerd2 pkg/k8s/labels.go ProxyInjectAnnotation).
    container: 'linkerd-proxy',
    what: 'Linkerd injects its proxy (linkerd.io/inject)',
    advice:
      'inbound connections pass through linkerd-proxy, which stops accepting them on SIGTERM: give it the same delay as the preStop sleep with config.alpha.linkerd.io/proxy-wait-before-exit-seconds',
    wanted: (w, ns) => {
      const pod = w.podAnnotations['linkerd.io/inject'];
      if (pod !== undefined) return ON.has(pod);
      return ON.has(ns?.annotations['linkerd.io/inject'] ?? '');
    },
  },
  {
    // sidecar.istio.io/inject (pod label or annotation), namespace label istio-injection / istio.io/rev.
    container: 'istio-proxy',
    what: 'Istio injects its proxy (sidecar.istio.io/inject or the namespace label)',
    advice: 'inbound connections pass through istio-proxy: its drain (terminationDrainDuration, EXIT_ON_ZERO_ACTIVE_CONNECTIONS) must outlast the preStop sleep too',
    wanted: (w, ns) => {
      const pod = w.podLabels['sidecar.istio.io/inject'] ?? w.podAnnotations['sidecar.istio.io/inject'];
      if (pod !== undefined) return pod === 'true';
      return ns?.labels['istio-injection'] === 'enabled' || ns?.labels['istio.io/rev'] !== undefined;
    },
  },
  {
    container: 'daprd',
    what: 'Dapr injects its sidecar (dapr.io/enabled)',
    advice: 'the Dapr sidecar has its own graceful-shutdown period (dapr.io/graceful-shutdown-seconds)',
    wanted: (w) => w.podAnnotations['dapr.io/enabled'] === 'true',
  },
];

/** `registry.k8s.io/pause:3.9`, `k8s.gcr.io/pause-amd64@sha256:…`: the pod sandbox image, used as a placeholder. */
export function isPlaceholderImage(image: string | undefined): boolean {
  if (image === undefined) return false;
  // The repository's last path segment, without digest or tag (indexes, not splits: this runs
  // for every container of every paired workload).
  const digest = image.indexOf('@');
  const reference = digest === -1 ? image : image.slice(0, digest);
  const last = reference.slice(reference.lastIndexOf('/') + 1);
  const tag = last.indexOf(':');
  const name = tag === -1 ? last : last.slice(0, tag);
  return name === 'pause' || name.startsWith('pause-');
}

export function isSidecarName(name: string | undefined): boolean {
  return name !== undefined && Object.prototype.hasOwnProperty.call(SIDECAR_NAMES, name);
}

/** A sidecar added at admission, in front of the serving container. */
export interface AdmissionSidecar {
  readonly container: string;
  readonly note: string;
}

/** Sidecars the pod will get at admission that the manifest does not show. */
export function admissionSidecars(workload: WorkloadView, namespace: NamespaceView | undefined): AdmissionSidecar[] {
  return INJECTORS.filter((injector) => injector.wanted(workload, namespace) && !workload.containers.some((c) => c.name === injector.container)).map((injector) => ({
    container: injector.container,
    note: `${injector.what} at admission: ${injector.advice}`,
  }));
}

/** The serving container of a Service port, or why it is not in the manifest. */
export interface ServingContainer {
  /** The container traffic lands on, when the manifest holds it. */
  readonly container?: ContainerView;
  readonly reason: string;
  /** The serving container is added at admission (the manifest holds a placeholder): why the doctor says so. */
  readonly injected?: string;
}

function declares(container: ContainerView, reference: number | string): boolean {
  return container.ports.some((port) => (typeof reference === 'number' ? port.containerPort === reference : port.name === reference));
}

function describePort(reference: number | string): string {
  return typeof reference === 'number' ? String(reference) : `'${reference}'`;
}

/**
 * Picks the container that serves a Service's `targetPort`: the one that declares it (by
 * number, or by name for a named port), never a known sidecar. A numeric port nobody declares
 * still reaches the pod (declaring ports is informational), so the only application container
 * is taken, and the reason says so. A named port nobody declares gives the Service no endpoint
 * in these pods. A `pause` placeholder means the serving container is injected at admission.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
 */
export function servingContainer(workload: WorkloadView, targetPort: number | string | undefined): ServingContainer {
  const containers = workload.containers;
  if (containers.length === 0) return { reason: 'the pod template has no containers' };
  const placeholders = containers.filter((c) => isPlaceholderImage(c.image));
  const application = containers.filter((c) => !isSidecarName(c.name) && !isPlaceholderImage(c.image));
  const injected = (placeholder: ContainerView) => ({
    reason: `container ${placeholder.label} is a placeholder (image ${placeholder.image})`,
    injected: `the serving container is injected at admission: container ${placeholder.label} is a placeholder (image ${placeholder.image}) that a webhook replaces, so its preStop and probes in the manifest are not the ones that run; set them where the injected container is defined`,
  });
  if (targetPort !== undefined) {
    const numeric = typeof targetPort === 'string' && /^\d+$/.test(targetPort) ? Number(targetPort) : targetPort;
    const declaring = containers.find((c) => declares(c, numeric) && !isSidecarName(c.name));
    if (declaring) {
      if (isPlaceholderImage(declaring.image)) return injected(declaring);
      return { container: declaring, reason: `declares the Service's targetPort ${describePort(numeric)}` };
    }
    if (typeof numeric === 'string') {
      if (placeholders[0]) return injected(placeholders[0]);
      return { reason: `no container declares a port named '${numeric}' (the Service's targetPort), so the Service gets no endpoint from these pods` };
    }
  }
  const what = targetPort !== undefined ? `no container declares port ${targetPort}` : 'no port to match';
  if (application.length === 0 && placeholders[0]) return injected(placeholders[0]);
  if (application.length === 1) return { container: application[0]!, reason: `the only ${containers.length > 1 ? 'application ' : ''}container (${what})` };
  if (application.length === 0) return { reason: `every container is a sidecar (${containers.map((c) => c.label).join(', ')})` };
  return { container: application[0]!, reason: `assumed: ${what}; took the first application container` };
}
