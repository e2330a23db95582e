/**
 * Fixes that are safe to paste, checked on every finding of every case of the real-world
 * corpus: a fix never shrinks the grace period or the sleep, never invents an endpoint (a
 * health check or probe goes to what the workload serves, or to an explicit placeholder the
 * note explains), never replaces a hook it cannot read, patches only the serving container
 * (never a sidecar, never a placeholder), names in its message the numbers it writes, and,
 * applied alone, removes its finding.
 */
import * as path from 'path';
import { readSources } from '../../src/cli/doctor-command';
import { diagnose, readManifestText, type DoctorFinding, type JsonObject, type ManifestObject, type WorkloadDiagnosis } from '../../src/doctor';
import { PLACEHOLDER } from '../../src/doctor/fix';
import { safeLoad } from '../../src/doctor/input/js-yaml';
import { LBC_ANNOTATION, preStopDelaySeconds } from '../../src/model';
import { CASES, CORPUS, diagnosisKey } from './corpus';

const NAMES = Object.keys(CASES);
const PLACEHOLDERS = Object.values(PLACEHOLDER) as string[];
const silentIo = { stdin: '', stdout: { write: () => undefined }, stderr: { write: () => undefined } };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Written {
  readonly grace?: number;
  readonly sleep?: number;
  readonly sleepAction?: 'sleep' | 'exec';
  readonly containers: readonly Json[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly minReadySeconds?: number;
  readonly created: readonly Json[];
}

/** What a fix's fragments write, read back from their YAML. */
function written(finding: DoctorFinding): Written {
  let grace: number | undefined;
  let sleep: number | undefined;
  let sleepAction: 'sleep' | 'exec' | undefined;
  let minReadySeconds: number | undefined;
  const containers: Json[] = [];
  const annotations: Record<string, string> = {};
  const created: Json[] = [];
  for (const fragment of finding.fix) {
    const value = safeLoad(fragment.yaml) as Json;
    expect(typeof value).toBe('object');
    if (fragment.action === 'create') {
      created.push(value);
      continue;
    }
    const podSpec = value['spec']?.['template']?.['spec'];
    if (podSpec?.['terminationGracePeriodSeconds'] !== undefined) grace = podSpec['terminationGracePeriodSeconds'];
    for (const container of podSpec?.['containers'] ?? []) {
      containers.push(container);
      const preStop = container['lifecycle']?.['preStop'];
      if (preStop?.['sleep']) [sleep, sleepAction] = [preStop['sleep']['seconds'], 'sleep'];
      if (preStop?.['exec']) [sleep, sleepAction] = [Number(preStop['exec']['command'][1]), 'exec'];
    }
    if (value['spec']?.['minReadySeconds'] !== undefined) minReadySeconds = value['spec']['minReadySeconds'];
    Object.assign(annotations, value['metadata']?.['annotations'] ?? {});
  }
  return { grace, sleep, sleepAction, containers, annotations, minReadySeconds, created };
}

interface Run {
  readonly objects: ManifestObject[];
  readonly workloads: readonly WorkloadDiagnosis[];
}

const runs = new Map<string, Promise<Run>>();
function run(name: string): Promise<Run> {
  let result = runs.get(name);
  if (!result) {
    const c = CASES[name]!;
    result = readSources([path.join(CORPUS, c.input)], silentIo).then(({ sources }) => {
      const objects = sources.flatMap((source) => readManifestText(source).objects);
      return { objects, workloads: diagnose(objects, c.options ?? {}).workloads };
    });
    runs.set(name, result);
  }
  return result;
}

/** Every finding of the corpus with its diagnosis. */
async function everyFinding(): Promise<{ name: string; diagnosis: WorkloadDiagnosis; finding: DoctorFinding }[]> {
  const all: { name: string; diagnosis: WorkloadDiagnosis; finding: DoctorFinding }[] = [];
  for (const name of NAMES) for (const diagnosis of (await run(name)).workloads) for (const finding of diagnosis.findings) all.push({ name, diagnosis, finding });
  return all;
}

/** `Set X to Ns` style instructions of a message: the field and the number it says to write. */
function namedNumbers(message: string): { field: string; value: number }[] {
  const found: { field: string; value: number }[] = [];
  const add = (field: string, pattern: RegExp) => {
    for (const match of message.matchAll(pattern)) found.push({ field, value: Number(match[1]) });
  };
  add('grace', /[Ss]et terminationGracePeriodSeconds to (\d+)s/g);
  add('grace', /[Rr]aise terminationGracePeriodSeconds to (\d+)s/g);
  add('grace', /[Rr]aise terminationGracePeriodSeconds to [^.]*= (\d+)s\)/g);
  add('grace', /terminationGracePeriodSeconds=(\d+)/g);
  add('delay', /[Ss]et deregistration_delay\.timeout_seconds=(\d+)/g);
  add('minReady', /set minReadySeconds: (\d+)/g);
  add('sleep', /Raise the sleep to (\d+)s/g);
  add('sleep', /Add a preStop sleep of at least (\d+)s/g);
  add('sleep', /Use a preStop sleep of at least (\d+)s/g);
  add('sleep', /exec: \["sleep", "(\d+)"\]/g);
  add('sleep', /sleep: \{seconds: (\d+)\}/g);
  add('draining', /draining_interval_seconds=(\d+)/g);
  add('healthPort', /Set the health-check port to (\d+)/g);
  return found;
}

describe('fixes are safe to paste, on every finding of the corpus', () => {
  let findings: Awaited<ReturnType<typeof everyFinding>>;
  beforeAll(async () => {
    findings = await everyFinding();
  });

  it('there are findings to check', () => {
    expect(findings.length).toBeGreaterThan(100);
  });

  it('never shrink the grace period or the sleep', () => {
    for (const { name, diagnosis, finding } of findings) {
      const w = written(finding);
      const grace = diagnosis.settings.terminationGracePeriodSeconds;
      const sleep = preStopDelaySeconds(diagnosis.settings.preStop);
      if (w.grace !== undefined && grace !== undefined) expect({ name, rule: finding.rule, grace: w.grace >= grace }).toEqual({ name, rule: finding.rule, grace: true });
      if (w.sleep !== undefined && sleep !== undefined) expect({ name, rule: finding.rule, sleep: w.sleep >= sleep }).toEqual({ name, rule: finding.rule, sleep: true });
    }
  });

  it('never replace a hook whose delay cannot be read', () => {
    let checked = 0;
    for (const { name, diagnosis, finding } of findings) {
      const hook = diagnosis.settings.preStop;
      if (hook !== undefined && preStopDelaySeconds(hook) !== undefined) continue;
      checked += 1;
      expect({ name, rule: finding.rule, writesPreStop: written(finding).containers.some((c) => c['lifecycle'] !== undefined) }).toEqual({ name, rule: finding.rule, writesPreStop: false });
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('patch only the serving container, never a sidecar or a placeholder', () => {
    for (const { name, diagnosis, finding } of findings) {
      for (const container of written(finding).containers) {
        expect({ name, rule: finding.rule, container: container['name'], injected: diagnosis.injected }).toEqual({ name, rule: finding.rule, container: diagnosis.container, injected: undefined });
        expect(['linkerd-proxy', 'istio-proxy', 'daprd']).not.toContain(container['name']);
      }
    }
  });

  it('never invent an endpoint: the workload\'s own readiness endpoint, or a placeholder the note explains', () => {
    for (const { name, diagnosis, finding } of findings) {
      const w = written(finding);
      const readiness = diagnosis.settings.readinessProbe;
      const served = readiness?.kind === 'httpGet' && typeof readiness.port === 'number' ? { port: String(readiness.port), path: readiness.path } : undefined;
      const port = w.annotations[LBC_ANNOTATION.healthCheckPort];
      const pathWritten = w.annotations[LBC_ANNOTATION.healthCheckPath];
      if (port !== undefined) expect({ name, rule: finding.rule, port }).toEqual({ name, rule: finding.rule, port: served?.port ?? PLACEHOLDER.readinessPort });
      if (pathWritten !== undefined) expect({ name, rule: finding.rule, path: pathWritten }).toEqual({ name, rule: finding.rule, path: served?.path ?? PLACEHOLDER.readinessPath });
      for (const container of w.containers) {
        for (const which of ['readinessProbe', 'livenessProbe']) {
          const probe = container[which]?.['httpGet'];
          if (!probe) continue;
          expect([served?.port, PLACEHOLDER.readinessPort].map(String)).toContain(String(probe['port']));
          const ownPaths = [readiness, diagnosis.settings.livenessProbe].flatMap((p) => (p?.kind === 'httpGet' ? [p.path] : []));
          expect([...ownPaths, ...PLACEHOLDERS]).toContain(probe['path']);
        }
      }
      const uses = PLACEHOLDERS.filter((p) => finding.fix.some((fragment) => fragment.yaml.includes(p)));
      for (const placeholder of uses) expect({ name, rule: finding.rule, explained: (finding.fixNote ?? '').includes(placeholder) }).toEqual({ name, rule: finding.rule, explained: true });
    }
  });

  it('write the numbers their messages name', () => {
    const mismatches: string[] = [];
    for (const { name, diagnosis, finding } of findings) {
      const w = written(finding);
      const attributes = Object.entries(w.annotations).find(([key]) => key.startsWith(LBC_ANNOTATION.targetGroupAttributes))?.[1];
      for (const { field, value } of namedNumbers(finding.message)) {
        const wrote =
          field === 'grace' ? w.grace
          : field === 'sleep' ? w.sleep
          : field === 'minReady' ? w.minReadySeconds
          : field === 'healthPort' ? (w.annotations[LBC_ANNOTATION.healthCheckPort] !== undefined ? Number(w.annotations[LBC_ANNOTATION.healthCheckPort]) : undefined)
          : field === 'delay' ? (attributes?.match(/deregistration_delay\.timeout_seconds=(\d+)/)?.[1] !== undefined ? Number(attributes.match(/deregistration_delay\.timeout_seconds=(\d+)/)![1]) : undefined)
          : attributes?.match(/draining_interval_seconds=(\d+)/)?.[1] !== undefined ? Number(attributes.match(/draining_interval_seconds=(\d+)/)![1]) : undefined;
        if (wrote === undefined) {
          // Not written: the note must say why (kept because longer, blocked, nothing to patch).
          if (finding.fix.length > 0 && finding.fixNote === undefined && field === 'grace' && (diagnosis.settings.terminationGracePeriodSeconds ?? 0) < value) mismatches.push(`${name} ${finding.rule}: names ${field} ${value}, writes none, says nothing`);
          continue;
        }
        // No exception: the number a message names is the number its fix writes (no note explains a gap).
        if (wrote !== value) mismatches.push(`${name} ${diagnosisKey(diagnosis)} ${finding.rule}: the message names ${field} ${value}, the fix writes ${wrote}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('are YAML mappings for objects of the input (patches) or new ones (creates)', async () => {
    for (const name of NAMES) {
      const { objects, workloads } = await run(name);
      const exists = (kind: string, namespace: string, name_: string) =>
        objects.some((o) => o.object['kind'] === kind && ((o.object['metadata'] as JsonObject | undefined)?.['name'] ?? '') === name_ && (((o.object['metadata'] as JsonObject | undefined)?.['namespace'] as string | undefined) ?? 'default') === namespace);
      for (const finding of workloads.flatMap((w) => w.findings)) {
        for (const fragment of finding.fix) {
          expect({ name, rule: finding.rule, target: fragment.target, exists: exists(fragment.target.kind, fragment.target.namespace, fragment.target.name) }).toEqual({
            name,
            rule: finding.rule,
            target: fragment.target,
            exists: fragment.action === 'patch',
          });
        }
      }
    }
  });
});

/** A strategic merge patch as kubectl applies these fragments: maps merge, containers merge by name, other lists are replaced. */
function merge(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    if (key === 'containers' && Array.isArray(value) && Array.isArray(target[key])) {
      out[key] = (target[key] as Json[]).map((c) => {
        const p = (value as Json[]).find((v) => v['name'] === c['name']);
        return p ? merge(c, p) : c;
      });
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof target[key] === 'object' && target[key] !== null && !Array.isArray(target[key])) {
      out[key] = merge(target[key], value);
    } else out[key] = value;
  }
  return out;
}

describe('a fix applied alone removes its finding', () => {
  it.each(NAMES)('%s', async (name) => {
    const { objects, workloads } = await run(name);
    const unresolved: string[] = [];
    for (const diagnosis of workloads) {
      for (const finding of diagnosis.findings) {
        // Fixes that cannot be complete: placeholders to fill, parts not written, or changes outside Kubernetes.
        if (finding.fix.length === 0 || PLACEHOLDERS.some((p) => finding.fix.some((f) => f.yaml.includes(p))) || /not written|not patched|managed outside|Move the Service/.test(finding.fixNote ?? '')) continue;
        const patched: ManifestObject[] = objects.map((manifest) => {
          const meta = (manifest.object['metadata'] ?? {}) as Json;
          let object = manifest.object as Json;
          for (const fragment of finding.fix) {
            if (fragment.action === 'patch' && object['kind'] === fragment.target.kind && meta['name'] === fragment.target.name && (meta['namespace'] ?? 'default') === fragment.target.namespace) {
              object = merge(object, safeLoad(fragment.yaml) as Json);
            }
          }
          return { object, location: { file: 'patched', document: 1 } };
        });
        for (const fragment of finding.fix) if (fragment.action === 'create') patched.push({ object: safeLoad(fragment.yaml) as JsonObject, location: { file: 'created', document: 1 } });
        const after = diagnose(patched, CASES[name]!.options ?? {}).workloads.find((w) => diagnosisKey(w) === diagnosisKey(diagnosis));
        if (after?.findings.some((f) => f.rule === finding.rule && f.field === finding.field && f.severity === finding.severity)) unresolved.push(`${diagnosisKey(diagnosis)} ${finding.rule} ${finding.field}`);
      }
    }
    expect(unresolved).toEqual([]);
  });
});
