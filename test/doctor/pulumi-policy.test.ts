import { parseAllDocuments } from 'yaml';
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { readFixture } from './helpers';

const constructed: Array<{ name: string; args: unknown }> = [];
jest.mock('@pulumi/policy', () => {
  const actual = jest.requireActual('@pulumi/policy');
  return {
    ...actual,
    // `new PolicyPack` starts the analyzer server; record the call instead.
    PolicyPack: jest.fn().mockImplementation((name: string, args: unknown) => {
      constructed.push({ name, args });
      return {};
    }),
  };
});

// eslint-disable-next-line import/first
import { createGrpcDrainPolicyPack, grpcDrainPolicies, grpcDrainPolicyPackArgs, kubernetesObject, POLICY_NAMES } from 'grpc-drain/pulumi/policy';

/** The Pulumi type token of a Kubernetes object: `kubernetes:apps/v1:Deployment`, core group as `core/v1`. */
function typeToken(object: Record<string, unknown>): string {
  const apiVersion = String(object['apiVersion']);
  return `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${String(object['kind'])}`;
}

/** The fixture's objects as the resources of a stack. */
function stackOf(fixture: string, change?: (objects: Array<Record<string, any>>) => void): PolicyResource[] {
  const objects = parseAllDocuments(readFixture(fixture)).flatMap((doc) => {
    const value = doc.toJS() as Record<string, any>;
    return value['kind'] === 'List' ? (value['items'] as Array<Record<string, any>>) : [value];
  });
  change?.(objects);
  return objects.map((object) => {
    const { apiVersion: _a, kind: _k, ...props } = object;
    const name = String(object['metadata']?.['name']);
    return {
      type: typeToken(object),
      props,
      urn: `urn:pulumi:dev::shop::${typeToken(object)}::${name}`,
      name,
      dependencies: [],
      propertyDependencies: {},
    } as unknown as PolicyResource;
  });
}

function stackArgs(resources: PolicyResource[], config: object = {}): StackValidationArgs {
  return {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: () => {
      throw new Error('not applicable');
    },
  };
}

async function runStack(policy: StackValidationPolicy, args: StackValidationArgs): Promise<Array<{ message: string; urn?: string }>> {
  const violations: Array<{ message: string; urn?: string }> = [];
  await policy.validateStack(args, (message, urn) => violations.push({ message, ...(urn !== undefined && { urn }) }));
  return violations;
}

const [errorsPolicy, warningsPolicy, budgetPolicy] = grpcDrainPolicies() as [StackValidationPolicy, StackValidationPolicy, ResourceValidationPolicy];

describe('the grpc-drain policy pack', () => {
  it('importing the module starts no policy pack; the factory does', () => {
    expect(constructed).toEqual([]);
    createGrpcDrainPolicyPack('grpc-drain', { config: { drain: '15s' } });
    expect(constructed).toHaveLength(1);
    expect(constructed[0]!.name).toBe('grpc-drain');
  });

  it('has an error policy (mandatory), a warning policy (advisory) and a budget-annotation policy', () => {
    expect(grpcDrainPolicyPackArgs().policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
      [POLICY_NAMES.errors, 'mandatory'],
      [POLICY_NAMES.warnings, 'advisory'],
      [POLICY_NAMES.budgetAnnotation, 'mandatory'],
    ]);
  });

  it('reports an error finding on the workload that holds the setting, with the fix', async () => {
    const violations = await runStack(errorsPolicy, stackArgs(stackOf('02-sigkill.yaml')));
    expect(violations).toEqual([
      {
        message: expect.stringMatching(/^\[grace-covers-drain\] Deployment payments\/ledger \(container ledger\): terminationGracePeriodSeconds \(30s\) must be ≥/),
        urn: 'urn:pulumi:dev::shop::kubernetes:apps/v1:Deployment::ledger',
      },
    ]);
    expect(violations[0]!.message).toContain('Symptom: pod always SIGKILLed despite a graceful handler.');
    expect(violations[0]!.message).toContain('Fix (patch Deployment payments/ledger):\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 45');
  });

  it('reports NLB warnings on the Service', async () => {
    const violations = await runStack(warningsPolicy, stackArgs(stackOf('05-lingering.yaml')));
    expect(violations.map((v) => v.urn)).toEqual([
      'urn:pulumi:dev::shop::kubernetes:core/v1:Service::push-gateway',
      'urn:pulumi:dev::shop::kubernetes:core/v1:Service::push-gateway',
    ]);
    expect(violations.map((v) => v.message.split(']')[0])).toEqual(['[deregistration-delay-bounded', '[connection-termination-enabled']);
    expect(await runStack(errorsPolicy, stackArgs(stackOf('05-lingering.yaml')))).toEqual([]);
  });

  it('is silent on a clean stack and on stacks without Kubernetes resources', async () => {
    expect(await runStack(errorsPolicy, stackArgs(stackOf('03-flip-unseen.fixed.yaml')))).toEqual([]);
    expect(await runStack(warningsPolicy, stackArgs(stackOf('03-flip-unseen.fixed.yaml')))).toEqual([]);
    const bucket = { type: 'aws:s3/bucket:Bucket', props: { bucket: 'x' }, urn: 'urn:b', name: 'b' } as unknown as PolicyResource;
    expect(await runStack(errorsPolicy, stackArgs([bucket]))).toEqual([]);
  });

  it('uses the policy config where no budget annotation gives a value', async () => {
    const resources = stackOf('01-econnrefused.fixed.yaml');
    expect(await runStack(errorsPolicy, stackArgs(resources))).toEqual([]);
    const violations = await runStack(errorsPolicy, stackArgs(resources, { drain: '30s' }));
    expect(violations.map((v) => v.message.split(']')[0])).toEqual(['[grace-covers-drain', '[deregistration-delay-covers-drain']);
    const bad = await runStack(errorsPolicy, stackArgs(resources, { drain: 'long' }));
    expect(bad).toEqual([{ message: '[budget-valid] grpc-drain policy config: drain must be a duration such as 20s, 1m30s or a number of seconds; got "long".' }]);
  });

  /** Makes a property read throw, as @pulumi/policy does for a value unknown during preview. */
  function makeUnknown(target: Record<string, unknown>, key: string): void {
    Object.defineProperty(target, key, {
      enumerable: true,
      get: () => {
        throw new Error(`value at .${key} can't be known during preview`);
      },
    });
  }

  it('does not guess a value unknown during preview: the workload is left for the update', async () => {
    const resources = stackOf('02-sigkill.fixed.yaml');
    const service = resources.find((r) => r.type === 'kubernetes:core/v1:Service')!;
    makeUnknown((service.props as any).metadata.annotations, 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path');
    // Read as unset, the path would be the LBC default "/" and a false error.
    expect(await runStack(errorsPolicy, stackArgs(resources))).toEqual([]);
    expect(await runStack(warningsPolicy, stackArgs(resources))).toEqual([
      {
        message:
          '[grpc-drain] Deployment payments/ledger not checked: Service ledger: metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-healthcheck-path is unknown until the update (preview).',
      },
    ]);
  });

  it('an unknown value the doctor does not read changes nothing', async () => {
    const resources = stackOf('02-sigkill.yaml');
    const deployment = resources.find((r) => r.type === 'kubernetes:apps/v1:Deployment')!;
    makeUnknown((deployment.props as any).spec.template.spec.containers[0], 'image');
    expect((await runStack(errorsPolicy, stackArgs(resources))).map((v) => v.message.split(']')[0])).toEqual(['[grace-covers-drain']);
  });

  it('checks the budget annotation of a single workload resource', async () => {
    const [deployment] = stackOf('02-sigkill.yaml', (objects) => {
      const d = objects.find((o) => o['kind'] === 'Deployment')!;
      d['spec'].template.metadata.annotations['grpc-drain.dev/budget'] = '{"drainTimeoutSeconds":-10}';
    }).filter((r) => r.type.endsWith(':Deployment'));
    const violations: string[] = [];
    const args = { ...deployment!, getConfig: () => ({}) } as unknown as ResourceValidationArgs;
    const validate = budgetPolicy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
    validate(args, (message) => violations.push(message));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^\[budget-valid\] Deployment payments\/ledger \(container ledger\): grpc-drain.dev\/budget drainTimeoutSeconds must be 0–3600s \(the deregistration delay, at most 3600s, must cover the drain\); got -10s./);
    // The stack policies leave budget-valid to this one.
    expect((await runStack(errorsPolicy, stackArgs([deployment!]))).map((v) => v.message.split(']')[0])).toEqual(['[grace-covers-drain']);
  });

  it('reads the Kubernetes object of a resource from its type token', () => {
    expect(kubernetesObject({ type: 'kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding', props: { spec: { targetType: 'ip' } }, name: 'tgb', urn: 'u' })).toEqual({
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'TargetGroupBinding',
      metadata: { name: 'tgb' },
      spec: { targetType: 'ip' },
    });
    expect(kubernetesObject({ type: 'kubernetes:core/v1:ConfigMap', props: {}, name: 'c', urn: 'u' })).toBeUndefined();
    expect(kubernetesObject({ type: 'kubernetes:apps/v1:DeploymentPatch', props: {}, name: 'p', urn: 'u' })).toBeUndefined();
  });
});
