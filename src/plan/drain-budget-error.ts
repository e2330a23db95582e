import type { Finding } from '../model';

/**
 * A budget that cannot give a safe plan. `violations` lists every error at once (rule id,
 * field, message with the numbers and the fix); `warnings` what else the plan would report.
 */
export class DrainBudgetError extends Error {
  override readonly name = 'DrainBudgetError';
  readonly violations: readonly Finding[];
  readonly warnings: readonly Finding[];

  constructor(violations: readonly Finding[], warnings: readonly Finding[] = [], subject = 'drain budget') {
    super(DrainBudgetError.format(subject, violations));
    this.violations = violations;
    this.warnings = warnings;
  }

  /** `unsafe drain budget (2 violations):\n  - [rule] field: message` */
  static format(subject: string, violations: readonly Finding[]): string {
    const count = `${violations.length} violation${violations.length === 1 ? '' : 's'}`;
    return [`unsafe ${subject} (${count}):`, ...violations.map((v) => `  - [${v.rule}] ${v.field}: ${v.message}`)].join('\n');
  }
}
