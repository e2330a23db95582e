/**
 * Pulumi unit-test mocks (pulumi/examples `testing-unit-ts-mocks-jest`): `setMocks` with a
 * recorder of every `newResource` call — custom resources and components alike — so a test
 * can assert exactly what was registered, and that nothing was when args are rejected.
 * No Pulumi CLI, no engine, no cloud, no network.
 */
import * as pulumi from '@pulumi/pulumi';

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** false for component resources. */
  readonly custom: boolean;
  /** The inputs as the engine would receive them (Outputs resolved). */
  readonly inputs: Record<string, any>;
}

export class Recorder {
  readonly resources: RecordedResource[] = [];

  clear(): void {
    this.resources.length = 0;
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The one resource of `type` (named `name`, when given); throws otherwise. */
  one(type: string, name?: string): RecordedResource {
    const found = this.ofType(type).filter((resource) => name === undefined || resource.name === name);
    if (found.length !== 1) {
      throw new Error(`expected one ${type}${name ? ` named ${name}` : ''}, found ${found.length}: ${this.resources.map((r) => `${r.type}::${r.name}`).join(', ')}`);
    }
    return found[0];
  }

  /** `type::name` of every registration, sorted (registrations are asynchronous: their order is not stable). */
  summary(): string[] {
    return this.resources.map((resource) => `${resource.type}::${resource.name}`).sort();
  }

  /** The custom resources, sorted by type and name: what a snapshot should hold. */
  customResources(): RecordedResource[] {
    return this.resources.filter((resource) => resource.custom).sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));
  }
}

export const MOCK_ACCOUNT = '123456789012';

/** What the providers would return that the program reads back: names, ARNs. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const state: Record<string, any> = { ...args.inputs };
  if (args.type.startsWith('kubernetes:') && args.custom !== false && state.metadata?.name === undefined) {
    // The Kubernetes provider auto-names objects from the resource name plus a random suffix.
    state.metadata = { ...state.metadata, name: `${args.name}-mock` };
  }
  if (args.type === 'aws:lb/targetGroup:TargetGroup') {
    state.arn = `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT}:targetgroup/${args.name}/0123456789abcdef`;
  }
  if (args.type === 'aws:lb/listener:Listener') {
    state.arn = `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT}:listener/net/engine/0123456789abcdef/${args.name}`;
  }
  return state;
}

/** Installs the mocks (call in `beforeAll`, before any resource is built). */
export async function setupMocks(): Promise<Recorder> {
  const recorder = new Recorder();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorder.resources.push({ type: args.type, name: args.name, custom: args.custom !== false, inputs: args.inputs });
        return { id: `${args.name}-id`, state: mockState(args) };
      },
      call(args) {
        return args.inputs;
      },
    },
    'grpc-drain',
    'test',
    false,
  );
  return recorder;
}

/** The value of an Output (pulumi/examples' `promiseOf`). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until every resource given is registered (its URN known). */
export async function registered(...resources: pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((resource) => promiseOf(resource.urn)));
}

/**
 * Lets any registration already started reach the mocks: a sentinel resource is registered
 * and awaited, then the event loop turns once more.
 */
class Sentinel extends pulumi.CustomResource {
  constructor(name: string) {
    super('test:index:Sentinel', name, {});
  }
}

export async function drainRegistrations(sentinelName: string): Promise<void> {
  const sentinel = new Sentinel(sentinelName);
  await registered(sentinel);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
