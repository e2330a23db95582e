/**
 * The doctor's own reading (`diagnoseManifests`) keeps only the identity of objects whose kind
 * it never reads (ReadOptions.keepWhole); what it reports must be exactly what the whole objects
 * give: same report, same text, on every corpus case and on documents built to trip a shortcut.
 */
import * as path from 'path';
import { readSources } from '../../src/cli/doctor-command';
import { diagnose, diagnoseManifests, formatText, readManifestText, type DoctorOptions, type DoctorReport, type InputNote, type InputProblem, type ManifestObject, type ManifestSource, type SourceSummary } from '../../src/doctor';
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

function expectSame(sources: readonly ManifestSource[], options: DoctorOptions = {}, problems: readonly InputProblem[] = []): DoctorReport {
  const fast = diagnoseManifests(sources, options, problems);
  const whole = wholeReport(sources, options, problems);
  expect(fast).toEqual(whole);
  expect(formatText(fast)).toBe(formatText(whole));
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
  };

  it.each(Object.entries(adversarial))('%s', (_, text) => {
    expectSame([
      { path: 'served.yaml', text: served },
      { path: 'odd.yaml', text },
    ]);
  });

  it('still reports a broken document and a duplicate of a kind it does not read', () => {
    const report = expectSame([{ path: 'odd.yaml', text: `${served}---\n${adversarial['an object given twice, and a broken one']!}` }]);
    expect(report.problems.map((p) => p.document)).toEqual([5]);
    expect(report.inputNotes.map((n) => n.message).filter((m) => m.startsWith('ConfigMap shop/twice is given 2 times'))).toHaveLength(1);
    expect(report.objectCount).toBe(4);
    expect(report.workloads.map((w) => `${w.workload.namespace}/${w.workload.name}`)).toEqual(['shop/api']);
  });
});
