import { NLB_HEALTH_CHECK } from './limits';

/**
 * Readiness and liveness paths must reach the runtime byte for byte from three senders: the
 * kubelet (which parses the path as a URL: `?` starts a query and `#` a fragment, and a
 * non-ASCII character is percent-encoded, kubernetes/kubernetes
 * `pkg/probe/http/request.go`/`pkg/kubelet/prober/prober.go` formatURL), the NLB (HealthCheckPath,
 * 1–1024 characters) and the runtime's health server (which compares the request path as sent).
 * grpc-drain therefore accepts only RFC 3986 path characters without percent-escapes:
 * letters, digits, `-._~!$&'()*+,;=:@` and `/`, starting with `/`.
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.3
 */
const PATH_CHARACTER = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/u;

/** Why `value` is not a path the kubelet, the NLB and the runtime all serve alike; `undefined` when it is. */
export function httpPathProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'a path is a string such as "/ready"';
  if (!value.startsWith('/')) return "it must start with '/' (the kubelet and the NLB send the path as written)";
  if (value.length > NLB_HEALTH_CHECK.pathLength.max) return `it is ${value.length} characters long; the NLB health-check path holds at most ${NLB_HEALTH_CHECK.pathLength.max}`;
  for (const character of value) {
    if (PATH_CHARACTER.test(character)) continue;
    const shown = JSON.stringify(character);
    if (character === '?') return "'?' starts a query string: the kubelet requests only the part before it, so the probe and the health check would not hit the path the runtime serves";
    if (character === '#') return "'#' starts a fragment, which is never sent";
    if (character === '%') return 'percent-escapes are decoded and re-encoded differently along the way; write the path unescaped';
    if (/\s/u.test(character)) return 'it contains whitespace, which the kubelet percent-encodes';
    if (character.codePointAt(0)! > 0x7e) return `${shown} is not ASCII: the kubelet percent-encodes it, so the request path differs from the one the runtime serves`;
    return `${shown} is not a URL path character (RFC 3986): the kubelet percent-encodes it`;
  }
  return undefined;
}
