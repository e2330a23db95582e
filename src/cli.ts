#!/usr/bin/env node
/**
 * The `grpc-drain` command: `grpc-drain plan` derives the settings of a drain budget,
 * `grpc-drain doctor` diagnoses existing manifests. See `grpc-drain --help`.
 */
import { main } from './cli/program';
import { processIo } from './cli/io';

export { main, createProgram } from './cli/program';
export { processIo, EXIT, UsageError, type CliIo, type TextSink } from './cli/io';
export { renderTimelineChart, type TimelineChartOptions } from './cli/timeline-chart';
export {
  addBudgetFlags,
  BUDGET_FLAGS,
  budgetFlagLabel,
  budgetProblemLines,
  DOCTOR_BUDGET_FIELDS,
  PLAN_BUDGET_FIELDS,
  readBudgetFlags,
  RETROFIT_BUDGET_FIELDS,
  type BudgetFlag,
  type BudgetFlagCommand,
  type BudgetFlagKind,
  type BudgetFlagProblem,
} from './cli/budget-flags';
export { stripUnknownFlags, suggestFlag, unknownFlagProblems } from './cli/unknown-flags';

if (require.main === module) {
  // `grpc-drain doctor … | head` closes the pipe early: stop quietly instead of a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  void main(process.argv.slice(2), processIo());
}
