/** Reading manifests as Kubernetes and Helm do, and locating fields only when asked. */
import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { readManifestText, parseManifestText, ManifestParseError } from '../../src/doctor';
import { splitDocuments } from '../../src/doctor/input/documents';
import { safeLoadAll } from '../../src/doctor/input/js-yaml';
import { DocumentLocator } from '../../src/doctor/input/locate';
import { GIVE_UP, scanLines, scanLocate } from '../../src/doctor/input/scan';
import { doctorText, FIXTURES } from './helpers';

describe('cutting a stream into documents', () => {
  it.each([
    ['a: 1\n', [[1, 1]]],
    ['---\na: 1\n---\nb: 2\n', [[1, 1], [2, 3]]],
    ['# Source: chart/templates/a.yaml\n---\na: 1\n', [[1, 2]]],
    ['a: 1\n---\n', [[1, 1], [2, 2]]],
    ['a: |\n  text\n--- # next\nb: 2\n', [[1, 1], [2, 3]]],
    ['a: 1\n...\nb: 2\n', [[1, 1], [2, 3]]],
    ['a: "---"\n----\nb: c\n', [[1, 1]]],
    ['\ufeff---\na: 1\n', [[1, 1]]],
  ] as const)('%j → documents at lines %j', (text, expected) => {
    expect(splitDocuments(text).map((c) => [c.index, c.line])).toEqual(expected);
  });
});

describe('reading like Kubernetes and Helm', () => {
  it('keeps the last value of a key given twice, and says where (the hatchet chart writes `name` twice)', () => {
    const read = readManifestText({ path: 'svc.yaml', text: 'kind: Service\nmetadata:\n  name: engine\nspec:\n  ports:\n    - name: http\n      port: 7070\n      name: grpc\n' });
    expect(read.problems).toEqual([]);
    expect(read.objects[0]!.object).toEqual({ kind: 'Service', metadata: { name: 'engine' }, spec: { ports: [{ name: 'grpc', port: 7070 }] } });
    expect(read.notes).toEqual([
      {
        location: { file: 'svc.yaml', document: 1, line: 8, column: 7 },
        message: 'key name appears twice in one mapping: the last value is used, as Helm and kubectl\'s decoder do; kubectl apply with field validation Strict (--validate=strict) rejects the object',
      },
    ]);
  });

  it('honours merge keys, later keys overriding merged ones', () => {
    // `z`, not `y`: a plain `y` is the boolean true to go-yaml v2 (resolve.go), a key too.
    const text = 'kind: Deployment\nmetadata: {name: x}\nspec:\n  a: &base {x: 1, z: 2}\n  b:\n    <<: *base\n    z: 3\n';
    const object = readManifestText({ path: 'm.yaml', text }).objects[0]!.object as { spec: { b: unknown } };
    expect(object.spec.b).toEqual({ x: 1, z: 3 });
  });

  it('skips one broken document with its line, and reads the others of the file', () => {
    const read = readManifestText({ path: 'all.yaml', text: 'kind: Namespace\nmetadata: {name: a}\n---\nkind: [broken\n---\nkind: Namespace\nmetadata: {name: b}\n' });
    expect(read.objects.map((o) => (o.object['metadata'] as { name: string }).name)).toEqual(['a', 'b']);
    expect(read.problems).toEqual([{ file: 'all.yaml', document: 2, line: 5, column: 1, message: 'document 2 is not valid YAML (unexpected end of the stream within a flow collection), so it is skipped' }]);
  });

  it('refuses an alias bomb like go-yaml v2 does, instead of expanding it', () => {
    const bomb = ['kind: Service', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const read = readManifestText({ path: 'bomb.yaml', text: bomb });
    expect(read.objects).toEqual([]);
    expect(read.problems[0]!.message).toBe("document 1 uses 120 aliases; Kubernetes' YAML decoder refuses more than 100 (excessive aliasing), so this document is skipped");
  });

  it('reports a binary file as unusable', () => {
    expect(readManifestText({ path: 'x.bin', text: 'kind: A\u0000' }).problems[0]!.message).toBe('the file holds NUL bytes: it is not a YAML or JSON text');
  });

  it('keeps the strict reader for synthesized manifests (the cdk8s plugin)', () => {
    expect(() => parseManifestText({ path: 'x.yaml', text: 'kind: [' })).toThrow(ManifestParseError);
    expect(() => parseManifestText({ path: 'x.yaml', text: 'kind: [' })).toThrow('x.yaml:2:1: document 1 is not valid YAML (unexpected end of the stream within a flow collection)');
  });

  // sigs.k8s.io/yaml decodes with go-yaml v2 into interface{}, which keeps a timestamp-looking
  // scalar as the string it is written as (go-yaml v2 decode.go, `scalar`, reflect.Interface).
  it('reads a date-like label, annotation or tagged value as the string Kubernetes sees, not a Date', () => {
    const text = 'kind: ConfigMap\nmetadata:\n  name: c\n  labels: {release: 2024-01-01}\n  annotations:\n    deployed-at: 2024-01-01T10:00:00Z\n    tagged: !!timestamp 2001-12-14\n';
    const read = readManifestText({ path: 'c.yaml', text });
    expect(read.problems).toEqual([]);
    expect(read.objects[0]!.object).toEqual({
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { release: '2024-01-01' }, annotations: { 'deployed-at': '2024-01-01T10:00:00Z', tagged: '2001-12-14' } },
    });
  });

  const datedPair = (podRelease: string) => `apiVersion: v1
kind: Service
metadata:
  name: api
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
spec:
  type: LoadBalancer
  selector: {app: api, release: 2024-01-01}
  ports: [{name: grpc, port: 443, targetPort: 7070}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api, release: ${podRelease}}}
  template:
    metadata: {labels: {app: api, release: ${podRelease}}}
    spec:
      containers: [{name: api, image: api, ports: [{containerPort: 7070}]}]
`;

  it('pairs a Service with a date-like selector value only with the pods that carry that value', () => {
    expect(doctorText(datedPair('2024-01-02')).workloads).toEqual([]);
    const report = doctorText(datedPair('2024-01-01'));
    expect(report.workloads.map((w) => w.workload.name)).toEqual(['api']);
    // The PodDisruptionBudget the fix creates selects the same pods: the date label included.
    const pdb = report.workloads[0]!.findings.find((f) => f.rule === 'pdb-present')!.fix.find((f) => f.action === 'create')!;
    expect(pdb.yaml).toContain("matchLabels:\n      app: api\n      release: '2024-01-01'\n");
  });

  it('warns about an object given twice across inputs and diagnoses the last one', () => {
    const report = doctorText('kind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: a, labels: {v: "2"}}\n');
    expect(report.inputNotes.map((n) => n.message)).toEqual(['Service default/a is given 2 times (input.yaml:1, input.yaml:4): applied in order, each replaces the one before, so only the last is diagnosed']);
  });
});

describe('locating fields', () => {
  const text = [
    '# Source: chart/templates/deployment.yaml', // 1
    '---', // 2
    'apiVersion: apps/v1', // 3
    'kind: Deployment', // 4
    'metadata:', // 5
    '  name: api', // 6
    'spec:', // 7
    '  template:', // 8
    '    spec:', // 9
    '      containers:', // 10
    '      - name: sidecar', // 11
    '        image: envoy', // 12
    '      - name: api # the server', // 13
    '        lifecycle:', // 14
    '          preStop: {exec: {command: [/wait-shutdown]}}', // 15
    '      terminationGracePeriodSeconds: 300', // 16
  ].join('\n');

  it.each([
    [[], 3, 1],
    [['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], 16, 7],
    [['spec', 'template', 'spec', 'containers', 1], 13, 9],
    [['spec', 'template', 'spec', 'containers', 1, 'lifecycle', 'preStop'], 15, 11],
    // The deepest part that exists: the container, for a probe it does not have.
    [['spec', 'template', 'spec', 'containers', 1, 'readinessProbe'], 13, 9],
  ] as const)('%j is at line %i, column %i', (path, line, column) => {
    const object = readManifestText({ path: 'd.yaml', text }).objects[0]!;
    expect(object.locate!(path)).toEqual({ file: 'd.yaml', document: 1, line, column });
  });

  it('points at the merge key for a field that came from one', () => {
    const object = readManifestText({ path: 'm.yaml', text: 'kind: Service\nmetadata:\n  name: a\n  annotations:\n    <<: {x: "1"}\n' }).objects[0]!;
    expect(object.locate!(['metadata', 'annotations', 'x'])).toMatchObject({ line: 5, column: 5 });
  });

  it('locates List items with their index', () => {
    const object = readManifestText({ path: 'l.yaml', text: 'kind: List\nitems:\n- kind: Service\n  metadata: {name: a}\n- kind: Service\n  metadata: {name: b}\n' }).objects[1]!;
    expect(object.location).toEqual({ file: 'l.yaml', document: 1, item: 1, line: 5, column: 3 });
    expect(object.locate!(['metadata', 'name'])).toEqual({ file: 'l.yaml', document: 1, item: 1, line: 6, column: 14 });
  });
});

describe('exact positions through the shared line table', () => {
  // Each document's lines are scanned once and serve both the walk and offset → line/column,
  // for the scan and the parse alike: positions must not move with line endings, comment
  // lines, a `-` alone on its line, a document after the first, or a flow mapping (the parse).
  const first = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: a', '  # a comment', '  annotations:', '    x: "1"', 'spec:', '  ports:', '  -', '    name: grpc', '    port: 443', '---', ''].join('\n');
  const second = ['kind: Service', 'metadata: {name: b}', 'spec:', '  selector:', '    app: b', ''].join('\r\n');
  // Nested flow mappings and a flow sequence of them: every key where it is written.
  const third = ['---', 'kind: Service', 'metadata: {name: c, annotations: {y: "2", z: x}}', 'spec:', '  ports: [{port: 80, name: grpc}]', ''].join('\n');
  const objects = readManifestText({ path: 't.yaml', text: first + second + third }).objects;

  it.each([
    [0, [], 1, 1],
    [0, ['metadata', 'annotations', 'x'], 7, 5],
    // `-` alone on its line: the item is its first key, on the next line.
    [0, ['spec', 'ports', 0], 11, 5],
    [0, ['spec', 'ports', 0, 'port'], 12, 5],
    // No second item: the deepest part that exists, the key `ports`.
    [0, ['spec', 'ports', 1], 9, 3],
    // CRLF line endings, in the second document of the file.
    [1, [], 14, 1],
    [1, ['spec', 'selector', 'app'], 18, 5],
    [1, ['spec', 'selector', 'none'], 17, 3],
    // A flow mapping: the scan gives up and the parse answers, through the same line table.
    [1, ['metadata', 'name'], 15, 12],
    // The first key of a nested flow mapping (js-yaml's listener opens it at its parent's key).
    [2, ['metadata', 'annotations', 'y'], 21, 35],
    [2, ['metadata', 'annotations', 'z'], 21, 43],
    [2, ['metadata', 'annotations'], 21, 21],
    [2, ['spec', 'ports', 0], 23, 11],
    [2, ['spec', 'ports', 0, 'port'], 23, 12],
    [2, ['spec', 'ports', 0, 'name'], 23, 22],
  ] as const)('object %i: %j is at line %i, column %i', (index, path, line, column) => {
    expect(objects[index]!.locate!(path)).toEqual({ file: 't.yaml', document: index + 1, line, column });
  });
});

describe('the line scan agrees with the parse', () => {
  function files(dir: string): string[] {
    return readdirSync(dir)
      .sort()
      .flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? files(path.join(dir, name)) : /\.(ya?ml|json)$/.test(name) ? [path.join(dir, name)] : []));
  }

  /** Every path into a value, plus one missing key under each mapping (the deepest-found case). */
  function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
    out.push(prefix);
    if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
    else if (typeof value === 'object' && value !== null) {
      out.push([...prefix, 'no-such-key']);
      for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
    }
    return out;
  }

  it('on every field of every document of the fixtures, wherever the scan answers', () => {
    let answered = 0;
    let checked = 0;
    for (const file of files(FIXTURES)) {
      for (const chunk of splitDocuments(readFileSync(file, 'utf8'))) {
        let values: unknown[];
        try {
          values = safeLoadAll(chunk.text, { json: true });
        } catch {
          continue;
        }
        const locator = new DocumentLocator(chunk);
        const lines = scanLines(chunk.text);
        for (const p of paths(values[0])) {
          checked += 1;
          const scanned = scanLocate(chunk.text, lines, p);
          if (scanned === GIVE_UP) continue;
          answered += 1;
          expect({ file, document: chunk.index, path: p, offset: scanned }).toEqual({ file, document: chunk.index, path: p, offset: locator.parsedOffsetOf(p) });
        }
      }
    }
    // Rendered manifests are block YAML: the scan answers for most fields (it gives up on the
    // JSON fixtures and on flow collections, which the parse then locates).
    expect(answered / checked).toBeGreaterThan(0.65);
  });
});
