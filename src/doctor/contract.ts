import { CONTRACT_ENV } from '../model';
import { parseDuration } from './duration';
import type { ContainerView } from './views/types';

/**
 * The in-process contract read back from a container's environment (DESIGN.md §3 "env"):
 * what grpc-drain's constructs inject and its runtime reads. A workload deployed with
 * grpc-drain (or wired by hand the same way) tells the doctor its drain timeout and cleanup
 * there even without the budget annotation. This is the one place the doctor reads contract
 * variables: a new variable of the contract is added to {@link CONTRACT_READERS}.
 */

/** Values of the contract found in a container's `env` (literal values only). */
export interface ContractValues {
  readonly drainTimeoutSeconds?: number;
  readonly cleanupSeconds?: number;
  /** The preStop delay the process was told (it dates connections from SIGTERM minus this). */
  readonly preStopSeconds?: number;
  readonly healthPort?: number;
  readonly readinessPath?: string;
  readonly livenessPath?: string;
  /** Variables present with a value the doctor cannot use, in words. */
  readonly problems: readonly string[];
}

/**
 * `GRPC_DRAIN_PRESTOP_SECONDS`: added to the contract by the runtime's propagation
 * measurement (DESIGN.md §7). Read here by name until src/model's `CONTRACT_ENV` carries it.
 */
const PRESTOP_SECONDS_ENV = 'GRPC_DRAIN_PRESTOP_SECONDS';

type Reader = (value: string) => number | string | undefined;
const seconds: Reader = (value) => {
  const parsed = parseDuration(value);
  return parsed !== undefined && Number.isFinite(parsed) ? Math.ceil(parsed) : undefined;
};
const port: Reader = (value) => (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535 ? Number(value) : undefined);
const path: Reader = (value) => (value.startsWith('/') ? value : undefined);

/** Contract variable → the value it gives and how it is read. */
const CONTRACT_READERS: readonly { readonly name: string; readonly key: Exclude<keyof ContractValues, 'problems'>; readonly read: Reader }[] = [
  { name: CONTRACT_ENV.drainTimeout, key: 'drainTimeoutSeconds', read: seconds },
  { name: CONTRACT_ENV.cleanup, key: 'cleanupSeconds', read: seconds },
  { name: PRESTOP_SECONDS_ENV, key: 'preStopSeconds', read: seconds },
  { name: CONTRACT_ENV.healthPort, key: 'healthPort', read: port },
  { name: CONTRACT_ENV.readinessPath, key: 'readinessPath', read: path },
  { name: CONTRACT_ENV.livenessPath, key: 'livenessPath', read: path },
];

/** Reads the contract variables of a container (the last definition of a name wins, as in the kubelet). */
export function readContract(container: ContainerView | undefined): ContractValues {
  const values: Record<string, number | string> = {};
  const problems: string[] = [];
  if (!container) return { problems };
  const byName = new Map(container.env.map((variable) => [variable.name, variable.value]));
  for (const { name, key, read } of CONTRACT_READERS) {
    if (!byName.has(name)) continue;
    const raw = byName.get(name);
    if (raw === undefined) continue; // valueFrom: not in the manifest
    const value = read(raw);
    if (value === undefined) problems.push(`${name}=${JSON.stringify(raw)} is not usable: the runtime rejects it`);
    else values[key] = value;
  }
  return { ...(values as Omit<ContractValues, 'problems'>), problems };
}
