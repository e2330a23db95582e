import { Command, CommanderError, Option } from 'commander';
import { runDoctor, DOCTOR_FORMATS, type DoctorFlags } from './doctor-command';
import { EXIT, UsageError, type CliIo } from './io';
import { runPlan, type PlanFlags } from './plan-command';
import { PROPAGATION_HELP, PROPAGATION_OUTPUTS, runPropagation, type PropagationFlags } from './propagation-command';

/** The package version, read from package.json next to src/ and lib/ (`undefined` if it cannot be read). */
function packageVersion(): string | undefined {
  try {
    // Both src/cli/program.ts and lib/cli/program.js sit two levels below package.json.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg: unknown = require('../../package.json');
    const version = (pkg as { version?: unknown } | null)?.version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

const DOCTOR_HELP = `
Reads Kubernetes manifests (multi-document YAML or JSON, kind: List included; a directory
means its .yaml/.yml/.json files), pairs every NLB Service of the AWS Load Balancer
Controller and every TargetGroupBinding with the Deployments/StatefulSets it selects, and
checks their drain settings with the rules of the drain plan. Each finding names the
workload, the rule, the symptom it causes and a YAML fragment that fixes it.

The drain timeout, cleanup, propagation and headroom come from each workload's
grpc-drain.dev/budget annotation; where it is missing, from the flags (defaults 20s / 10s /
5s / 10s), and the report says which values were assumed.

Exit codes:
  0  no error finding (warnings allowed)
  1  at least one error finding
  2  unusable input: a bad flag, a file that cannot be read, YAML that does not parse,
     no Kubernetes object at all

Examples:
  $ helm template my-release ./chart | grpc-drain doctor -
  $ kustomize build overlays/prod | grpc-drain doctor - --drain 30s --kubernetes-version 1.31
  $ grpc-drain doctor k8s/ --format sarif > grpc-drain.sarif
`;

const PLAN_HELP = `
Derives every termination-related setting from one drain budget with checked arithmetic
and prints them as YAML fragments (workload and pod template, Service annotations,
target-group attributes, PodDisruptionBudget) and the termination timeline as a chart.
Durations take 20s, 1m30s, 500ms or plain seconds; fractions are rounded up to seconds.
A budget that cannot give a safe plan exits 2 and lists every violation.

Examples:
  $ grpc-drain plan --propagation 30s --drain 15s
  $ grpc-drain plan --kubernetes-version 1.29 --max-grace 60s --json
`;

/**
 * The `grpc-drain` command line: `doctor` and `plan`. Commander never exits the process
 * (`exitOverride`); {@link main} turns its errors into exit code 2.
 */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('grpc-drain');
  program
    .description('Drain budgets for gRPC servers on EKS behind an AWS NLB: plan the settings, or diagnose existing manifests.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError(true);
  const version = packageVersion();
  if (version !== undefined) program.version(version, '-V, --version');

  program
    .command('doctor')
    .summary('diagnose existing manifests (exit 0 clean, 1 errors, 2 unusable input)')
    .description('Diagnose the drain settings of gRPC workloads behind an AWS NLB in existing manifests.')
    .argument('[files...]', 'manifest files or directories; - reads stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...DOCTOR_FORMATS]).default('text'))
    .option('--propagation <duration>', 'NLB deregistration propagation, where no budget annotation gives it (default: 20s)')
    .option('--drain <duration>', 'graceful-stop bound after SIGTERM, where no budget annotation gives it (default: 10s)')
    .option('--cleanup <duration>', 'work after the drain before exit, where no budget annotation gives it (default: 5s)')
    .option('--headroom <duration>', 'margin wanted before SIGKILL, where no budget annotation gives it (default: 10s)')
    .option('--kubernetes-version <version>', 'cluster version, e.g. 1.30 (default: unknown)')
    .option('--max-grace <duration>', "the cluster's cap on terminationGracePeriodSeconds (default: none)")
    .option('--readiness-gate', 'namespaces not in the input carry elbv2.k8s.aws/pod-readiness-gate-inject=enabled')
    .option('--no-readiness-gate', 'namespaces not in the input do not carry the readiness-gate label')
    .option('-n, --namespace <name>', 'namespace of objects without one', 'default')
    .option('--no-color', 'never color the text output (it is colored only on a terminal without NO_COLOR)')
    .addHelpText('after', DOCTOR_HELP)
    .action(async (files: string[], flags: DoctorFlags) => {
      setExitCode(await runDoctor(files, flags, io));
    });

  program
    .command('plan')
    .summary('derive the settings from a drain budget')
    .description('Derive every termination-related setting of a gRPC workload behind an AWS NLB from one drain budget.')
    .option('--propagation <duration>', 'time for the NLB to stop opening new connections to a terminating pod: the preStop sleep (default: 20s)')
    .option('--drain <duration>', 'bound on the graceful stop after SIGTERM (default: 10s)')
    .option('--cleanup <duration>', 'work after the drain before exit (default: 5s)')
    .option('--headroom <duration>', 'margin before SIGKILL (default: 10s)')
    .option('--hc-interval <duration>', 'NLB health-check interval, 5–300s (default: 5s)')
    .option('--hc-timeout <duration>', 'NLB health-check timeout, 2–120s and ≤ interval (default: min(6s, interval))')
    .option('--hc-healthy-threshold <count>', 'successes before a target is healthy, 2–10 (default: 2)')
    .option('--hc-unhealthy-threshold <count>', 'failures before a target is unhealthy, 2–10 (default: 2)')
    .option('--grace <duration>', 'override terminationGracePeriodSeconds (default: sleep + drain + cleanup + headroom)')
    .option('--deregistration-delay <duration>', 'override deregistration_delay.timeout_seconds, 0–3600s (default: the grace period)')
    .option('--max-grace <duration>', "the cluster's cap on terminationGracePeriodSeconds (default: none)")
    .option('--kubernetes-version <version>', 'cluster version: picks the preStop action (default: 1.30)')
    .option('--readiness-gate', 'the namespace carries elbv2.k8s.aws/pod-readiness-gate-inject=enabled (default)')
    .option('--no-readiness-gate', 'no readiness gate: minReadySeconds covers propagation + healthy threshold × interval')
    .option('--health-port <port>', 'port of the HTTP health server (default: 8080)')
    .option('--readiness-path <path>', 'readiness endpoint, 503 from SIGTERM on (default: /ready)')
    .option('--liveness-path <path>', 'liveness endpoint (default: /live)')
    .option('--scheme <scheme>', 'NLB scheme: internal or internet-facing (default: internal)')
    .option('--container <name>', 'container name in the pod fragment (default: grpc)')
    .option('--json', 'print the plan numbers, fragments and timeline as JSON')
    .option('--no-color', 'never color the output (it is colored only on a terminal without NO_COLOR)')
    .addHelpText('after', PLAN_HELP)
    .action((flags: PlanFlags) => {
      setExitCode(runPlan(flags, io));
    });

  program
    .command('propagation')
    .summary("turn the runtime's termination reports into the propagation to budget")
    .description("Read the runtime's termination reports (kubectl logs, a log export, the lab) and recommend the propagation budget.")
    .argument('[files...]', 'log files; - reads stdin')
    .addOption(new Option('-o, --output <format>', 'output format').choices([...PROPAGATION_OUTPUTS]).default('text'))
    .option('--json', 'same as --output json')
    .option('--margin <duration>', 'added to the largest observed value before rounding up (default: 5s)')
    .addHelpText('after', PROPAGATION_HELP)
    .action(async (files: string[], flags: PropagationFlags) => {
      setExitCode(await runPropagation(files, flags, io));
    });
  return program;
}

/**
 * Runs `grpc-drain` with `argv` (the arguments after the program name) and returns the exit
 * code: 0 success, 1 doctor errors found, 2 unusable input. Never throws; a usage problem is
 * one line per problem on stderr, without a stack trace.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(io, (c) => {
    code = c;
  });
  try {
    // With no command, commander prints the help to stderr and throws (exit code 1 → 2).
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already written its message (or the help) to the configured output.
      code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (error instanceof UsageError) {
      io.stderr.write(`grpc-drain: ${error.message}\n`);
      code = EXIT.usage;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`grpc-drain: internal error: ${message.split('\n')[0]}\n`);
      code = EXIT.usage;
    }
  }
  io.exit?.(code);
  return code;
}
