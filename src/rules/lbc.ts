import {
  AWS_DEFAULT_HEALTH_CHECK_TIMEOUT,
  LBC_FEATURES,
  lbcHas,
  NLB_DEFAULT_SUCCESS_CODES,
  parseLbcVersion,
  type Finding,
} from '../model';
import { finding, secs, type DrainRule } from './rule';

const PREFIX = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * `lbc-supports`: the controller version honours what the settings rely on. Each check is one
 * entry of LBC_FEATURES (the release that introduced it, read in the controller's source).
 */
export const lbcSupports: DrainRule = {
  id: 'lbc-supports',
  severity: 'error/warning',
  summary: `the AWS Load Balancer Controller version honours every setting used (external type ≥ ${LBC_FEATURES.externalType.value}, NLB health-check timeout and success codes ≥ ${LBC_FEATURES.healthCheckTimeout.value}, named health-check port ≥ ${LBC_FEATURES.namedHealthCheckPort.value}, per-port attributes ≥ ${LBC_FEATURES.perPortTargetGroupAttributes.value})`,
  symptom: 'rejected target group, or a setting silently ignored',
  check(s) {
    const lbc = s.lbcVersion !== undefined ? parseLbcVersion(s.lbcVersion) : undefined;
    if (!lbc) return [];
    const version = `AWS Load Balancer Controller ${s.lbcVersion}`;
    const findings: Finding[] = [];
    if (s.loadBalancerType === 'external' && !lbcHas(lbc, 'externalType')) {
      findings.push(
        finding(
          'lbc-supports',
          'error',
          'loadBalancerType',
          `${version} does not know ${PREFIX}type: external (read with nlb-target-type from ${LBC_FEATURES.externalType.value}): it leaves the Service alone, and the in-tree cloud provider makes a Classic Load Balancer instead. Upgrade the controller to ≥ ${LBC_FEATURES.externalType.value}, or set ${PREFIX}type: nlb-ip.`,
        ),
      );
    }
    const hc = s.healthCheck;
    if (hc && !lbcHas(lbc, 'healthCheckTimeout') && hc.protocol !== undefined) {
      // 2.1.1–2.4.5 build the NLB health check without a timeout (PR #2899): AWS's default applies.
      const applied = AWS_DEFAULT_HEALTH_CHECK_TIMEOUT[hc.protocol].value;
      const dropped = `${version} drops ${PREFIX}healthcheck-timeout for NLBs (fixed in ${LBC_FEATURES.healthCheckTimeout.value}, PR #2899), so AWS applies its default ${secs(applied)} timeout to this ${hc.protocol} check`;
      if (hc.intervalSeconds !== undefined && applied > hc.intervalSeconds) {
        findings.push(
          finding(
            'lbc-supports',
            'error',
            'healthCheck.intervalSeconds',
            `${dropped}, longer than the ${secs(hc.intervalSeconds)} interval: AWS rejects the target group ("Health check interval must be greater than the timeout", issue #2951). Set the health-check interval to ${applied}s, or upgrade the controller to ≥ ${LBC_FEATURES.healthCheckTimeout.value}.`,
          ),
        );
      } else if (hc.timeoutSeconds !== undefined && hc.timeoutSeconds !== applied) {
        findings.push(
          finding(
            'lbc-supports',
            'warning',
            'healthCheck.timeoutSeconds',
            `${dropped}, not the ${secs(hc.timeoutSeconds)} set: checks fail later or sooner than planned. Set the health-check timeout to ${applied}s so the numbers checked are the ones in effect, or upgrade the controller to ≥ ${LBC_FEATURES.healthCheckTimeout.value}.`,
          ),
        );
      }
    }
    if (hc?.portName !== undefined && !lbcHas(lbc, 'namedHealthCheckPort')) {
      const number = typeof hc.port === 'number' ? ` Write the port number (${hc.port}) instead,` : ' Write the port number instead,';
      findings.push(
        finding(
          'lbc-supports',
          'error',
          'healthCheck.port',
          `${PREFIX}healthcheck-port names the Service port '${hc.portName}', but ${version} takes only a number or traffic-port there (names from ${LBC_FEATURES.namedHealthCheckPort.value}): it fails to reconcile the Service and the NLB is never updated.${number} or upgrade the controller to ≥ ${LBC_FEATURES.namedHealthCheckPort.value}.`,
        ),
      );
    }
    if (hc?.successCodes !== undefined && hc.successCodes !== NLB_DEFAULT_SUCCESS_CODES.value && !lbcHas(lbc, 'successCodes')) {
      findings.push(
        finding(
          'lbc-supports',
          'warning',
          'healthCheck.successCodes',
          `${version} ignores ${PREFIX}healthcheck-success-codes (read from ${LBC_FEATURES.successCodes.value}): the NLB counts ${NLB_DEFAULT_SUCCESS_CODES.value} as healthy, not ${hc.successCodes}. Remove the annotation, or upgrade the controller to ≥ ${LBC_FEATURES.successCodes.value}.`,
        ),
      );
    }
    if (s.perPortTargetGroupAttributes === true && !lbcHas(lbc, 'perPortTargetGroupAttributes')) {
      findings.push(
        finding(
          'lbc-supports',
          'warning',
          'perPortTargetGroupAttributes',
          `the target-group attributes are set per port (${PREFIX}target-group-attributes.<port>), which ${version} ignores (read from ${LBC_FEATURES.perPortTargetGroupAttributes.value}): the Service-wide ${PREFIX}target-group-attributes apply instead. Move the attributes to ${PREFIX}target-group-attributes, or upgrade the controller to ≥ ${LBC_FEATURES.perPortTargetGroupAttributes.value}.`,
        ),
      );
    }
    return findings;
  },
};
