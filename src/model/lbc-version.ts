import { LBC_FEATURES } from './limits';
import type { Parsed } from './kubernetes-version';

/** An AWS Load Balancer Controller release, `2.7` or `2.4.6` (a missing patch is 0). */
export interface LbcVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION = /^v?(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})(?:\.(0|[1-9]\d{0,2}))?$/;

/**
 * Reads `"2.7"`, `"v2.4.6"`, `"3.1.0"`. The controller that manages NLBs is 2.0 and later
 * (1.x was the aws-alb-ingress-controller, ALBs only).
 */
export function checkLbcVersion(input: unknown): Parsed<LbcVersion> {
  if (typeof input !== 'string') return { ok: false, reason: 'an AWS Load Balancer Controller version is a string such as "2.7" or "2.4.6"' };
  const match = VERSION.exec(input.trim());
  if (!match) return { ok: false, reason: 'expected a release such as "2.7", "v2.4.6" or "3.1.0" (the image tag of the aws-load-balancer-controller Deployment)' };
  const version = { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
  if (version.major < 2) return { ok: false, reason: `AWS Load Balancer Controller ${version.major}.x (the aws-alb-ingress-controller) does not manage NLBs; NLB support starts with 2.0` };
  return { ok: true, value: version };
}

/** The version, when {@link checkLbcVersion} accepts it; `undefined` otherwise. */
export function parseLbcVersion(text: string): LbcVersion | undefined {
  const parsed = checkLbcVersion(text);
  return parsed.ok ? parsed.value : undefined;
}

/** Whether `version` is at least `feature` (`"2.4.6"`). */
export function lbcAtLeast(version: LbcVersion, feature: string): boolean {
  const wanted = parseLbcVersion(feature);
  if (!wanted) throw new Error(`grpc-drain internal error: bad LBC feature version '${feature}'`);
  if (version.major !== wanted.major) return version.major > wanted.major;
  if (version.minor !== wanted.minor) return version.minor > wanted.minor;
  return version.patch >= wanted.patch;
}

/** Whether `version` has the named feature of {@link LBC_FEATURES}. */
export function lbcHas(version: LbcVersion, feature: keyof typeof LBC_FEATURES): boolean {
  return lbcAtLeast(version, LBC_FEATURES[feature].value);
}

/**
 * Whether a given LBC version (text, as a flag or the budget annotation gives it) predates the
 * release that introduced `feature`; `false` when the version is unknown or unreadable (the
 * newest behaviour is assumed).
 */
export function lbcBefore(version: string | undefined, feature: keyof typeof LBC_FEATURES): boolean {
  const parsed = version !== undefined ? parseLbcVersion(version) : undefined;
  return parsed !== undefined && !lbcHas(parsed, feature);
}
