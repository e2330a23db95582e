import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { BUDGET_FLAGS, DOCTOR_BUDGET_FIELDS, main, PLAN_BUDGET_FIELDS, type CliIo } from '../../src/cli';
import { fixturePath, readFixture } from '../doctor/helpers';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly exited?: number;
}

async function run(argv: readonly string[], options: { stdin?: string; isTTY?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let exited: number | undefined;
  const io: CliIo = {
    stdin: options.stdin ?? '',
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    exit: (code) => {
      exited = code;
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, ...(exited !== undefined && { exited }) };
}

const NO_STACK = /\n\s+at /;

describe('grpc-drain doctor', () => {
  it('exits 1 with error findings, and reports them', async () => {
    const r = await run(['doctor', fixturePath('02-sigkill.yaml')]);
    expect(r.code).toBe(1);
    expect(r.exited).toBe(1);
    expect(r.stdout).toContain('error   grace-covers-drain');
    expect(r.stdout).toContain('      terminationGracePeriodSeconds: 45');
    expect(r.stderr).toBe('');
  });

  it('exits 0 on clean manifests, and on warnings only', async () => {
    expect((await run(['doctor', fixturePath('02-sigkill.fixed.yaml')])).code).toBe(0);
    const warnings = await run(['doctor', fixturePath('05-lingering.yaml')]);
    expect(warnings.code).toBe(0);
    expect(warnings.stdout).toContain('! 0 errors, 2 warnings');
  });

  it('reads stdin with -', async () => {
    const r = await run(['doctor', '-'], { stdin: readFixture('01-econnrefused.yaml') });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Deployment default/engine  gRPC behind an NLB · -:3');
  });

  it('reads every manifest under a directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-doctor-'));
    mkdirSync(path.join(dir, 'nested'));
    copyFileSync(fixturePath('02-sigkill.fixed.yaml'), path.join(dir, 'a.yaml'));
    copyFileSync(fixturePath('04-huge-grace.fixed.json'), path.join(dir, 'nested', 'b.json'));
    writeFileSync(path.join(dir, 'README.md'), '# not a manifest');
    const r = await run(['doctor', dir, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).sources).toEqual([
      { file: path.join(dir, 'a.yaml'), objects: 4 },
      { file: path.join(dir, 'nested', 'b.json'), objects: 4 },
    ]);
  });

  it.each([
    [['doctor', '-'], 'a: [1,\nb: c\n', /^grpc-drain: -:3:1: document 1 is not valid YAML \(unexpected end of the stream within a flow collection\), so it is skipped\n$/],
    [['doctor', 'does-not-exist.yaml'], '', /^grpc-drain: cannot read does-not-exist.yaml: no such file or directory\n$/],
    [['doctor', '-'], '', /^grpc-drain: no Kubernetes objects in the input \(-\): nothing to diagnose\n$/],
    [['doctor'], '', /^grpc-drain: no input: pass manifest files or directories, or - to read stdin/],
    [['doctor', '-', '--drain', 'abc'], 'kind: Service', /^grpc-drain: \[budget-valid\] --drain must be a duration such as 20s, 1m30s, 500ms, \.5s or a number of seconds; got "abc".\n$/],
    [['doctor', '-', '--propagation', '0'], 'kind: Service', /^grpc-drain: \[budget-valid\] --propagation must be 1–3600s \(a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep\); got 0s.\n$/],
    [['doctor', '-', '--kubernetes-version', 'latest'], 'kind: Service', /^grpc-drain: \[budget-valid\] --kubernetes-version must be a Kubernetes version such as "1.30": expected a version such as "1.30", "v1.31.2" or "v1.30.2-eks-1234"; got "latest" \(a string\).\n$/],
    [['doctor', '-', '--lbc-version', '1.1'], 'kind: Service', /^grpc-drain: \[budget-valid\] --lbc-version must be an AWS Load Balancer Controller version such as "2.7": /],
    [['doctor', '-', '--namespace', 'Bad_NS'], 'kind: Service', /^grpc-drain: \[budget-valid\] --namespace must be a namespace name/],
    [['doctor', '-', '--format', 'xml'], 'kind: Service', /^grpc-drain: -o\/--output must be one of text, json, sarif; got "xml".\n$/],
    [['doctor', '-', '-o', 'yaml'], 'kind: Service', /^grpc-drain: -o\/--output must be one of text, json, sarif; got "yaml".\n$/],
    [['doctor', '-', '--bogus'], 'kind: Service', /^grpc-drain: unknown option '--bogus'\n$/],
    [['doctor', '-f', 'sarif'], '', /^grpc-drain: cannot read sarif: no such file or directory \(-f names a file, as with kubectl; the output format is -o sarif\)\n$/],
  ])('%j exits 2 with one line on stderr and no stack trace', async (argv, stdin, message) => {
    const r = await run(argv, { stdin });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
  });

  it('prints JSON and SARIF', async () => {
    const json = await run(['doctor', fixturePath('03-flip-unseen.yaml'), '--format', 'json']);
    expect(JSON.parse(json.stdout).errorCount).toBe(1);
    const sarif = await run(['doctor', '-f', fixturePath('03-flip-unseen.yaml'), '-o', 'sarif']);
    expect(sarif.code).toBe(1);
    expect(JSON.parse(sarif.stdout).runs[0].results[0].ruleId).toBe('healthcheck-uses-readiness');
  });

  it('colors only on a terminal, never with NO_COLOR or --no-color', async () => {
    const file = fixturePath('02-sigkill.yaml');
    expect((await run(['doctor', file], { isTTY: true })).stdout).toMatch(/\u001b\[/);
    expect((await run(['doctor', file], { isTTY: false })).stdout).not.toMatch(/\u001b\[/);
    expect((await run(['doctor', file], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await run(['doctor', file, '--no-color'], { isTTY: true })).stdout).not.toMatch(/\u001b\[/);
  });

  it('takes the budget from flags where the manifests have no annotation', async () => {
    const r = await run(['doctor', fixturePath('01-econnrefused.fixed.yaml'), '--drain', '30s', '--format', 'json']);
    expect(r.code).toBe(1);
    const workload = JSON.parse(r.stdout).workloads[0];
    expect(workload.budget.drainTimeoutSeconds).toEqual({ value: 30, source: 'option' });
    // 20s + 30s + 5s no longer fit in 45s, the 45s delay ends before the drain, and the
    // unhealthy draining interval (10s) is shorter than the drain.
    expect(workload.findings.map((f: { rule: string }) => f.rule)).toEqual(['grace-covers-drain', 'deregistration-delay-covers-drain', 'unhealthy-drain']);
  });

  it('takes the same flag names as plan for the same inputs, and every bad one at once', async () => {
    const help = (await run(['doctor', '--help'])).stdout;
    for (const field of DOCTOR_BUDGET_FIELDS) expect(help).toContain(BUDGET_FLAGS.find((f) => f.field === field)!.flag);
    const r = await run(['doctor', '-', '--drain-timeout', 'x', '--registration', '-3s', '--lbc-version', 'v9', '--formatt', 'json', '-o', 'csv'], { stdin: 'kind: Service' });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      "grpc-drain: unknown option '--formatt' (did you mean --format?)",
      'grpc-drain: -o/--output must be one of text, json, sarif; got "csv".',
      // In the order of the budget table (DESIGN.md §2), whatever the order on the line.
      'grpc-drain: [budget-valid] --registration must be a duration such as 20s, 1m30s, 500ms, .5s or a number of seconds; got "-3s".',
      'grpc-drain: [budget-valid] --drain-timeout must be a duration such as 20s, 1m30s, 500ms, .5s or a number of seconds; got "x".',
      'grpc-drain: [budget-valid] --lbc-version must be an AWS Load Balancer Controller version such as "2.7": expected a release such as "2.7", "v2.4.6" or "3.1.0" (the image tag of the aws-load-balancer-controller Deployment); got "v9" (a string).',
    ]);
  });

  it('-o is the output, --format its alias; they must agree', async () => {
    const file = fixturePath('03-flip-unseen.yaml');
    const viaO = await run(['doctor', file, '-o', 'json']);
    const viaFormat = await run(['doctor', file, '--format', 'json']);
    expect(viaO.stdout).toBe(viaFormat.stdout);
    expect(JSON.parse(viaO.stdout).errorCount).toBe(1);
    const clash = await run(['doctor', file, '-o', 'json', '--format', 'sarif']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toBe('grpc-drain: -o/--output json and --format sarif disagree; give one of them (--format is the old name of --output).\n');
  });

  it('checks the LBC version a flag gives', async () => {
    const r = await run(['doctor', fixturePath('02-sigkill.fixed.yaml'), '--lbc-version', '2.4.5', '-o', 'json']);
    const rules = JSON.parse(r.stdout).workloads[0].findings.map((f: { rule: string }) => f.rule);
    expect(rules).toContain('lbc-supports');
  });

  it('--help prints usage, the exit codes and examples, and exits 0', async () => {
    const r = await run(['doctor', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: grpc-drain doctor [options] [files...]');
    expect(r.stdout).toContain('  2  unusable input');
    expect(r.stdout).toContain('helm template my-release ./chart | grpc-drain doctor -');
  });
});

describe('grpc-drain plan', () => {
  it('prints the fragments and the timeline chart', async () => {
    const r = await run(['plan', '--propagation', '30s', '--drain', '15s', '--health-port', '8733', '--scheme', 'internet-facing']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('grpc-drain plan: propagation 30s, drain timeout 15s, cleanup 5s, headroom 10s, Kubernetes 1.30, LBC 2.7\n');
    expect(r.stdout).toContain('      terminationGracePeriodSeconds: 60\n');
    expect(r.stdout).toContain('    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing\n');
    expect(r.stdout).toContain('    service.beta.kubernetes.io/aws-load-balancer-healthcheck-port: "8733"\n');
    expect(r.stdout).toContain('deregistration_delay.timeout_seconds: "60"\n');
    expect(r.stdout).toMatch(/preStop sleep +█+ SIGTERM 30s\n/);
    expect(r.stdout).toMatch(/NLB draining +░+ reset 60s\n/);
    expect(r.stdout).toContain('30s  kubelet     preStop ends: SIGTERM\n');
  });

  it.each([
    ['1m30s', 90],
    ['500ms', 1],
    ['45', 45],
    ['2.2', 3],
  ])('--propagation %s is %ss', async (text, seconds) => {
    const r = await run(['plan', '--propagation', text, '--json']);
    expect(JSON.parse(r.stdout).preStopSleepSeconds).toBe(seconds);
  });

  it('--json has the plan numbers, fragments and the timeline', async () => {
    const r = await run(['plan', '--json', '--kubernetes-version', '1.29', '--no-readiness-gate']);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ preStopSleepSeconds: 20, preStopAction: 'exec', terminationGracePeriodSeconds: 45, deregistrationDelaySeconds: 45 });
    // No readiness gate: registration 120s + 2 × 5s.
    expect(plan.rollout.minReadySeconds).toBe(130);
    expect(plan.fragments.workload.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ exec: { command: ['sleep', '20'] } });
    expect(plan.timeline[0]).toMatchObject({ atSeconds: 0, actor: 'kubernetes' });
    expect(plan.findings.map((f: { rule: string }) => f.rule)).toEqual(['sleep-action-supported']);
  });

  it.each([
    [['plan', '--propagation', 'soon'], /^grpc-drain: \[budget-valid\] --propagation must be a duration such as 20s, 1m30s, 500ms, \.5s or a number of seconds; got "soon".\n$/],
    [['plan', '--propagation', '0'], /^grpc-drain: \[budget-valid\] --propagation must be 1–3600s \(a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep\); got 0s.\n$/],
    [['plan', '--hc-healthy-threshold', 'two'], /^grpc-drain: \[budget-valid\] --hc-healthy-threshold must be a whole number of checks 2–10 \(the NLB's range\); got "two" \(a string\).\n$/],
    [['plan', '--health-port', '70000'], /^grpc-drain: \[budget-valid\] --health-port must be a port number 1–65535 \(TCP port numbers\); got 70000.\n$/],
    [['plan', '--readiness-path', 'ready'], /^grpc-drain: \[budget-valid\] --readiness-path must be an HTTP path such as "\/ready" that the kubelet, the NLB and the runtime all serve alike: it must start with '\/'/],
    [['plan', '--max-grace', 'forever'], /^grpc-drain: \[budget-valid\] --max-grace must be a duration such as 20s, 1m30s, 500ms, \.5s or a number of seconds, spot or cluster-autoscaler; got "forever".\n$/],
    [['plan', '--lbc-version', '2.4.5'], /^grpc-drain: \[lbc-supports\] AWS Load Balancer Controller 2\.4\.5 drops service\.beta\.kubernetes\.io\/aws-load-balancer-healthcheck-timeout for NLBs/],
    [['plan', '-o', 'sarif'], /^grpc-drain: -o\/--output must be one of text, json for plan; got "sarif".\n$/],
    [['plan', 'extra'], /^grpc-drain: plan takes no arguments; got "extra"\n$/],
    [['plan', '--scheme', 'public'], /^grpc-drain: \[budget-valid\] --scheme must be internal or internet-facing; got "public".\n$/],
    [['plan', '--max-grace', '30s'], /^grpc-drain: \[grace-under-cap\] terminationGracePeriodSeconds \(45s\) must be ≤/],
  ])('%j exits 2 with the violation', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('lists every violation, one per line', async () => {
    const r = await run(['plan', '--hc-interval', '1s', '--hc-unhealthy-threshold', '20']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      "grpc-drain: [budget-valid] --hc-interval must be 5–300s (the NLB's range); got 1s.",
      "grpc-drain: [budget-valid] --hc-unhealthy-threshold must be a whole number of checks 2–10 (the NLB's range); got 20.",
    ]);
  });

  it('reports every bad flag at once: unknown ones with a suggestion, unparsable and out-of-range values, the output', async () => {
    const r = await run(['plan', '--propogation', '30s', '--drain', 'soon', '--bogus', '--hc-interval', '2', '--kubernetes-version', '1.300', '-o', 'yaml', '--scheme', 'public']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      "grpc-drain: unknown option '--propogation' (did you mean --propagation?)",
      "grpc-drain: unknown option '--bogus'",
      'grpc-drain: [budget-valid] --scheme must be internal or internet-facing; got "public".',
      'grpc-drain: -o/--output must be one of text, json for plan; got "yaml".',
      'grpc-drain: [budget-valid] --drain must be a duration such as 20s, 1m30s, 500ms, .5s or a number of seconds; got "soon".',
      "grpc-drain: [budget-valid] --hc-interval must be 5–300s (the NLB's range); got 2s.",
      'grpc-drain: [budget-valid] --kubernetes-version must be a Kubernetes version such as "1.30": Kubernetes 1.300 does not exist: releases come three a year (1.35 in December 2025), so minors above 1.99 are typos (did you mean "1.30"?); got "1.300" (a string).',
    ]);
  });

  it.each([
    [['--drain-timeout', '30s'], ['--drain', '30s']],
    [['--grace-period', '90s'], ['--grace', '90s']],
    [['--max-grace-period', '600s'], ['--max-grace', '600s']],
    [['--k8s-version', '1.29'], ['--kubernetes-version', '1.29']],
    [['--health-check-interval', '10s'], ['--hc-interval', '10s']],
    [['--json'], ['-o', 'json']],
    [['--output=json'], ['-o', 'json']],
  ])('%j is an alias of %j', async (alias, canonical) => {
    const asJson = (args: string[]) => (args.some((a) => a === '--json' || a === '-o' || a.startsWith('--output')) ? args : [...args, '-o', 'json']);
    const viaAlias = await run(['plan', ...asJson(alias)]);
    const viaCanonical = await run(['plan', ...asJson(canonical)]);
    expect(viaAlias.code).toBe(0);
    // The values are not the defaults: an alias that were ignored would print another plan.
    expect(viaAlias.stdout).toBe(viaCanonical.stdout);
  });

  it('refuses an input given twice under two names', async () => {
    const r = await run(['plan', '--drain', '10s', '--drain-timeout', '20s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('grpc-drain: [budget-valid] --drain and --drain-timeout both set --drain; give it once.\n');
  });

  it.each([
    ['.5s', 1],
    ['20us', 1],
    ['1m', 60],
  ])('parses --drain %s with the runtime’s parser (%ss after rounding up)', async (text, seconds) => {
    const r = await run(['plan', '--drain', text, '-o', 'json']);
    expect(JSON.parse(r.stdout).budget.drainTimeoutSeconds).toBe(seconds);
  });

  it('takes the new inputs: --registration without the gate, --lbc-version', async () => {
    const r = await run(['plan', '--no-readiness-gate', '--registration', '90s', '--lbc-version', '2.13.2', '-o', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.rollout.minReadySeconds).toBe(100); // 90 + 2 × 5
    expect(plan.budget.lbcVersion).toBe('2.13.2');
    expect(plan.podAnnotations['grpc-drain.dev/budget']).toBe(
      '{"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30","registrationSeconds":90,"lbcVersion":"2.13.2"}',
    );
  });

  it('--max-grace spot says when a budget cannot fit on Spot', async () => {
    const r = await run(['plan', '--propagation', '90s', '--drain', '30s', '--max-grace', 'spot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "grpc-drain: [grace-under-cap] terminationGracePeriodSeconds (135s) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (120s, the length of an EC2 Spot interruption notice): preStop sleep + drain timeout + cleanup (90s + 30s + 5s = 125s) alone exceed it by 5s, so no grace period fits: the kubelet kills the pod at 120s, 5s before its drain and cleanup can end. Shrink the largest, the preStop sleep (propagation), from 90s to 85s and the headroom to 0s (a sleep shorter than the real propagation refuses connections: measure it first), or run the workload where the cap allows at least 125s plus headroom.\n",
    );
    expect((await run(['plan', '--max-grace', 'cluster-autoscaler', '-o', 'json'])).code).toBe(0);
  });

  it('--help names a flag for every budget input, from the one table', async () => {
    const r = await run(['plan', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--propagation', '--registration', '--drain', '--cleanup', '--headroom', '--hc-interval', '--hc-timeout', '--hc-healthy-threshold', '--hc-unhealthy-threshold', '--grace', '--deregistration-delay', '--max-grace', '--kubernetes-version', '--lbc-version', '--no-readiness-gate', '--health-port', '--readiness-path', '--liveness-path', '-o, --output', '--json']) {
      expect(r.stdout).toContain(flag);
    }
    expect(BUDGET_FLAGS.map((f) => f.field).sort()).toEqual([...PLAN_BUDGET_FIELDS].sort());
    // Aliases work but stay out of the help.
    expect(r.stdout).not.toContain('--drain-timeout');
  });
});

describe('grpc-drain', () => {
  it('without a command prints the help on stderr and exits 2; --help and --version exit 0', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: grpc-drain [options] [command]');
    expect((await run(['--help'])).code).toBe(0);
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('never exits other than 0, 1 or 2, whatever the arguments and stdin', async () => {
    const arg = fc.oneof(
      fc.constantFrom('doctor', 'plan', '-', '--format', 'json', 'sarif', '--drain', '--propagation', '--json', '--help', '--no-color', '-n', '10s', '-1', 'NaN', '--max-grace', '--kubernetes-version', '1.29', fixturePath('02-sigkill.yaml')),
      fc.string({ maxLength: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { maxLength: 6 }), fc.string({ maxLength: 200 }), async (argv, stdin) => {
        const r = await run(argv, { stdin });
        expect([0, 1, 2]).toContain(r.code);
        expect(r.stderr).not.toMatch(NO_STACK);
      }),
      { numRuns: 200 },
    );
  });

  it('runs as a real process: exit code 2 and one line, no stack trace, on broken YAML', () => {
    const cli = path.join(__dirname, '..', '..', 'src', 'cli.ts');
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, 'doctor', '-'], {
      input: 'kind: Service\nmetadata: {name: [\n',
      encoding: 'utf8',
      cwd: path.join(__dirname, '..', '..'),
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^grpc-drain: -:\d+:\d+: document 1 is not valid YAML /);
  });
});

describe('grpc-drain doctor on real-world input', () => {
  const corpus = path.join(__dirname, '..', 'fixtures', 'doctor', 'corpus');

  it('diagnoses a folder with an unusable file among many, reporting it, and exits by the findings', async () => {
    const r = await run(['doctor', path.join(corpus, 'eks-workshop')]);
    expect(r.code).toBe(1);
    // Line 4, column 40: the `:` after `{{ .Values.image.repository }}`, where the template
    // expression makes the value an implicit key (js-yaml 4; js-yaml 3 only noticed at line 5).
    expect(r.stdout).toContain(`unusable: ${path.join(corpus, 'eks-workshop', 'values.yaml')}:4:40: document 1 is not valid YAML (bad indentation of a mapping entry)`);
    expect(r.stdout).toContain('(6 objects read; 1 input unusable)');
  });

  it('exits 2 when nothing could be read, with every reason', async () => {
    const r = await run(['doctor', 'missing-a.yaml', 'missing-b.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('grpc-drain: cannot read missing-a.yaml: no such file or directory\ngrpc-drain: cannot read missing-b.yaml: no such file or directory\n');
  });

  it('refuses input over --max-input-size with a clear message instead of running out of heap', async () => {
    const r = await run(['doctor', '-', '--max-input-size', '1KiB'], { stdin: `${'# padding\n'.repeat(200)}kind: Service\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('grpc-drain: stdin holds 2 KiB, which takes the input over the limit of 1 KiB: it is not read (raise the limit with --max-input-size)\n');
  });

  it('refuses a --max-input-size the heap could not hold, saying how to raise the heap', async () => {
    const r = await run(['doctor', '-', '--max-input-size', '64GiB'], { stdin: 'kind: Service\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^grpc-drain: --max-input-size 64 GiB needs about 1024 GiB of heap, more than Node's limit of [\d.]+ [GM]iB: raise the limit too \(NODE_OPTIONS=--max-old-space-size=1048576\) or read less at once\n$/);
  });

  it('reads the other files when one is over the limit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-size-'));
    writeFileSync(path.join(dir, 'a.yaml'), readFixture('02-sigkill.yaml'));
    writeFileSync(path.join(dir, 'b.yaml'), `${'# padding\n'.repeat(1000)}kind: Service\n`);
    const r = await run(['doctor', dir, '--max-input-size', '8KiB']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`unusable: ${path.join(dir, 'b.yaml')} holds`);
  });

  it('takes --lbc-class and --no-lbc-webhook', async () => {
    const inTree = await run(['doctor', path.join(corpus, 'metabase.yaml'), '--no-lbc-webhook', '-o', 'json']);
    expect(JSON.parse(inTree.stdout).workloads[0].provisioner).toBe('in-tree-classic');
    const auto = await run(['doctor', '-', '--lbc-class', 'eks.amazonaws.com/nlb', '-o', 'json'], { stdin: readFixture('corpus/drain-ready.yaml').replace('service.beta.kubernetes.io/aws-load-balancer-type: external', 'x: y').replace('type: LoadBalancer', 'type: LoadBalancer\n  loadBalancerClass: eks.amazonaws.com/nlb') });
    expect(JSON.parse(auto.stdout).workloads[0].provisioner).toBe('lbc');
    const bad = await run(['doctor', '-', '--lbc-class', ' '], { stdin: 'kind: Service' });
    expect(bad.stderr).toMatch(/^grpc-drain: \[budget-valid\] --lbc-class must be a load-balancer class/);
  });
});
