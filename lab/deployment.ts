/**
 * The Deployment controller's rolling update, reduced to what decides when pods come and go
 * (kubernetes `pkg/controller/deployment/rolling.go`):
 * - scale up the new revision while all pods ≤ replicas + maxSurge (maxSurge rounded up);
 * - scale down the old ones while available pods stay ≥ replicas − maxUnavailable (rounded
 *   down), counting the new revision's unavailable pods against it; terminating pods count
 *   for nothing. Which old pod goes first is the ReplicaSet controller's ranking
 *   (`pkg/controller/replicaset/replica_set.go` `getPodsToDelete`, `controller_utils.go`
 *   `ActivePodsWithRanks`): not-ready before ready, then the pod whose node holds more of the
 *   Deployment's active pods (old and new), then the newest. The lab has one node per zone.
 * - the scheduler puts a new pod in the zone with the fewest active pods of the Deployment,
 *   a seeded pick among equals (kube-scheduler's default topology spread on
 *   `topology.kubernetes.io/zone`, `ScheduleAnyway`; it ignores terminating pods; a tie
 *   between equally scored nodes is a random pick in `selectHost`);
 * - a pod is available once Ready for minReadySeconds. Ready = the kubelet's readiness probe
 *   passes and, with the LBC's pod readiness gate, the target is healthy in the target group
 *   (`docs/deploy/pod_readiness_gate.md`, REFERENCES.md). The gate is modelled as "registered
 *   and healthy on every NLB node": the LBC reads the health AWS reports, AWS does not say
 *   how its nodes' views add up, and every node is the reading under which no node is left
 *   without a target (see docs/lab.md).
 * - the rollout is complete (`kubectl rollout status`) once every new pod is available and
 *   no old one is left (terminating pods are not counted in `status.replicas`); its old pods
 *   are gone once they have also exited and every NLB node has forgotten their targets (the
 *   next restart starts then).
 */
import { runHealthCheck } from './health-check';
import { keyedInt } from './prng';
import type { EnginePool } from './engine-process';
import type { Nlb } from './nlb';
import { Pod } from './pod';
import type { Scenario } from './scenarios';
import type { TimeScale } from './time-scale';
import type { Trace } from './trace';

/** READINESS_PROBE_TIMING's timeout (src/plan/derive.ts), used for every scenario's kubelet probe. */
const READINESS_PROBE_TIMEOUT_SECONDS = 2;

/** maxSurge / maxUnavailable as a count: `"25%"` of `replicas`, rounded up or down (intstr.GetScaledValueFromIntOrPercent). */
export function scaledValue(value: number | string, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) throw new Error(`lab: ${JSON.stringify(value)} is neither a count nor a percentage`);
  const exact = (Number(match[1]) * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** The rollout's two bounds, with Kubernetes' rule that they are never both 0 (deployment util ResolveFenceposts). */
export function rolloutBounds(rollout: Pick<Scenario['rollout'], 'maxSurge' | 'maxUnavailable'>, replicas: number): { surge: number; unavailable: number } {
  const surge = scaledValue(rollout.maxSurge, replicas, true);
  const unavailable = scaledValue(rollout.maxUnavailable, replicas, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

/**
 * The zone for a new pod: the one with the fewest active pods of the Deployment;
 * `pick(n)` chooses among the n tied zones (in zone order).
 */
export function scheduleZone(activeByZone: readonly number[], pick: (tied: number) => number): number {
  const fewest = Math.min(...activeByZone);
  const tied = activeByZone.flatMap((n, zone) => (n === fewest ? [zone] : []));
  return tied[pick(tied.length)] as number;
}

/** What the ReplicaSet controller's ranking looks at, for one old pod. */
export interface DeletionCandidate {
  readonly available: boolean;
  /** Active pods of the Deployment (old and new) on the pod's node (zone). */
  readonly colocated: number;
  /** Creation order: higher is newer. */
  readonly ordinal: number;
}

/** Sorts old pods into the order the ReplicaSet controller deletes them (see the module comment). */
export function deletionOrder(a: DeletionCandidate, b: DeletionCandidate): number {
  return Number(a.available) - Number(b.available) || b.colocated - a.colocated || b.ordinal - a.ordinal;
}

/** One rolling restart. Times are milliseconds on the trace's clock. */
export interface RolloutRecord {
  readonly index: number;
  readonly startedAt: number;
  /** `kubectl rollout status` would return now. */
  completedAt: number;
  /** The old pods have exited and (unless the lab waits only for exits) every NLB node has forgotten their targets. */
  endedAt: number;
  /** The old pods, in the order they were deleted. */
  readonly deleted: Pod[];
  /** The new pods, in the order they were created. */
  readonly created: Pod[];
  /** The fewest targets any NLB node routed to as healthy, from the restart until `endedAt`. */
  minRoutableTargets: number;
  /** Resolves at `endedAt`. */
  ended: Promise<void>;
}

export interface DeploymentOptions {
  readonly replicas: number;
  readonly zones: number;
  readonly seed: number;
  readonly scenario: Scenario;
  readonly nlb: Nlb;
  readonly pool: EnginePool;
  readonly scale: TimeScale;
  readonly trace: Trace;
  /** What ends a rollout's tail: the old pods' exits, or also every NLB node forgetting them. */
  readonly until: 'exited' | 'forgotten';
}

interface PodState {
  pod: Pod | undefined;
  readonly revision: number;
  readonly ordinal: number;
  readonly zone: number;
  available: boolean;
  deleted: boolean;
}

export class Deployment {
  private readonly states: PodState[] = [];
  /** Rollouts whose old pods are not gone yet: their capacity is still being watched. */
  private readonly watched = new Set<RolloutRecord>();
  private revision = 0;
  private current: { record: RolloutRecord; tails: Promise<void>[]; complete: () => void } | undefined;
  private readonly unsubscribe: () => void;
  private stopped = false;
  private failure: Error | undefined;
  private fail: (error: Error) => void = () => undefined;

  constructor(private readonly options: DeploymentOptions) {
    this.unsubscribe = options.nlb.onChange(() => this.reconcile());
  }

  /** Every pod ever created. */
  get pods(): Pod[] {
    return this.states.flatMap((s) => (s.pod ? [s.pod] : []));
  }

  /** SIGKILLs the kubelet sent. */
  get sigkills(): number {
    return this.pods.filter((p) => p.sigkilled).length;
  }

  /**
   * The initial replicas, as a service that has been up for a while: started, in the target
   * group and healthy on every node (whatever the readiness gate), before any load.
   */
  async start(): Promise<void> {
    const { replicas, nlb } = this.options;
    const created = await Promise.all(Array.from({ length: replicas }, () => this.create(0, false)));
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (created.every((s) => s.pod && s.pod.at['kubelet-ready'] !== undefined && nlb.healthyEverywhere(s.pod.name))) {
          off();
          clearInterval(timer);
          for (const s of created) {
            s.available = true;
            s.pod?.mark('ready');
            s.pod?.mark('available');
          }
          resolve();
        }
      };
      const off = nlb.onChange(check);
      const timer = setInterval(check, this.options.scale.ms(1));
      this.fail = (error) => {
        off();
        clearInterval(timer);
        reject(error);
      };
    });
  }

  /** A rolling restart: resolves when `kubectl rollout status` would; `record.ended` later. */
  restart(index: number): Promise<RolloutRecord> {
    if (this.current) throw new Error('lab: a rollout is already running');
    this.revision += 1;
    const startedAt = this.options.trace.now();
    let complete: () => void = () => undefined;
    const completed = new Promise<void>((resolve) => (complete = resolve));
    const record: RolloutRecord = {
      index,
      startedAt,
      completedAt: NaN,
      endedAt: NaN,
      deleted: [],
      created: [],
      minRoutableTargets: this.options.nlb.minRoutableTargets,
      ended: Promise.resolve(),
    };
    this.current = { record, tails: [], complete };
    this.watched.add(record);
    this.reconcile();
    return new Promise<RolloutRecord>((resolve, reject) => {
      this.fail = reject;
      void completed.then(() => resolve(record));
    });
  }

  /** Stops reconciling; the lab's teardown kills what is left. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  /** The zone for the pod numbered `ordinal`: the fewest active pods, a seeded pick among equals. */
  private schedule(ordinal: number): number {
    const active = Array.from({ length: this.options.zones }, (_, zone) => this.states.filter((s) => !s.deleted && s.zone === zone).length);
    return scheduleZone(active, (tied) => keyedInt(this.options.seed, `schedule/${ordinal}`, 0, tied - 1));
  }

  private create(revision: number, reconcileWhenStarted: boolean): Promise<PodState> {
    const ordinal = this.states.length;
    const state: PodState = { pod: undefined, revision, ordinal, zone: this.schedule(ordinal), available: false, deleted: false };
    this.states.push(state);
    return this.options.pool.take().then(
      ({ engine, address }) => {
        const pod = new Pod(engine.instance, ordinal, state.zone, revision, engine, address, this.options.trace);
        state.pod = pod;
        if (this.current && revision === this.revision) this.current.record.created.push(pod);
        // The LBC registers an ip target when the pod gets its address; the initial replicas
        // stand for a service that has been up for a while, already registered.
        this.options.nlb.register(pod.target, revision === 0);
        this.probeReadiness(state);
        if (reconcileWhenStarted) this.reconcile();
        return state;
      },
      (error: Error) => {
        this.failure = error;
        this.fail(error);
        throw error;
      },
    );
  }

  /** The kubelet's readiness probe: at start, then every period until it passes. */
  private probeReadiness(state: PodState): void {
    const { scenario, scale } = this.options;
    const pod = state.pod as Pod;
    const probe = (): void => {
      if (this.stopped || state.deleted) return;
      void runHealthCheck({ protocol: 'HTTP', host: pod.target.host, port: pod.target.healthPort, path: '/ready', timeoutMs: scale.ms(READINESS_PROBE_TIMEOUT_SECONDS) }).then((passed) => {
        if (passed) {
          pod.mark('kubelet-ready');
          this.reconcile();
        } else {
          setTimeout(probe, scale.ms(scenario.pod.readinessProbePeriodSeconds));
        }
      });
    };
    probe();
  }

  /** Ready, then available after minReadySeconds. */
  private updateReadiness(state: PodState): void {
    const pod = state.pod;
    if (!pod || state.deleted || pod.at.ready !== undefined || pod.at['kubelet-ready'] === undefined) return;
    const { scenario, nlb, scale } = this.options;
    if (scenario.rollout.readinessGate && !nlb.healthyEverywhere(pod.name)) return;
    pod.mark('ready');
    const becomeAvailable = (): void => {
      if (state.deleted) return;
      state.available = true;
      pod.mark('available');
      this.reconcile();
    };
    if (scenario.rollout.minReadySeconds > 0) setTimeout(becomeAvailable, scale.ms(scenario.rollout.minReadySeconds));
    else becomeAvailable();
  }

  private reconcile(): void {
    if (this.stopped || this.failure) return;
    for (const state of this.states) this.updateReadiness(state);
    for (const record of this.watched) record.minRoutableTargets = Math.min(record.minRoutableTargets, this.options.nlb.minRoutableTargets);
    const rollout = this.current;
    if (!rollout) return;
    const { replicas, scenario } = this.options;
    const { surge, unavailable } = rolloutBounds(scenario.rollout, replicas);
    const live = this.states.filter((s) => !s.deleted);
    const fresh = live.filter((s) => s.revision === this.revision);
    const old = live.filter((s) => s.revision !== this.revision);

    // Scale up the new revision.
    const scaleUp = Math.min(replicas + surge - live.length, replicas - fresh.length);
    for (let i = 0; i < scaleUp; i += 1) void this.create(this.revision, true).catch(() => undefined);
    const all = live.length + Math.max(0, scaleUp);
    const freshCount = fresh.length + Math.max(0, scaleUp);

    // Scale down the old ones in the ReplicaSet controller's order: unavailable first (they
    // cost no availability), then those sharing a node (zone) with more of the Deployment's
    // active pods, then the newest.
    const freshUnavailable = freshCount - fresh.filter((s) => s.available).length;
    let budget = all - (replicas - unavailable) - freshUnavailable;
    const rank = (state: PodState): DeletionCandidate => ({ available: state.available, colocated: live.filter((s) => s.zone === state.zone).length, ordinal: state.ordinal });
    const candidates = old.filter((s) => s.pod !== undefined).sort((a, b) => deletionOrder(rank(a), rank(b)));
    for (const state of candidates) {
      if (state.available && budget <= 0) break;
      if (state.available) budget -= 1;
      this.deletePod(state, rollout);
    }

    const done = fresh.length === replicas && fresh.every((s) => s.available) && old.length === 0;
    if (done && Number.isNaN(rollout.record.completedAt)) {
      const { record, tails, complete } = rollout;
      record.completedAt = this.options.trace.now();
      record.ended = Promise.all(tails).then(() => {
        const gone = (p: Pod): number => (this.options.until === 'exited' ? (p.at.exited ?? 0) : Math.max(p.at.exited ?? 0, p.forgottenAt ?? 0));
        record.endedAt = Math.max(record.completedAt, ...record.deleted.map(gone));
        this.watched.delete(record);
      });
      this.current = undefined;
      complete();
    }
  }

  private deletePod(state: PodState, rollout: NonNullable<Deployment['current']>): void {
    const pod = state.pod as Pod;
    state.deleted = true;
    state.available = false;
    rollout.record.deleted.push(pod);
    // Same turn of the event loop: the NLB's and the kubelet's timers start together.
    const forgotten = this.options.nlb.deregister(pod.target).then(() => {
      pod.forgottenAt = this.options.trace.now();
    });
    const exited = pod.delete(this.options.scenario.pod, this.options.scale);
    rollout.tails.push(this.options.until === 'exited' ? exited : Promise.all([forgotten, exited]).then(() => undefined));
  }
}
