import { LBC_ANNOTATION } from '../../model';

/**
 * Service annotations read by the AWS Load Balancer Controller (LBC) and by the AWS cloud
 * provider's own Service controller ("in-tree"), beyond the ones grpc-drain writes
 * (`LBC_ANNOTATION` in src/model). Names: LBC `pkg/annotations/constants.go` (v2.15.0),
 * cloud-provider-aws `pkg/providers/v1/aws.go` (v1.36).
 */
export const READ_ANNOTATION = {
  ...LBC_ANNOTATION,
  /** LBC ≥ 2.4.6 (`SvcLBSuffixHCSuccessCodes`, `buildTargetGroupHealthCheckMatcher`), HTTP(S) checks only; default `200-399`. */
  healthCheckSuccessCodes: 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes',
  /** Classic Load Balancer (in-tree) connection draining, off by default. */
  connectionDrainingEnabled: 'service.beta.kubernetes.io/aws-load-balancer-connection-draining-enabled',
  connectionDrainingTimeout: 'service.beta.kubernetes.io/aws-load-balancer-connection-draining-timeout',
} as const;

/**
 * `target-group-attributes.<port>`: the attributes of one Service port's target group, merged
 * over the Service-wide annotation (a non-empty value wins, an empty one keeps the base value).
 * LBC ≥ 2.14.0, `buildPortSpecificTargetGroupAttributes` in `pkg/service/model_build_target_group.go`.
 * The port is the Service `port` (not the targetPort).
 */
export function perPortAttributesAnnotation(servicePort: number): string {
  return `${LBC_ANNOTATION.targetGroupAttributes}.${servicePort}`;
}

/** A stringMap annotation as the LBC parses it, or why the LBC rejects it. */
export type StringMapParse = { readonly map: Readonly<Record<string, string>> } | { readonly error: string };

/**
 * The LBC's split of a `k=v,k=v` annotation since v2.14.1 (`splitKeyValuePairs` in
 * `pkg/annotations/parser.go`, commit f7296d3ef "support comma in string pars value"): a
 * backslash makes the next character literal (`\,` is a comma inside a value); a comma ends a
 * pair only when some `=` follows it; a comma followed by text without any `=` makes that
 * text a pair of its own (which then fails); a trailing comma stays in the value.
 */
function splitKeyValuePairs(text: string): string[] {
  const result: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += text[i + 1];
      i += 1;
    } else if (c === ',') {
      const remaining = text.slice(i + 1).trim();
      if (remaining.includes('=')) {
        result.push(current.trim());
        current = '';
      } else if (remaining.length > 0) {
        result.push(current.trim(), remaining);
        return result;
      } else {
        current += c;
      }
    } else {
      current += c;
    }
  }
  if (current.length > 0) result.push(current.trim());
  return result;
}

/**
 * Parses a stringMap annotation (`target-group-attributes`, ...) as LBC ≥ 2.14.1 does
 * (`ParseStringMapAnnotation`): pairs split as above, key and value each trimmed; a pair
 * without `=` or with an empty key fails, and the LBC then fails to reconcile the Service.
 */
export function parseLbcStringMap(text: string): StringMapParse {
  const map: Record<string, string> = {};
  for (const pair of splitKeyValuePairs(text)) {
    const at = pair.indexOf('=');
    if (at < 0) return { error: `${JSON.stringify(pair)} has no '='` };
    const key = pair.slice(0, at).trim();
    if (key === '') return { error: `${JSON.stringify(pair)} has an empty key` };
    map[key] = pair.slice(at + 1).trim();
  }
  return { map };
}

/**
 * The same annotation as LBC ≤ 2.14.0 parsed it (`splitCommaSeparatedString`): split at every
 * comma, each pair trimmed and empty ones skipped, no escapes, key and value not trimmed
 * around the `=`.
 */
export function parseLegacyLbcStringMap(text: string): StringMapParse {
  const map: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const pair = raw.trim();
    if (pair === '') continue;
    const at = pair.indexOf('=');
    if (at < 0) return { error: `${JSON.stringify(pair)} has no '='` };
    if (at === 0) return { error: `${JSON.stringify(pair)} has an empty key` };
    map[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { map };
}

/** Whether two parses give the same pairs. */
export function sameParse(a: StringMapParse, b: StringMapParse): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b;
  const keys = Object.keys(a.map);
  return keys.length === Object.keys(b.map).length && keys.every((key) => b.map[key] === a.map[key]);
}

/**
 * Go's `strconv.ParseInt(s, 10, 32)`, as the LBC reads its integer annotations
 * (`ParseInt32Annotation`): an optional sign and decimal digits, within int32.
 */
export function parseInt32(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= -2147483648 && value <= 2147483647 ? value : undefined;
}

/** Go's `strconv.Atoi`, as `intstr.Parse` uses it for the health-check port. */
export function parseAtoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
}
