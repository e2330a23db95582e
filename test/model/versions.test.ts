import { checkKubernetesVersion, checkLbcVersion, isSuccessCode, lbcAtLeast, parseLbcVersion, parseSuccessCodes } from 'grpc-drain';

describe('Kubernetes versions, strictly', () => {
  it.each<[string, number]>([
    ['1.30', 30],
    ['v1.31', 31],
    ['1.29.4', 29],
    ['v1.30.2-eks-1234', 30],
    ['1.21', 21],
    ['1.99', 99],
  ])('%j is 1.%d', (text, minor) => {
    expect(checkKubernetesVersion(text)).toEqual({ ok: true, value: { major: 1, minor } });
  });

  it.each<[unknown, string]>([
    ['1.300', 'Kubernetes 1.300 does not exist: releases come three a year (1.35 in December 2025), so minors above 1.99 are typos (did you mean "1.30"?)'],
    ['1.0', 'Kubernetes 1.0 is older than 1.21, the first with the policy/v1 PodDisruptionBudget the plan renders'],
    ['1.20', 'Kubernetes 1.20 is older than 1.21, the first with the policy/v1 PodDisruptionBudget the plan renders'],
    ['2.0', 'there is no Kubernetes 2.x: every release so far is 1.x'],
    ['0.30', 'there is no Kubernetes 0.x: every release so far is 1.x'],
    ['1.030', 'minor versions have no leading zero (did you mean "1.30"?)'],
    ['1', 'expected a version such as "1.30", "v1.31.2" or "v1.30.2-eks-1234"'],
    ['1.30.', 'expected a version such as "1.30", "v1.31.2" or "v1.30.2-eks-1234"'],
    [1.3, 'a Kubernetes version is a string such as "1.30"'],
  ])('%j is refused: %s', (text, reason) => {
    expect(checkKubernetesVersion(text)).toEqual({ ok: false, reason });
  });
});

describe('AWS Load Balancer Controller versions', () => {
  it.each<[string, string, boolean]>([
    ['2.4.5', '2.4.6', false],
    ['2.4.6', '2.4.6', true],
    ['2.5', '2.4.6', true],
    ['2.7', '2.6.2', true],
    ['2.6.1', '2.6.2', false],
    ['2.13.4', '2.14.0', false],
    ['v2.14', '2.14.0', true],
    ['3.0.0', '2.14.0', true],
  ])('%s ≥ %s is %s', (version, feature, expected) => {
    expect(lbcAtLeast(parseLbcVersion(version)!, feature)).toBe(expected);
  });

  it.each(['1.1', 'latest', '2', '2.x', '02.7'])('%j is refused', (text) => {
    expect(checkLbcVersion(text).ok).toBe(false);
  });
});

describe('NLB success codes', () => {
  it.each<[string, boolean | undefined]>([
    ['200-399', false],
    ['200', false],
    ['200,202', false],
    ['200-299, 301', false],
    ['200-599', true],
    ['503', true],
    ['200,500-504', true],
    ['100-399', undefined],
    ['200-700', undefined],
    ['399-200', undefined],
    ['2xx', undefined],
    ['', undefined],
  ])('%j counts 503 as healthy: %s (undefined: AWS rejects the list)', (codes, has503) => {
    const parsed = parseSuccessCodes(codes);
    expect(parsed === undefined ? undefined : isSuccessCode(parsed, 503)).toBe(has503);
  });
});
