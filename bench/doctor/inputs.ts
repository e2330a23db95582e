/**
 * The inputs of `bench/doctor` (see index.ts): documents of Kubernetes objects as charts and
 * kustomize render them, from a fixed seed, so that every run benches the same bytes. Also read
 * by test/doctor/block-yaml.test.ts, which checks the doctor's fast YAML reader on them.
 */
// The inputs are written by js-yaml 3's dumper, as they always were, so that they stay byte for byte the same.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { safeDump } = require('js-yaml-3') as { safeDump(value: unknown, options: { lineWidth: number }): string };

const NAMESPACES = 40;

/** A deterministic pseudo-random sequence (mulberry32), so every run benches the same file. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function deployment(app: string, namespace: string, r: () => number): object {
  const preStop = r() < 0.6 ? { lifecycle: { preStop: r() < 0.7 ? { sleep: { seconds: r() < 0.8 ? 20 : 5 } } : { exec: { command: ['/bin/sh', '-c', 'sleep 15'] } } } } : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace, labels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop', 'helm.sh/chart': `${app}-1.2.3` } },
    spec: {
      replicas: 1 + Math.floor(r() * 6),
      revisionHistoryLimit: 10,
      selector: { matchLabels: { 'app.kubernetes.io/name': app } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: r() < 0.5 ? 0 : '25%' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100' } },
        spec: {
          serviceAccountName: app,
          ...(r() < 0.5 && { terminationGracePeriodSeconds: r() < 0.5 ? 45 : 300 }),
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            {
              name: app,
              image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${app}:1.${Math.floor(r() * 40)}.0`,
              imagePullPolicy: 'IfNotPresent',
              args: ['--config=/etc/app/config.yaml', '--log-format=json'],
              ports: [
                { name: 'grpc', containerPort: 7070, protocol: 'TCP' },
                { name: 'health', containerPort: 8080, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
              ],
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
              ],
              ...preStop,
              readinessProbe: { httpGet: { path: '/ready', port: 'health' }, periodSeconds: 5, failureThreshold: 2 },
              livenessProbe: { httpGet: { path: r() < 0.1 ? '/ready' : '/live', port: 'health' }, periodSeconds: 10 },
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: `${app}-config` } }],
        },
      },
    },
  };
}

function service(app: string, namespace: string, r: () => number): object {
  const nlb = r() < 0.35;
  const annotations: Record<string, string> = nlb
    ? {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
        ...(r() < 0.6 && {
          'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
          'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8080',
          'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': r() < 0.7 ? '/ready' : '/live',
        }),
        ...(r() < 0.5 && {
          'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true',
        }),
      }
    : {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace, labels: { 'app.kubernetes.io/name': app }, ...(nlb && { annotations }) },
    spec: {
      type: nlb ? 'LoadBalancer' : 'ClusterIP',
      selector: { 'app.kubernetes.io/name': app },
      ports: [
        { name: 'grpc', port: nlb ? 443 : 7070, targetPort: 'grpc', protocol: 'TCP' },
        { name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

function pdb(app: string, namespace: string): object {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: app, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': app } } } };
}

/** A CustomResourceDefinition with a schema of `fields` properties, each described, as chart CRDs are. */
function crd(group: string, kind: string, fields: number, r: () => number): object {
  const property = (i: number, depth: number): object => {
    const description = `${kind} field ${i}: ${'configures how the controller reconciles this resource and which defaults apply when it is unset. '.repeat(1 + Math.floor(r() * 3))}`.trim();
    if (depth < 2 && r() < 0.25) {
      const nested: Record<string, object> = {};
      for (let j = 0; j < 4; j += 1) nested[`sub${j}`] = property(j, depth + 1);
      return { type: 'object', description, properties: nested };
    }
    return r() < 0.5 ? { type: 'string', description } : { type: 'integer', format: 'int32', description, minimum: 0 };
  };
  const properties: Record<string, object> = {};
  for (let i = 0; i < fields; i += 1) properties[`field${i}`] = property(i, 0);
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, annotations: { 'controller-gen.kubebuilder.io/version': 'v0.16.1' } },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, spec: { type: 'object', properties } } } } }],
    },
  };
}

function configMap(app: string, namespace: string, r: () => number): object {
  const lines = Array.from({ length: 20 + Math.floor(r() * 60) }, (_, i) => `  option_${i}: ${r() < 0.5 ? 'true' : Math.floor(r() * 1000)}`);
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-config`, namespace, labels: { 'app.kubernetes.io/name': app } }, data: { 'config.yaml': `server:\n${lines.join('\n')}\n`, LOG_LEVEL: 'info' } };
}

function secret(app: string, namespace: string, r: () => number): object {
  const bytes = Buffer.from(Array.from({ length: 48 + Math.floor(r() * 200) }, () => Math.floor(r() * 256)));
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: `${app}-secret`, namespace }, data: { password: bytes.toString('base64'), 'tls.key': Buffer.concat([bytes, bytes, bytes]).toString('base64') } };
}

function rbac(app: string, namespace: string): object[] {
  const rules = [
    { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  ];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: app, namespace }, rules },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: app, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: app }, subjects: [{ kind: 'ServiceAccount', name: app, namespace }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${namespace}-${app}` }, rules },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `${namespace}-${app}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${namespace}-${app}` }, subjects: [{ kind: 'ServiceAccount', name: app, namespace }] },
  ];
}

/** The two inputs: every document a workload or its Service/PDB, or releases of charts as `helm template` renders them. */
export type Mix = 'workloads' | 'charts';

/**
 * The objects of one app. `workloads`: a Deployment, a Service and, for two apps in three, a
 * PDB. `charts`: one chart release of two apps, each with its ConfigMap, Secret, ServiceAccount and
 * RBAC, a Deployment and a Service (and a PDB for the first), and for one release in three two
 * CRDs of 40 fields (an operator's chart): the proportions of charts such as argo-cd,
 * cert-manager or kube-prometheus-stack, whose CRDs and config are most of their bytes.
 */
function objectsOf(mix: Mix, i: number, r: () => number): object[] {
  const namespace = `team-${i % NAMESPACES}`;
  if (mix === 'workloads') {
    const app = `svc-${i}`;
    return [deployment(app, namespace, r), service(app, namespace, r), ...(i % 3 !== 2 ? [pdb(app, namespace)] : [])];
  }
  const release = `rel-${i}`;
  const objects: object[] = i % 3 === 0 ? [crd(`${release}.example.io`, 'Widget', 40, r), crd(`${release}.example.io`, 'Gadget', 40, r)] : [];
  for (const [n, app] of [`${release}-server`, `${release}-worker`].entries()) {
    objects.push(configMap(app, namespace, r), secret(app, namespace, r), ...rbac(app, namespace), deployment(app, namespace, r), service(app, namespace, r));
    if (n === 0) objects.push(pdb(app, namespace));
  }
  return objects;
}

/** The documents of the mix (each `---` and its object), until they hold `bytes` (UTF-8), ending with a whole app. */
export function* inputDocuments(mix: Mix, bytes: number): Generator<{ readonly text: string; readonly kind: string }> {
  const r = random(42);
  let written = 0;
  for (let i = 0; written < bytes; i += 1) {
    for (const object of objectsOf(mix, i, r)) {
      const text = `---\n${safeDump(object, { lineWidth: -1 })}`;
      written += Buffer.byteLength(text);
      yield { text, kind: (object as { kind: string }).kind };
    }
  }
}
