import { Command, CommanderError, Option } from 'commander';
import { addBudgetFlags, addManifestFlags, DOCTOR_BUDGET_FIELDS, PLAN_BUDGET_FIELDS } from './budget-flags';
import { runDoctor } from './doctor-command';
import { EXIT, readAll, UsageError, type CliIo } from './io';
import { stripUnknownFlags } from './unknown-flags';
import { PROPAGATION_HELP, PROPAGATION_OUTPUTS, runPropagation } from './propagation-command';
import { defineRetrofitCommand, readResourceList, RETROFIT_HELP, runRetrofit } from './retrofit-command';

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
means its .yaml/.yml/.json files), finds every Service that gets an AWS load balancer as
the AWS Load Balancer Controller decides it (and every TargetGroupBinding), pairs it with the
Deployments/StatefulSets it selects, and checks their drain settings with the rules of the
drain plan. Each finding names the workload, the rule, the symptom it causes and a YAML
fragment that fixes it without shrinking, inventing or replacing what the workload has.

The drain timeout, cleanup, propagation, headroom and registration come from each
workload's grpc-drain.dev/budget annotation; where it is missing, from the flags (defaults
20s / 10s / 5s / 10s / 120s), and the report says which values were assumed. Durations take
20s, 1m30s, 500ms, .5s, 20us or plain seconds. Every bad flag is reported at once.

Exit codes:
  0  no error finding (warnings allowed)
  1  at least one error finding
  2  unusable input: a bad flag, or nothing could be read (no file readable, no document
     parses, no Kubernetes object at all); a file or document that cannot be used among
     others that can is reported as unusable, and the rest is diagnosed

Examples:
  $ helm template my-release ./chart | grpc-drain doctor -
  $ kustomize build overlays/prod | grpc-drain doctor - --drain 30s --kubernetes-version 1.31
  $ grpc-drain doctor -f k8s/ -o sarif > grpc-drain.sarif
`;

const PLAN_HELP = `
Derives every termination-related setting from one drain budget with checked arithmetic
and prints them as YAML fragments (workload and pod template, Service annotations,
target-group attributes, PodDisruptionBudget) and the termination timeline as a chart.
Durations take 20s, 1m30s, 500ms, .5s, 20us or plain seconds (the parser the runtime reads
its variables with); fractions are rounded up to seconds. A budget that cannot give a safe
plan exits 2 and lists every violation, and every bad flag, at once.

Examples:
  $ grpc-drain plan --propagation 30s --drain 15s
  $ grpc-drain plan --kubernetes-version 1.29 --max-grace spot -o json
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

  const doctor = program
    .command('doctor')
    .summary('diagnose existing manifests (exit 0 clean, 1 errors, 2 unusable input)')
    .description('Diagnose the drain settings of gRPC workloads behind an AWS NLB in existing manifests.')
    .argument('[files...]', 'manifest files or directories; - reads stdin')
    .option('-f, --filename <file>', 'a manifest file or directory, as with kubectl (repeatable; same as a positional file)', (value: string, previous: string[] = []) => [...previous, value])
    .option('-o, --output <format>', 'output format: text (default), json or sarif')
    .addOption(new Option('--format <format>', 'alias of --output'));
  addBudgetFlags(doctor, DOCTOR_BUDGET_FIELDS, 'doctor')
    .option('-n, --namespace <name>', 'namespace of objects without one', 'default');
  addManifestFlags(doctor)
    .option('--no-color', 'never color the text output (it is colored only on a terminal without NO_COLOR)')
    .addHelpText('after', DOCTOR_HELP)
    .action(async (files: string[], _flags: unknown, command: Command) => {
      setExitCode(await runDoctor(files, command, io));
    });

  const plan = program
    .command('plan')
    .summary('derive the settings from a drain budget')
    .description('Derive every termination-related setting of a gRPC workload behind an AWS NLB from one drain budget.')
    .allowExcessArguments();
  addBudgetFlags(plan, PLAN_BUDGET_FIELDS, 'plan')
    .option('--scheme <scheme>', 'NLB scheme: internal or internet-facing (default: internal)')
    .option('--container <name>', 'container name in the pod fragment (default: grpc)')
    .option('-o, --output <format>', 'output format: text (default) or json (the plan numbers, fragments and timeline)')
    .option('--json', 'same as -o json')
    .option('--no-color', 'never color the output (it is colored only on a terminal without NO_COLOR)')
    .addHelpText('after', PLAN_HELP)
    .action((_flags: unknown, command: Command) => {
      // Loaded when used: the plan command's YAML renderer is not needed to run the doctor.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runPlan } = require('./plan-command') as typeof import('./plan-command');
      setExitCode(runPlan(command, io));
    });

  defineRetrofitCommand(
    program
      .command('retrofit')
      .summary('apply the plan to existing manifests (a Helm post-renderer, a kustomize KRM function)')
      .description('Apply the drain plan to the gRPC workloads behind an AWS NLB in existing manifests and write them to stdout.'),
  )
    .addHelpText('after', RETROFIT_HELP)
    .action(async (files: string[], _flags: unknown, command: Command) => {
      setExitCode(await runRetrofit(files, command, io));
    });

  program
    .command('propagation')
    .summary("turn the runtime's termination reports into the propagation to budget")
    .description("Read the runtime's termination reports (kubectl logs, a log export, the lab) and recommend the propagation budget.")
    .argument('[files...]', 'log files; - reads stdin')
    .option('-o, --output <format>', `output format: ${PROPAGATION_OUTPUTS.join(' (default) or ')}`)
    .option('--json', 'same as -o json')
    .option('--margin <duration>', 'added to the largest observed value before rounding up (default: 5s)')
    .addHelpText('after', PROPAGATION_HELP)
    .action(async (files: string[], _flags: unknown, command: Command) => {
      setExitCode(await runPropagation(files, command, io));
    });
  return program;
}

/**
 * Runs `grpc-drain` with `argv` (the arguments after the program name) and returns the exit
 * code: 0 success, 1 doctor errors found, 2 unusable input. Never throws; a usage problem is
 * one line per problem on stderr, without a stack trace.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // kustomize runs an exec KRM function without arguments, a ResourceList on stdin.
  if (argv.length === 0 && io.stdinIsTTY !== true) {
    const text = await readAll(io.stdin);
    io = { ...io, stdin: text };
    if (readResourceList(text)) return main(['retrofit'], io);
  }
  let code: number = EXIT.ok;
  const program = createProgram(io, (c) => {
    code = c;
  });
  // Unknown flags of a command are taken out first, so that it reports them with every other problem.
  const command = program.commands.find((c) => c.name() === argv[0]);
  const args = command ? [argv[0]!, ...stripUnknownFlags(command, argv.slice(1))] : [...argv];
  try {
    // With no command, commander prints the help to stderr and throws (exit code 1 → 2).
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already written its message (or the help) to the configured output.
      code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (error instanceof UsageError) {
      io.stderr.write(error.message.split('\n').map((line) => `grpc-drain: ${line}\n`).join(''));
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
