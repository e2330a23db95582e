import { JsonPatch } from 'cdk8s';
import fc from 'fast-check';
import { diffJson, pointerToken, type JsonPatchOperation } from '../../src/cdk8s/json-diff';

/** Applies the operations with cdk8s' own JSON-patch engine, as `ApiObject.toJson()` will. */
function applied(before: unknown, operations: readonly JsonPatchOperation[]): unknown {
  const patches = operations.map((o) => (o.op === 'remove' ? JsonPatch.remove(o.path) : o.op === 'add' ? JsonPatch.add(o.path, o.value) : JsonPatch.replace(o.path, o.value)));
  return JsonPatch.apply(structuredClone(before), ...patches);
}

describe('diffJson', () => {
  it('writes nothing for equal documents, whatever their key order', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('escapes ~ and / in keys (RFC 6901), so an annotation key stays one token', () => {
    expect(pointerToken('grpc-drain.dev/budget')).toBe('grpc-drain.dev~1budget');
    expect(pointerToken('a~/b')).toBe('a~0~1b');
    const before = { metadata: { annotations: { 'prometheus.io/scrape': 'true' } } };
    const after = { metadata: { annotations: { 'prometheus.io/scrape': 'true', 'grpc-drain.dev/budget': '{}' } } };
    expect(diffJson(before, after)).toEqual([{ op: 'add', path: '/metadata/annotations/grpc-drain.dev~1budget', value: '{}' }]);
  });

  it('patches only the changed leaves of a workload, in place', () => {
    const before = {
      spec: {
        replicas: 3,
        template: { spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'engine', image: 'e:1', env: [{ name: 'LOG', value: 'info' }] }, { name: 'sidecar', image: 's:1' }] } },
      },
    };
    const after = {
      spec: {
        replicas: 3,
        minReadySeconds: 0,
        template: {
          spec: {
            terminationGracePeriodSeconds: 45,
            containers: [
              { name: 'engine', image: 'e:1', env: [{ name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' }, { name: 'LOG', value: 'info' }], lifecycle: { preStop: { sleep: { seconds: 20 } } } },
              { name: 'sidecar', image: 's:1' },
            ],
          },
        },
      },
    };
    const operations = diffJson(before, after);
    expect(operations).toEqual([
      { op: 'add', path: '/spec/minReadySeconds', value: 0 },
      { op: 'replace', path: '/spec/template/spec/terminationGracePeriodSeconds', value: 45 },
      { op: 'add', path: '/spec/template/spec/containers/0/env/0', value: { name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' } },
      { op: 'add', path: '/spec/template/spec/containers/0/lifecycle', value: { preStop: { sleep: { seconds: 20 } } } },
    ]);
    expect(applied(before, operations)).toEqual(after);
  });

  it('removes keys and array elements, walking indexes as earlier operations leave them', () => {
    const before = { env: [{ name: 'A' }, { name: 'X', value: '1' }, { name: 'B' }, { name: 'Y' }], drop: true };
    const after = { env: [{ name: 'A' }, { name: 'B' }, { name: 'N' }] };
    const operations = diffJson(before, after);
    expect(operations).toEqual([
      { op: 'remove', path: '/drop' },
      { op: 'remove', path: '/env/1' },
      { op: 'replace', path: '/env/2/name', value: 'N' },
    ]);
    expect(applied(before, operations)).toEqual(after);
  });

  it('replaces a value whose type changed', () => {
    expect(diffJson({ port: 'http', list: [1], o: { a: 1 } }, { port: 8080, list: { a: 1 }, o: null })).toEqual([
      { op: 'replace', path: '/port', value: 8080 },
      { op: 'replace', path: '/list', value: { a: 1 } },
      { op: 'replace', path: '/o', value: null },
    ]);
  });

  it('never modifies its inputs', () => {
    const before = { a: [1, { b: 2 }] };
    const after = { a: [{ b: 3 }, 1] };
    const copies = structuredClone([before, after]);
    diffJson(before, after);
    expect([before, after]).toEqual(copies);
  });

  it('refuses anything but two objects', () => {
    expect(() => diffJson([], {})).toThrow('diffJson compares two JSON objects (a Kubernetes object each).');
  });

  // Generated documents: applying the diff with cdk8s' engine always gives `after`, and an
  // equal subtree is never touched (no operation's path lies under a key equal on both sides).
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'a/b', 'c~d'), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.constantFrom('a', 'b', 'k/8s', 'x~y'), tie('value'), { maxKeys: 3 }),
  }));
  const documents = fc.tuple(json.object, json.object) as fc.Arbitrary<[Record<string, unknown>, Record<string, unknown>]>;

  it('gives a patch that cdk8s applies to exactly the target document', () => {
    fc.assert(
      fc.property(documents, ([before, after]) => {
        expect(applied(before, diffJson(before, after))).toEqual(after);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves a top-level key that is equal on both sides untouched', () => {
    fc.assert(
      fc.property(documents, json.value, ([before, after], shared) => {
        const operations = diffJson({ ...before, same: shared }, { ...after, same: shared });
        expect(operations.filter((o) => o.path === '/same' || o.path.startsWith('/same/'))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
