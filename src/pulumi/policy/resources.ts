import type { JsonObject, ManifestObject } from '../../doctor';

/** A Pulumi resource as policies see it: its type token, inputs (or outputs), name and URN. */
export interface PolicyResourceLike {
  readonly type: string;
  readonly props: Record<string, unknown>;
  readonly name: string;
  readonly urn: string;
}

/** The Kubernetes kinds the doctor reads. */
const KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'Service', 'Namespace', 'PodDisruptionBudget', 'TargetGroupBinding']);

/** `kubernetes:apps/v1:Deployment`, `kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding` (a CustomResource). */
const TYPE_TOKEN = /^kubernetes:([^:]+):([A-Za-z]+)$/;

const MAX_DEPTH = 64;

/**
 * A plain-data copy of resource properties. During `pulumi preview` a property that depends
 * on another resource's output is unknown, and @pulumi/policy throws `UnknownValueError`
 * when it is read: such a property is left out of the copy, and its path is added to
 * `unknown` so that the caller does not mistake it for an unset field.
 */
export function plainCopy(value: unknown, unknown: (string | number)[][] = [], path: (string | number)[] = []): unknown {
  if (path.length > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let i = 0; i < value.length; i += 1) {
      try {
        copy.push(plainCopy(value[i], unknown, [...path, i]));
      } catch {
        unknown.push([...path, i]);
        copy.push(undefined);
      }
    }
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      try {
        const item = plainCopy((value as Record<string, unknown>)[key], unknown, [...path, key]);
        if (item !== undefined) copy[key] = item;
      } catch {
        unknown.push([...path, key]);
      }
    }
    return copy;
  }
  return value;
}

/** A path pattern: `*` matches any one segment; a pattern matches a path it is a prefix of, or that is a prefix of it. */
type Pattern = readonly string[];

const CONTAINER_FIELDS = ['name', 'ports', 'lifecycle', 'readinessProbe', 'livenessProbe'];
const WORKLOAD_PATTERNS: readonly Pattern[] = [
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['spec', 'selector'],
  ['spec', 'strategy'],
  ['spec', 'updateStrategy'],
  ['spec', 'minReadySeconds'],
  ['spec', 'template', 'metadata', 'labels'],
  ['spec', 'template', 'metadata', 'annotations', 'grpc-drain.dev/budget'],
  ['spec', 'template', 'spec', 'terminationGracePeriodSeconds'],
  ['spec', 'template', 'spec', 'readinessGates'],
  ...CONTAINER_FIELDS.map((field) => ['spec', 'template', 'spec', 'containers', '*', field]),
];
const PATTERNS: Readonly<Record<string, readonly Pattern[]>> = {
  Deployment: WORKLOAD_PATTERNS,
  StatefulSet: WORKLOAD_PATTERNS,
  Service: [['metadata', 'name'], ['metadata', 'namespace'], ['metadata', 'annotations'], ['spec']],
  TargetGroupBinding: [['metadata', 'name'], ['metadata', 'namespace'], ['spec']],
  PodDisruptionBudget: [['metadata', 'namespace'], ['spec', 'selector']],
  Namespace: [['metadata', 'name'], ['metadata', 'labels']],
};

function overlaps(pattern: Pattern, path: readonly (string | number)[]): boolean {
  const length = Math.min(pattern.length, path.length);
  for (let i = 0; i < length; i += 1) {
    if (pattern[i] !== '*' && pattern[i] !== String(path[i])) return false;
  }
  return true;
}

/** Whether an unknown path could change what the doctor concludes about an object of this kind. */
export function isRelevantUnknown(kind: string, path: readonly (string | number)[]): boolean {
  return (PATTERNS[kind] ?? []).some((pattern) => overlaps(pattern, path));
}

/**
 * The Kubernetes object a Pulumi Kubernetes resource stands for, `undefined` for any other
 * resource. `apiVersion` and `kind` come from the type token; an auto-named object (no
 * `metadata.name` yet during preview) is named after the Pulumi resource. Paths unknown
 * during preview are added to `unknown`.
 */
export function kubernetesObject(resource: PolicyResourceLike, unknown: (string | number)[][] = []): JsonObject | undefined {
  const match = TYPE_TOKEN.exec(resource.type);
  if (!match || !KINDS.has(match[2]!)) return undefined;
  const apiVersion = match[1] === 'core/v1' ? 'v1' : match[1]!;
  const kind = match[2]!;
  let props: unknown;
  try {
    props = plainCopy(resource.props, unknown);
  } catch {
    return undefined;
  }
  const object = (typeof props === 'object' && props !== null ? props : {}) as Record<string, unknown>;
  const metadata = typeof object['metadata'] === 'object' && object['metadata'] !== null ? (object['metadata'] as Record<string, unknown>) : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : resource.name;
  return { ...object, apiVersion, kind, metadata: { ...metadata, name } };
}

/** The stack's Kubernetes objects, and what preview could not know about them. */
export interface StackObjects {
  /** Each object located by its resource's URN. */
  readonly objects: ManifestObject[];
  /**
   * Namespaces where an object has an unknown value that matters to the doctor (a label,
   * an annotation, a port, a probe, ...): its conclusions there would be guesses. `*` when
   * an object's namespace itself is unknown. Each with a description of the first unknown.
   */
  readonly uncertain: ReadonlyMap<string, string>;
}

/** The stack's Kubernetes objects, each located by its resource's URN. */
export function stackObjects(resources: readonly PolicyResourceLike[]): StackObjects {
  const objects: ManifestObject[] = [];
  const uncertain = new Map<string, string>();
  resources.forEach((resource, index) => {
    const unknown: (string | number)[][] = [];
    const object = kubernetesObject(resource, unknown);
    if (!object) return;
    objects.push({ object, location: { file: resource.urn, document: index + 1 } });
    const kind = String(object['kind']);
    const relevant = unknown.find((path) => isRelevantUnknown(kind, path));
    if (!relevant) return;
    const metadata = object['metadata'] as Record<string, unknown>;
    const namespaceUnknown = unknown.some((path) => path[0] === 'metadata' && (path.length === 1 || path[1] === 'namespace'));
    const namespace = namespaceUnknown ? '*' : kind === 'Namespace' ? String(metadata['name']) : typeof metadata['namespace'] === 'string' ? metadata['namespace'] : 'default';
    if (!uncertain.has(namespace)) uncertain.set(namespace, `${kind} ${String(metadata['name'])}: ${relevant.join('.')}`);
  });
  return { objects, uncertain };
}
