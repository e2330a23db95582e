/**
 * The retrofit's output means to Kubernetes what its input meant. Kubernetes reads YAML with
 * sigs.k8s.io/yaml over go-yaml v2, a YAML 1.1 resolver (go-yaml v2.4.0 `resolve.go`): a plain
 * `yes`, `on`, `y` is a boolean, `0644` the octal 420, `1_000` the int 1000, and a date-like
 * scalar decoded into interface{} stays a string (`decode.go`). The expected values below are
 * go-yaml v2's resolutions, written by hand from resolve.go, not computed by the reader.
 */
import { main, type CliIo } from '../../src/cli';
import { renderOutput } from '../../src/cli/retrofit-output';
import { readManifestText } from '../../src/doctor';
import { safeLoad, safeLoadAll } from '../../src/doctor/input/js-yaml';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: api
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
spec:
  type: LoadBalancer
  selector:
    app: api
  ports:
  - port: 50051
    targetPort: 50051
`;

/** The env values a user quoted because they are strings; each is something else to YAML 1.1 when plain. */
const ENV: Readonly<Record<string, string>> = { A: 'yes', B: 'on', C: 'y', D: '0644', E: '1_000', F: '2024-01-01', G: 'null', H: '~' };

/** A Deployment behind the NLB; `labels`, `env` and `podLabels` are written in the style under test. */
function deployment(labels: string, podLabels: string, env: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
${labels}
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
${podLabels}
    spec:
      volumes:
      - name: cfg
        configMap:
          name: cfg
          defaultMode: 0644
      containers:
      - name: api
        image: example/api:1
        ports:
        - containerPort: 50051
        env:
${env}
`;
}

const blockEnv = Object.entries(ENV).map(([name, value]) => `        - name: ${name}\n          value: "${value}"`).join('\n');
const flowEnv = Object.entries(ENV).map(([name, value]) => `        - {name: ${name}, value: "${value}"}`).join('\n');

const INPUTS = {
  /** Block style throughout: the document is edited in place. */
  'block style (edited in place)': deployment('  labels:\n    app: api\n    release: 2024-01-01', '      labels:\n        app: api\n        release: 2024-01-01', blockEnv),
  /** Flow-style labels and env entries. */
  'flow style': deployment('  labels: {app: api, release: 2024-01-01}', '      labels: {app: api, release: 2024-01-01}', flowEnv),
  /** An anchor and an alias: the document is re-written whole. */
  'anchor (re-written whole)': deployment('  labels: &labels\n    app: api\n    release: 2024-01-01', '      labels: *labels', blockEnv),
} as const;

async function retrofit(text: string): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdin: text, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
  const code = await main(['retrofit', '--kubernetes-version', '1.31', '-', '--quiet'], io);
  if (code !== 0) throw new Error(`retrofit exited ${code}: ${stderr}`);
  return stdout;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function deploymentOf(text: string): Obj {
  return (safeLoadAll(text) as Obj[]).find((d) => d?.['kind'] === 'Deployment')!;
}

describe.each(Object.entries(INPUTS))('retrofit of a %s Deployment', (_name, workload) => {
  const input = `${SERVICE}---\n${workload}`;
  let output: string;
  beforeAll(async () => {
    output = await retrofit(input);
  });

  it('changes the Deployment (the case is a real edit)', () => {
    expect(deploymentOf(output)['spec']['template']['spec']['terminationGracePeriodSeconds']).toBe(45);
  });

  it('keeps every value as Kubernetes reads it: defaultMode 420, the quoted env values strings, the date label a string', () => {
    const before = deploymentOf(input);
    const after = deploymentOf(output);
    const pod = after['spec']['template']['spec'];
    expect(pod['volumes'][0]['configMap']['defaultMode']).toBe(420);
    const env = Object.fromEntries((pod['containers'][0]['env'] as { name: string; value: unknown }[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ A: 'yes', B: 'on', C: 'y', D: '0644', E: '1_000', F: '2024-01-01', G: 'null', H: '~' });
    expect(after['metadata']['labels']).toEqual({ app: 'api', release: '2024-01-01' });
    expect(after['spec']['template']['metadata']['labels']).toEqual({ app: 'api', release: '2024-01-01' });
    // Nothing the retrofit did not mean to change moved: the input's values, as read, are all still there.
    expect(after['spec']['template']['spec']['volumes']).toEqual(before['spec']['template']['spec']['volumes']);
    expect(pod['containers'][0]['env'].slice(0, 8)).toEqual(before['spec']['template']['spec']['containers'][0]['env']);
    expect(after['metadata']['labels']).toEqual(before['metadata']['labels']);
  });

  it('writes the added PodDisruptionBudget with the date-like label a string', () => {
    const pdb = (safeLoadAll(output) as Obj[]).find((d) => d?.['kind'] === 'PodDisruptionBudget')!;
    expect(pdb['metadata']['labels']['release']).toBe('2024-01-01');
  });
});

describe('the form of untouched scalars', () => {
  it('keeps 0644 written 0644 where the document is edited in place (block and flow style)', async () => {
    for (const name of ['block style (edited in place)', 'flow style'] as const) {
      const output = await retrofit(`${SERVICE}---\n${INPUTS[name]}`);
      expect(output).toMatch(/^ +defaultMode: 0644$/m);
      expect(output).toMatch(/value: "yes"/);
      expect(output).not.toMatch(/defaultMode: 644\b/);
    }
  });

  it('writes the mode as 420 (its value) and every YAML 1.1 look-alike quoted where the document is re-written whole', async () => {
    const output = await retrofit(`${SERVICE}---\n${INPUTS['anchor (re-written whole)']}`);
    expect(output).toMatch(/^ +defaultMode: 420$/m);
    for (const value of Object.values(ENV)) expect(output).toContain(`value: "${value}"`);
  });
});

describe('where eemeli/yaml 1.1 and go-yaml v2 differ, the output is still read as meant', () => {
  // go-yaml v2 reads 0o17, 0X1F and 0B11 as ints (Go's ParseInt base 0); the yaml package's 1.1 ints do not know these forms.
  const GO_ONLY = ['0o17', '0X1F', '0B11'];

  function render(text: string, change: (object: Obj) => void): string {
    const source = { path: 'in.yaml', text };
    const read = readManifestText(source);
    const original = read.objects[0]!.object;
    const copy = JSON.parse(JSON.stringify(original)) as Obj;
    change(copy);
    return renderOutput([source], read.objects, new Map([[original, copy]]), new Map());
  }

  it('quotes a new Go-only int look-alike written into a document edited in place', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c  # a comment\ndata:\n  keep: "x"\n';
    const out = render(text, (o) => GO_ONLY.forEach((v, i) => (o['data'][`k${i}`] = v)));
    expect(safeLoad(out)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { keep: 'x', k0: '0o17', k1: '0X1F', k2: '0B11' } });
    // Still edited in place: the comment and the untouched nodes stay as written.
    expect(out).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c # a comment\ndata:\n  keep: "x"\n  k0: "0o17"\n  k1: "0X1F"\n  k2: "0B11"\n');
  });

  it('quotes them where the document is re-written whole (anchors)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l {a: b}\n  annotations: *l\ndata:\n  keep: "x"\n';
    const out = render(text, (o) => GO_ONLY.forEach((v, i) => (o['data'][`k${i}`] = v)));
    expect(safeLoad(out)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' }, annotations: { a: 'b' } }, data: { keep: 'x', k0: '0o17', k1: '0X1F', k2: '0B11' } });
  });

  it('quotes a key go-yaml would read as a boolean (y, on)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  keep: "x"\n';
    const out = render(text, (o) => Object.assign(o['data'], { y: '1', on: '2', n: '3' }));
    expect(safeLoad(out)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { keep: 'x', y: '1', on: '2', n: '3' } });
  });
});

describe('the reader resolves plain scalars as go-yaml v2 (resolve.go, v2.4.0)', () => {
  it.each<[string, unknown]>([
    ['y', true], ['Y', true], ['yes', true], ['Yes', true], ['YES', true], ['on', true], ['ON', true], ['true', true],
    ['n', false], ['N', false], ['no', false], ['off', false], ['Off', false], ['FALSE', false],
    ['yEs', 'yEs'], ['oN', 'oN'],
    ['0644', 420], ['-0644', -420], ['1_000', 1000], ['0x1F', 31], ['0X1f', 31], ['0o17', 15], ['0b101', 5], ['-0b101', -5], ['+12', 12], ['0', 0],
    ['09', 9], ['1e3', 1000], ['.5', 0.5], ['1.5', 1.5], ['.inf', Infinity], ['-.Inf', -Infinity],
    ['~', null], ['null', null], ['Null', null], ['NULL', null],
    ['2024-01-01', '2024-01-01'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ['1:30', '1:30'], ['0x', '0x'], ['0b', '0b'], ['_1', '_1'],
    ['"yes"', 'yes'], ["'on'", 'on'], ['"0644"', '0644'], ['"1_000"', '1_000'], ['"~"', '~'], ['!!str 0644', '0644'], ['!!int "0644"', 420],
  ])('%s', (text, expected) => {
    expect(safeLoad(`v: ${text}`)).toEqual({ v: expected });
  });

  it('reads .nan as NaN', () => {
    expect(Number.isNaN((safeLoad('v: .NaN') as { v: number }).v)).toBe(true);
  });

  it('resolves keys the same way: a plain y or on key is the key "true"', () => {
    expect(safeLoad('y: 1\n0644: 2\n"on": 3')).toEqual({ true: 1, 420: 2, on: 3 });
  });
});

describe('the kustomize KRM function writes its ResourceList the same way', () => {
  it('keeps the quoted look-alikes strings and the mode 420', async () => {
    const items = [SERVICE, INPUTS['block style (edited in place)']].map((t) => safeLoad(t));
    const stdin = JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items, functionConfig: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'drain' }, data: { 'kubernetes-version': '1.31' } } });
    let stdout = '';
    const io: CliIo = { stdin, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined }, env: {} };
    expect(await main([], io)).toBe(0);
    // Before the fix, `value: yes` came out plain: a boolean to kubectl (go-yaml v2), which an EnvVar's value cannot be.
    for (const value of Object.values(ENV)) expect(stdout).toContain(`value: "${value}"`);
    const pod = (safeLoad(stdout) as Obj)['items'].find((i: Obj) => i['kind'] === 'Deployment')['spec']['template']['spec'];
    expect(pod['volumes'][0]['configMap']['defaultMode']).toBe(420);
    expect(pod['containers'][0]['env'][0]).toEqual({ name: 'A', value: 'yes' });
  });
});
