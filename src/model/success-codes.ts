import { NLB_SUCCESS_CODE_RANGE, type Range } from './limits';

/**
 * An NLB health check's success codes as AWS's `Matcher.HttpCode` writes them: codes and
 * ranges separated by commas (`"200-399"`, `"200,202"`, `"200-299,301"`), each within
 * 200–599 for an NLB. `undefined` when the text is not such a list (AWS rejects it).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html
 */
export function parseSuccessCodes(text: string): readonly Range[] | undefined {
  const ranges: Range[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(part);
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = Number(match[2] ?? match[1]);
    if (min > max || min < NLB_SUCCESS_CODE_RANGE.min || max > NLB_SUCCESS_CODE_RANGE.max) return undefined;
    ranges.push({ min, max });
  }
  return ranges;
}

/** Whether an HTTP status is among the success codes. */
export function isSuccessCode(codes: readonly Range[], status: number): boolean {
  return codes.some((range) => status >= range.min && status <= range.max);
}
