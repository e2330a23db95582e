import { DrainBudgetError } from 'grpc-drain';

/** The DrainBudgetError `build` throws; fails the test when it throws none, or another error. */
export function thrownDrainBudgetError(build: () => unknown): DrainBudgetError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(DrainBudgetError);
    return error as DrainBudgetError;
  }
  throw new Error('expected a DrainBudgetError, got none');
}

/** `field: message` of every violation, as a test compares them. */
export const violationLines = (error: DrainBudgetError): string[] => error.violations.map((v) => `${v.field}: ${v.message}`);
