import type { RuleInfo } from './rule';

/**
 * `budget-valid` checks the budget itself (types, ranges) rather than settings; its check
 * lives with the budget resolution in src/plan. This is its entry in the rules table.
 */
export const budgetValid: RuleInfo = {
  id: 'budget-valid',
  severity: 'error',
  summary: 'every budget input is a finite, non-negative number (or the right type) within its range',
  symptom: 'a plan built on NaN',
};
