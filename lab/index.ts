/**
 * The rollout lab (`npm run lab`): real engine processes behind a model of the NLB and the
 * kubelet, real gRPC clients, rolling restarts; counts what the clients see, per scenario.
 * See docs/lab.md.
 *
 *   npm run lab -- --scenario all [--nlb-propagation 60] [--zones 2] [--json] [--svg docs/img] [--runtime-log FILE]
 *
 * Progress goes to stderr; stdout holds the table (or, with --json, the JSON object alone).
 * Exit 0 after a run, 1 when the lab itself failed, 2 on bad arguments.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, USAGE, type LabCommand } from './args';
import { buildEngine } from './build';
import { killAllEngines, type EngineOutputSink } from './engine-process';
import { formatDetails, formatTable, toJson } from './report';
import { budgetRegistrationSeconds, runScenario, type ScenarioRun } from './run-scenario';
import { DrainBudgetError } from 'grpc-drain';
import { scenario, type Scenario } from './scenarios';
import { renderSvg } from './svg';
import { measureTimerLagMs } from './time-scale';

/**
 * The scenarios of `command`, resolved before anything starts. A propagation `planDrain`
 * rejects is a bad argument: one line naming the rule(s).
 */
export function resolveScenarios(command: LabCommand): { ok: true; scenarios: Scenario[] } | { ok: false; error: string } {
  const budget = { propagationSeconds: command.options.propagationSeconds, registrationSeconds: budgetRegistrationSeconds(command.options) };
  try {
    return { ok: true, scenarios: command.scenarios.map((name) => scenario(name, budget)) };
  } catch (error) {
    if (error instanceof DrainBudgetError) {
      const inputs = `--propagation ${budget.propagationSeconds}${command.scenarios.includes('no-gate') ? ` --budget-registration ${budget.registrationSeconds}` : ''}`;
      return { ok: false, error: `lab: ${inputs}: planDrain rejects it: ${error.violations.map((v) => `[${v.rule}] ${v.message}`).join(' ')}` };
    }
    throw error;
  }
}

/** One lab run: the scenarios' runs and the machine they ran on. */
export interface LabRun {
  readonly runs: ScenarioRun[];
  /** The lab process's timer lag before the first scenario (see `measureTimerLagMs`). */
  readonly timerLagP99Ms: number;
}

/**
 * Runs the scenarios one after the other (they share two cores; never in parallel).
 * @param sink receives every line every engine writes (see engine-process.ts)
 */
export async function runLab(command: LabCommand, progress: (line: string) => void = () => undefined, sink?: EngineOutputSink): Promise<LabRun> {
  const resolved = resolveScenarios(command);
  if (!resolved.ok) throw new Error(resolved.error);
  const { scenarios } = resolved;
  const timerLagP99Ms = await measureTimerLagMs();
  progress(`lab: timer lag p99 ${timerLagP99Ms} ms (1 budget second = ${command.options.scaleMs} ms)`);
  // One file for the whole run, a scenario's reports appended as it ends (pods are named SCENARIO-N).
  if (command.runtimeLog !== undefined) {
    try {
      writeFileSync(command.runtimeLog, '');
    } catch (error) {
      throw new Error(`cannot write --runtime-log ${command.runtimeLog}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  const build = buildEngine();
  const runs: ScenarioRun[] = [];
  try {
    for (const s of scenarios) {
      progress(`lab: ${s.name}: ${s.summary}`);
      const run = await runScenario(s, command.options, build, sink);
      progress(`lab: ${s.name}: done in ${(run.wallMs / 1000).toFixed(1)} s`);
      if (command.runtimeLog !== undefined && run.runtimeLog.length > 0) appendFileSync(command.runtimeLog, run.runtimeLog.map((line) => `${line}\n`).join(''));
      runs.push(run);
    }
  } finally {
    build.dispose();
  }
  return { runs, timerLagP99Ms };
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`);
    return 2;
  }
  const { command } = parsed;
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const resolved = resolveScenarios(command);
  if (!resolved.ok) {
    process.stderr.write(`${resolved.error}\n`);
    return 2;
  }
  let lab: LabRun;
  try {
    lab = await runLab(command, (line) => process.stderr.write(`${line}\n`));
  } catch (error) {
    process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { runs } = lab;
  if (command.svgDir !== undefined) {
    mkdirSync(command.svgDir, { recursive: true });
    for (const run of runs) {
      const file = path.join(command.svgDir, `lab-${run.scenario.name}.svg`);
      writeFileSync(file, renderSvg(run));
      process.stderr.write(`lab: wrote ${file}\n`);
    }
  }
  if (command.json) process.stdout.write(`${JSON.stringify(toJson(runs, lab.timerLagP99Ms))}\n`);
  else process.stdout.write(`${formatTable(runs)}\n\n${formatDetails(runs)}\n`);
  return 0;
}

if (require.main === module) {
  // Stopped from outside (Ctrl-C, a test's timeout): take the pods down too, then go.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      killAllEngines();
      process.stderr.write(`lab: ${signal}: stopped, every engine killed\n`);
      process.exit(code);
    });
  }
  main(process.argv.slice(2)).then(
    // Exit at once: nothing of the run is left to wait for, and a stray handle must not hang the CLI.
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
