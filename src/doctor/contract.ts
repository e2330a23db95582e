import { CONTRACT_ENV, parseDuration, PORT } from '../model';
import { ceilSeconds } from '../plan';
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
  /** The literal text of each contract variable present, by name (for messages that quote it). */
  readonly texts: Readonly<Record<string, string>>;
  /** Variables present with a value the doctor cannot use, in words. */
  readonly problems: readonly string[];
}

/** How a variable's text becomes a value, and what it must be (for the message when it cannot). */
interface Reader {
  readonly read: (value: string) => number | string | undefined;
  readonly what: string;
}
const seconds: Reader = {
  // The runtime's own parser (src/model/duration.ts), rounded up as the budget rounds.
  read: (value) => {
    const parsed = parseDuration(value);
    return parsed !== undefined ? ceilSeconds(parsed) : undefined;
  },
  what: 'a duration',
};
const port: Reader = { read: (value) => (/^\d+$/.test(value) && Number(value) >= PORT.min && Number(value) <= PORT.max ? Number(value) : undefined), what: `a port number (${PORT.min}–${PORT.max})` };
const path: Reader = { read: (value) => (value.startsWith('/') ? value : undefined), what: 'a path starting with /' };

/** Contract variable → the value it gives and how it is read. */
const CONTRACT_READERS: readonly { readonly name: string; readonly key: Exclude<keyof ContractValues, 'problems' | 'texts'>; readonly reader: Reader }[] = [
  { name: CONTRACT_ENV.drainTimeout, key: 'drainTimeoutSeconds', reader: seconds },
  { name: CONTRACT_ENV.cleanup, key: 'cleanupSeconds', reader: seconds },
  { name: CONTRACT_ENV.preStop, key: 'preStopSeconds', reader: seconds },
  { name: CONTRACT_ENV.healthPort, key: 'healthPort', reader: port },
  { name: CONTRACT_ENV.readinessPath, key: 'readinessPath', reader: path },
  { name: CONTRACT_ENV.livenessPath, key: 'livenessPath', reader: path },
];

/** Reads the contract variables of a container (the last definition of a name wins, as in the kubelet). */
export function readContract(container: ContainerView | undefined): ContractValues {
  const values: Record<string, number | string> = {};
  const texts: Record<string, string> = {};
  const problems: string[] = [];
  if (!container) return { texts, problems };
  const byName = new Map(container.env.map((variable) => [variable.name, variable.value]));
  for (const { name, key, reader } of CONTRACT_READERS) {
    if (!byName.has(name)) continue;
    const raw = byName.get(name);
    if (raw === undefined) continue; // valueFrom: not in the manifest
    texts[name] = raw;
    const value = reader.read(raw);
    if (value === undefined) problems.push(`env ${name}=${JSON.stringify(raw)} is not ${reader.what}: the grpc-drain runtime refuses to start with it.`);
    else values[key] = value;
  }
  return { ...(values as Omit<ContractValues, 'problems' | 'texts'>), texts, problems };
}
