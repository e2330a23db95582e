/**
 * The doctor's own reading (`diagnoseManifests`) keeps only the identity of objects whose kind
 * it never reads (ReadOptions.keepWhole), and of workloads only what pairing reads, reading a
 * paired one whole again from its document (ReadOptions.readOnDemand); the CLI's text report
 * diagnoses and writes one workload at a time (`diagnoseManifestsEach`). What it reports must be
 * exactly what the whole objects give: same report, same text, on every corpus case and on
 * documents built to trip a shortcut.
 */
import * as path from 'path';
import { readSources } from '../../src/cli/doctor-command';
import { diagnose, diagnoseManifests, formatText, readManifestText, type DoctorOptions, type DoctorReport, type InputNote, type InputProblem, type ManifestObject, type ManifestSource, type SourceSummary } from '../../src/doctor';
import { diagnoseManifestsEach, type StreamedReport } from '../../src/doctor/doctor';
import { TextReportWriter } from '../../src/doctor/format/text';
import type { WorkloadDiagnosis } from '../../src/doctor/types';
import { CASES, CORPUS } from './corpus';

/** The reference: every object read whole, then the same diagnosis. */
function wholeReport(sources: readonly ManifestSource[], options: DoctorOptions, extraProblems: readonly InputProblem[]): DoctorReport {
  const objects: ManifestObject[] = [];
  const summaries: SourceSummary[] = [];
  const problems: InputProblem[] = [...extraProblems];
  const notes: InputNote[] = [];
  for (const source of sources) {
    const read = readManifestText(source);
    summaries.push({ file: source.path, objects: read.objects.length, ...(read.problems.length > 0 && { unusable: true }) });
    objects.push(...read.objects);
    problems.push(...read.problems);
    notes.push(...read.notes);
  }
  for (const problem of extraProblems) if (!summaries.some((s) => s.file === problem.file)) summaries.push({ file: problem.file, objects: 0, unusable: true });
  return diagnose(objects, options, { sources: summaries, problems, notes });
}

/** The CLI's text path: each workload diagnosed, written and let go. */
function streamedText(sources: readonly ManifestSource[], options: DoctorOptions, problems: readonly InputProblem[]): { text: string; report: StreamedReport; workloads: WorkloadDiagnosis[] } {
  const parts: string[] = [];
  const workloads: WorkloadDiagnosis[] = [];
  const writer = new TextReportWriter((chunk) => parts.push(chunk));
  const report = diagnoseManifestsEach(sources, options, problems, (diagnosis) => {
    workloads.push(diagnosis);
    writer.workload(diagnosis);
  });
  writer.end(report);
  return { text: parts.join(''), report, workloads };
}

function expectSame(sources: readonly ManifestSource[], options: DoctorOptions = {}, problems: readonly InputProblem[] = []): DoctorReport {
  const fast = diagnoseManifests(sources, options, problems);
  const whole = wholeReport(sources, options, problems);
  expect(fast).toEqual(whole);
  expect(formatText(fast)).toBe(formatText(whole));
  const streamed = streamedText(sources, options, problems);
  expect(streamed.workloads).toEqual(whole.workloads);
  expect(streamed.report.workloadCount).toBe(whole.workloads.length);
  expect(streamed.text).toBe(formatText(whole));
  return fast;
}

const silentIo = { stdin: '', stdout: { write: () => undefined }, stderr: { write: () => undefined } };

describe('identity-only objects change no report', () => {
  it.each(Object.keys(CASES))('corpus case %s', async (name) => {
    const c = CASES[name]!;
    const { sources, problems } = await readSources([path.join(CORPUS, c.input)], silentIo);
    expectSame(sources, c.options ?? {}, problems);
  });

  // A workload behind an LBC NLB, so that every adversarial document sits beside a diagnosis.
  const served = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api:1
          ports: [{name: grpc, containerPort: 7070}]
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
spec:
  type: LoadBalancer
  selector: {app: api}
  ports: [{name: grpc, port: 443, targetPort: grpc}]
`;

  const lbService = (name: string, app: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip}
spec:
  type: LoadBalancer
  selector: {app: ${app}}
  ports: [{name: grpc, port: 443, targetPort: 9090}]
`;

  const adversarial: Record<string, string> = {
    'a Service inside a ConfigMap block scalar': `apiVersion: v1
kind: ConfigMap
metadata: {name: manifests, namespace: shop}
data:
  svc.yaml: |
    apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec: {type: ClusterIP}
`,
    'flow-style documents': `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flow", "namespace": "shop"}, "data": {"k": "v"}}
---
{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: api, namespace: shop}, spec: {maxUnavailable: 0, selector: {matchLabels: {app: api}}}}
`,
    'anchors and aliases across kinds': `apiVersion: v1
kind: ConfigMap
metadata: &meta {name: shared, namespace: shop}
data: {a: b}
---
apiVersion: v1
kind: Secret
metadata:
  <<: {name: merged, namespace: shop}
type: Opaque
`,
    'a quoted kind': `"apiVersion": "v1"
"kind": "ConfigMap"
'metadata': {'name': 'quoted', "namespace": "shop"}
`,
    'a duplicate kind key (the last wins)': `apiVersion: v1
kind: Service
kind: ConfigMap
metadata: {name: api, namespace: shop}
data: {x: y}
`,
    'comments everywhere': `# kind: Service
apiVersion: v1 # kind: Deployment
kind: ConfigMap   # not a Service
metadata:
  # namespace: other
  name: commented
  namespace: shop
`,
    '--- inside a block scalar (a document marker, as YAML says)': `apiVersion: v1
kind: ConfigMap
metadata: {name: cut, namespace: shop}
data:
  a: |
    line
---
kind: Service
`,
    'an object given twice, and a broken one': `apiVersion: v1
kind: ConfigMap
metadata: {name: twice, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: twice, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: broken, namespace: shop}
data: {a: [unclosed
`,
    'a List of other kinds, names that are not strings': `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: 42, namespace: shop}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: "42", namespace: shop}}
  - {apiVersion: v1, kind: ServiceAccount, metadata: [not, a, map]}
  - {apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {elbv2.k8s.aws/pod-readiness-gate-inject: enabled}}}
`,
    // Workloads keep only what pairing reads (ReadOptions.readOnDemand) and are read whole
    // again from their document when paired: each way a document can be read must give it back.
    'a paired Deployment inside a List': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: before, namespace: shop}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: listed, namespace: shop}
    spec:
      replicas: 3
      selector: {matchLabels: {app: listed}}
      template:
        metadata: {labels: {app: listed}}
        spec:
          terminationGracePeriodSeconds: 10
          containers: [{name: listed, image: listed:1, ports: [{name: grpc, containerPort: 9090}]}]
---
${lbService('listed', 'listed')}`,
    'a paired Deployment that only js-yaml reads (anchors, a merge key)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: anchored, namespace: shop, labels: &labels {app: anchored}}
spec:
  selector: {matchLabels: *labels}
  template:
    metadata:
      labels:
        <<: *labels
        tier: backend
    spec:
      containers:
        - &main
          name: anchored
          image: anchored:1
          ports: [{name: grpc, containerPort: 9090}]
          readinessProbe: {grpc: {port: 9090}, periodSeconds: 5}
          livenessProbe: {grpc: {port: 9090}, periodSeconds: 5}
---
${lbService('anchored', 'anchored')}`,
    'a paired Deployment with a key given twice': `apiVersion: apps/v1
kind: Deployment
metadata: {name: twice-keyed, namespace: shop}
spec:
  replicas: 2
  replicas: 4
  selector: {matchLabels: {app: twice-keyed}}
  template:
    metadata: {labels: {app: twice-keyed}}
    spec:
      terminationGracePeriodSeconds: 5
      terminationGracePeriodSeconds: 90
      containers: [{name: app, image: app:1, lifecycle: {preStop: {sleep: {seconds: 3}}}}]
---
${lbService('twice-keyed', 'twice-keyed')}`,
    'a paired Deployment given twice (the last is read whole)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: again, namespace: shop}
spec:
  selector: {matchLabels: {app: again}}
  template:
    metadata: {labels: {app: again}}
    spec:
      containers: [{name: first, image: first:1, lifecycle: {preStop: {sleep: {seconds: 40}}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: again, namespace: shop}
spec:
  selector: {matchLabels: {app: again}}
  template:
    metadata: {labels: {app: again}}
    spec:
      terminationGracePeriodSeconds: 20
      containers: [{name: second, image: second:1}]
---
${lbService('again', 'again')}`,
    'workloads with odd pod templates, and one paired by the budget annotation only': `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: odd, namespace: shop}
spec: {template: {metadata: [not, a, map]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: numbers, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api, version: 2, canary: true}}
    spec: {containers: [{name: api, image: api:2}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: budgeted, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: budgeted}
      annotations: {grpc-drain.dev/budget: '{"propagationSeconds": 20, "drainSeconds": 10}'}
    spec: {containers: [{name: db, image: db:1, ports: [{name: grpc, containerPort: 5432}]}]}
`,
  };

  it.each(Object.entries(adversarial))('%s', (_, text) => {
    expectSame([
      { path: 'served.yaml', text: served },
      { path: 'odd.yaml', text },
    ]);
  });

  it('diagnoses each workload read on demand from its whole object', () => {
    const texts = Object.entries(adversarial).filter(([name]) => /paired|budget annotation/.test(name));
    const report = expectSame(texts.map(([name, text], i) => ({ path: `odd-${i}.yaml`, text: name.includes('List') ? text : `${served}---\n${text}` })));
    const byName = new Map(report.workloads.map((w) => [w.workload.name, w]));
    // Numbers that only the whole object holds: replicas, grace periods, the container of the last copy.
    expect([...byName.keys()].sort()).toEqual(['again', 'anchored', 'api', 'budgeted', 'listed', 'twice-keyed']);
    expect(byName.get('listed')!.settings.rollout?.replicas).toBe(3);
    expect(byName.get('listed')!.settings.terminationGracePeriodSeconds).toBe(10);
    expect(byName.get('twice-keyed')!.settings.rollout?.replicas).toBe(4);
    expect(byName.get('twice-keyed')!.settings.terminationGracePeriodSeconds).toBe(90);
    expect(byName.get('again')!.container).toBe('second');
    expect(byName.get('again')!.settings.terminationGracePeriodSeconds).toBe(20);
    expect(byName.get('anchored')!.protocol).toBe('gRPC');
    // Pod labels that are numbers and booleans pair as the strings Kubernetes would reject them as (the kept labels, as read).
    expect(report.notes).toContain("Service shop/api → Deployment shop/numbers: no container declares a port named 'grpc' (the Service's targetPort), so the Service gets no endpoint from these pods.");
  });

  it('keeps a workload reduced until it is asked for whole', () => {
    const read = readManifestText({ path: 'w.yaml', text: served }, { keepWhole: () => false, readOnDemand: (kind) => kind === 'Deployment' });
    const [workload, service] = read.objects;
    expect(workload!.object).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'api' } } } } });
    const whole = workload!.whole!();
    expect((whole['spec'] as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map((c) => c.name)).toEqual(['api']);
    // Read again each time, not kept by the object.
    expect(workload!.whole!()).not.toBe(whole);
    expect(workload!.whole!()).toEqual(whole);
    expect(service!.object).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' } });
    expect(service!.whole!()).toBe(service!.object);
  });

  it('still reports a broken document and a duplicate of a kind it does not read', () => {
    const report = expectSame([{ path: 'odd.yaml', text: `${served}---\n${adversarial['an object given twice, and a broken one']!}` }]);
    expect(report.problems.map((p) => p.document)).toEqual([5]);
    expect(report.inputNotes.map((n) => n.message).filter((m) => m.startsWith('ConfigMap shop/twice is given 2 times'))).toHaveLength(1);
    expect(report.objectCount).toBe(4);
    expect(report.workloads.map((w) => `${w.workload.namespace}/${w.workload.name}`)).toEqual(['shop/api']);
  });
});
