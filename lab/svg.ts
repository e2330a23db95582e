/**
 * One picture per scenario, as a hand-written SVG string: the termination of one pod (the
 * first the first restart deleted), on an axis of budget seconds from its deletion:
 * - the kubelet (preStop sleep, SIGTERM, exit or SIGKILL, the end of the grace period);
 * - the server's own log (readiness 503, streams hung up, graceful stop or forced stop, cleanup);
 * - each NLB node's view of that pod's target (unknown, initial, healthy, judged unhealthy
 *   but still routed during the unhealthy lag, unhealthy, draining, removed), with the
 *   node's zone, a tick where it last opened a new connection to the pod (the ground truth),
 *   the end of the deregistration delay and the NLB's propagation bound;
 * - with several zones, each zone's standing: healthy targets to route to, dark (none: its
 *   nodes refuse or fail open), out of the NLB's DNS answer;
 * - the clients' errors per budget second in the same window (every pod's, stacked by kind).
 */
import type { Pod } from './pod';
import { formatRange } from './ranges';
import { failedTotal, scenarioJson, zoneName } from './report';
import { nlbPropagationRange, type ScenarioRun } from './run-scenario';
import type { ClientErrorKind, PodEventName, ViewLabel, ZoneTraceEvent } from './trace';

const WIDTH = 960;
const LEFT = 150;
const RIGHT = 24;
const ROW = 22;
const GAP = 8;
const HISTOGRAM = 110;

const VIEW_COLOURS: { readonly [L in ViewLabel]: string } = {
  unknown: '#f4f4f4',
  initial: '#c7e9c0',
  healthy: '#41ab5d',
  'unhealthy-lag': '#fee391',
  unhealthy: '#fd8d3c',
  draining: '#6baed6',
  'draining-unhealthy': '#9e9ac8',
  removed: '#bdbdbd',
};

const VIEW_NAMES: { readonly [L in ViewLabel]: string } = {
  unknown: 'not registered here yet',
  initial: 'initial (not yet healthy)',
  healthy: 'healthy: gets new connections',
  'unhealthy-lag': 'judged unhealthy, still routed',
  unhealthy: 'unhealthy: no new connections',
  draining: 'draining: no new connections',
  'draining-unhealthy': 'draining and unhealthy',
  removed: 'removed (delay over)',
};

const ERROR_COLOURS: { readonly [K in ClientErrorKind]: string } = {
  unary: '#cb181d',
  refused: '#67000d',
  stream: '#fd8d3c',
  reset: '#807dba',
};

const ERROR_NAMES: { readonly [K in ClientErrorKind]: string } = {
  unary: 'failed unary RPCs',
  refused: 'connections refused',
  stream: 'streams reset',
  reset: 'connections reset by the NLB',
};

const ERROR_ORDER: readonly ClientErrorKind[] = ['unary', 'refused', 'stream', 'reset'];

const ZONE_COLOURS = { ok: '#e5f5e0', dark: '#cb181d', out: '#fcbba1' } as const;

const LEGEND: readonly (readonly [string, string])[] = [
  ['#fdd0a2', 'kubelet: preStop sleep'],
  ['#fee6ce', 'kubelet: SIGTERM sent → exit'],
  ['#c7e9c0', 'server: serving, /ready 200'],
  ['#9ecae1', 'server: /ready 503, graceful stop'],
  ['#fc9272', 'server: stop forced / killed'],
  ['#dadaeb', 'server: cleanup'],
  ...(Object.keys(VIEW_NAMES) as ViewLabel[]).map((label) => [VIEW_COLOURS[label], `node: ${VIEW_NAMES[label]}`] as const),
  ['#000000', 'node: last new connection to the pod'],
  [ZONE_COLOURS.dark, 'zone: no healthy target (dark)'],
  [ZONE_COLOURS.out, 'zone: out of the NLB DNS answer'],
  ...ERROR_ORDER.map((kind) => [ERROR_COLOURS[kind], ERROR_NAMES[kind]] as const),
];
const LEGEND_PER_ROW = 4;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceStep(range: number): number {
  const rough = range / 10;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= rough) return factor * magnitude;
  return 10 * magnitude;
}

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

/** The picture of `run` (an explanatory placeholder when no pod was deleted). */
export function renderSvg(run: ScenarioRun): string {
  const pod = run.sample;
  if (!pod || pod.at.deleted === undefined) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="60" font-family="sans-serif" font-size="13"><text x="10" y="30">${escape(run.scenario.name)}: no pod was deleted</text></svg>\n`;
  }
  return new Picture(run, pod, pod.at.deleted).render();
}

class Picture {
  private readonly out: string[] = [];
  private readonly scaleMs: number;
  private readonly from: number;
  private readonly to: number;

  constructor(
    private readonly run: ScenarioRun,
    private readonly pod: Pod,
    private readonly deletedAt: number,
  ) {
    this.scaleMs = run.options.scaleMs;
    const { pod: spec, targetGroup } = run.scenario;
    const exit = this.seconds(pod.at.exited);
    const forgotten = this.seconds(pod.forgottenAt);
    const end = Math.max(spec.terminationGracePeriodSeconds, targetGroup.deregistrationDelaySeconds, nlbPropagationRange(run.options).maxSeconds, exit ?? 0, forgotten ?? 0);
    this.from = -Math.max(5, Math.ceil(end * 0.05));
    this.to = end + Math.max(5, Math.ceil(end * 0.05));
  }

  /** Budget seconds since the deletion. */
  private seconds(at: number | undefined): number | undefined {
    return at === undefined ? undefined : (at - this.deletedAt) / this.scaleMs;
  }

  private x(seconds: number): number {
    const clamped = Math.min(this.to, Math.max(this.from, seconds));
    return LEFT + ((clamped - this.from) / (this.to - this.from)) * (WIDTH - LEFT - RIGHT);
  }

  private text(x: number, y: number, content: string, attributes = ''): void {
    this.out.push(`<text x="${fmt(x)}" y="${fmt(y)}" ${attributes}>${escape(content)}</text>`);
  }

  private rect(from: number, to: number, y: number, height: number, fill: string, title: string): void {
    const x0 = this.x(from);
    const x1 = this.x(to);
    if (x1 - x0 <= 0) return;
    this.out.push(`<rect x="${fmt(x0)}" y="${fmt(y)}" width="${fmt(x1 - x0)}" height="${height}" fill="${fill}" stroke="#ffffff" stroke-width="0.5"><title>${escape(title)}</title></rect>`);
  }

  private marker(at: number, y: number, label: string, colour: string): void {
    const x = this.x(at);
    this.out.push(`<path d="M${fmt(x)},${fmt(y + 2)} l5,-8 h-10 z" fill="${colour}"><title>${escape(`${label} at ${fmt(at)} s`)}</title></path>`);
  }

  render(): string {
    const { run, pod } = this;
    const { scenario, options } = run;
    const nodes = options.nodes;
    const zoneRows = options.zones > 1 ? options.zones : 0;
    const rowsTop = 124;
    const rows = 2 + nodes + zoneRows;
    const histogramTop = rowsTop + rows * (ROW + GAP) + 26;
    const axisY = histogramTop + HISTOGRAM;
    const legendTop = axisY + 40;
    const height = legendTop + Math.ceil(LEGEND.length / LEGEND_PER_ROW) * 18 + 10;

    this.out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`);
    this.out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
    const r = scenarioJson(run);
    const zones = options.zones > 1 ? ` over ${options.zones} zones${options.crossZone ? ' (cross-zone on)' : ''}` : '';
    this.text(10, 20, `${scenario.name}: termination of ${pod.name}${options.zones > 1 ? ` (zone ${zoneName(pod.zone)})` : ''}, budget seconds from its deletion`, 'font-size="15" font-weight="bold"');
    this.text(10, 38, scenario.summary, 'fill="#444444"');
    const nlb = `NLB propagation ${formatRange(nlbPropagationRange(options))} s, unhealthy lag ${formatRange(options.unhealthyLag)} s, registration ${formatRange(options.registration)} s`;
    this.text(10, 56, `whole run (${options.restarts} restart(s), ${options.replicas} replicas, ${nodes} NLB nodes${zones}, ${nlb}, 1 s = ${options.scaleMs} ms):`, 'fill="#444444"');
    this.text(
      10,
      72,
      `${r.rpcs} RPCs, ${failedTotal(r.failed)} failed, ${r.refused} refused, ${r.streamsReset} streams reset, ${r.streamsEnded} ended cleanly, ${r.sigkills} SIGKILLs; rollout complete ${r.rolloutCompleteSeconds} s, old pods gone ${r.oldPodsGoneSeconds} s (floor ${r.lowerBoundSeconds} s)`,
      'fill="#444444"',
    );

    // Grid and time axis.
    const step = niceStep(this.to - this.from);
    for (let t = Math.ceil(this.from / step) * step; t <= this.to; t += step) {
      const x = this.x(t);
      this.out.push(`<line x1="${fmt(x)}" y1="${rowsTop - 6}" x2="${fmt(x)}" y2="${axisY}" stroke="#eeeeee"/>`);
      this.text(x, axisY + 16, `${fmt(t)}`, 'text-anchor="middle" fill="#444444"');
    }
    this.text(WIDTH - RIGHT, axisY + 32, 'budget seconds since the pod was deleted', 'text-anchor="end" fill="#444444"');

    const at = (event: PodEventName): number | undefined => this.seconds(pod.at[event]);
    const exit = at('exited');
    const end = exit ?? this.to;

    // Kubelet row.
    let y = rowsTop;
    this.text(10, y + 15, 'kubelet');
    const sigterm = at('sigterm');
    if (scenario.pod.preStopSleepSeconds > 0) this.rect(0, sigterm ?? end, y, ROW, '#fdd0a2', `preStop sleep ${scenario.pod.preStopSleepSeconds} s`);
    if (sigterm !== undefined) this.rect(sigterm, end, y, ROW, '#fee6ce', 'SIGTERM sent, waiting for the process to exit');
    this.marker(0, y, 'deleted', '#000000');
    if (sigterm !== undefined) this.marker(sigterm, y, 'SIGTERM', '#d94801');
    const sigkill = at('sigkill');
    if (sigkill !== undefined) this.marker(sigkill, y, 'SIGKILL', '#cb181d');
    if (exit !== undefined) this.marker(exit, y, pod.sigkilled ? 'killed' : 'exited', '#252525');
    // SIGTERM to the left of its mark (inside the sleep) when there is a sleep; the end to the right.
    if (sigterm !== undefined && sigterm > 0) this.text(this.x(sigterm) - 4, y + ROW - 6, 'SIGTERM', 'font-size="10" fill="#252525" text-anchor="end"');
    else this.label(sigterm, y, 'SIGTERM');
    this.label(sigkill, y, 'SIGKILL');
    if (!pod.sigkilled) this.label(exit, y, 'exit');

    // Server row: from its own log.
    y += ROW + GAP;
    this.text(10, y + 15, 'server');
    const ready503 = at('ready-503');
    const stopped = at('drain-complete') ?? at('force-shutdown');
    const cleaned = at('cleanup-complete');
    this.rect(this.from, ready503 ?? end, y, ROW, '#c7e9c0', 'serving: /ready answers 200');
    if (ready503 !== undefined) this.rect(ready503, stopped ?? end, y, ROW, at('force-shutdown') !== undefined ? '#fc9272' : '#9ecae1', '/ready 503, streams hung up, graceful stop');
    if (stopped !== undefined) this.rect(stopped, cleaned ?? end, y, ROW, '#dadaeb', 'cleanup hooks');
    if (cleaned !== undefined) this.rect(cleaned, end, y, ROW, '#f0f0f0', 'health server closing, exit');
    if (at('force-shutdown') !== undefined) this.marker(at('force-shutdown') as number, y, 'drain timeout: forced stop', '#cb181d');
    if (at('drain-complete') !== undefined) this.marker(at('drain-complete') as number, y, 'graceful stop complete', '#08519c');

    // NLB nodes, with the ground truth: the last new connection each opened to the pod.
    const views = run.trace.views.filter((v) => v.target === pod.name);
    const termination = run.rollouts.flatMap((rollout) => rollout.terminations).find((t) => t.pod === pod);
    for (let node = 0; node < nodes; node += 1) {
      y += ROW + GAP;
      const zone = run.nodeZones[node] ?? 0;
      this.text(10, y + 15, options.zones > 1 ? `NLB node ${node + 1} · zone ${zoneName(zone)}` : `NLB node ${node + 1}`);
      const mine = views.filter((v) => v.node === node);
      mine.forEach((v, i) => {
        const start = (v.at - this.deletedAt) / this.scaleMs;
        const next = mine[i + 1];
        const stop = next ? (next.at - this.deletedAt) / this.scaleMs : this.to;
        this.rect(start, stop, y, ROW, VIEW_COLOURS[v.label], `${VIEW_NAMES[v.label]} from ${fmt(start)} s`);
      });
      const last = this.seconds(termination?.truth[node]?.lastNewConnectionAt);
      if (last !== undefined && last >= this.from) {
        const x = this.x(last);
        this.out.push(`<line x1="${fmt(x)}" y1="${y - 2}" x2="${fmt(x)}" y2="${y + ROW + 2}" stroke="#000000" stroke-width="2"><title>${escape(`last new connection at ${fmt(last)} s`)}</title></line>`);
      }
    }

    // Zones: dark (no healthy target to route to) and out of DNS.
    for (let zone = 0; zone < zoneRows; zone += 1) {
      y += ROW + GAP;
      this.text(10, y + 15, `zone ${zoneName(zone)}`);
      const events: ZoneTraceEvent[] = run.trace.zones.filter((z) => z.zone === zone);
      events.forEach((event, i) => {
        const start = (event.at - this.deletedAt) / this.scaleMs;
        const next = events[i + 1];
        const stop = next ? (next.at - this.deletedAt) / this.scaleMs : this.to;
        const colour = event.routableTargets === 0 ? ZONE_COLOURS.dark : event.inDns ? ZONE_COLOURS.ok : ZONE_COLOURS.out;
        this.rect(start, stop, y, ROW, colour, `${event.routableTargets} healthy target(s) per node, ${event.inDns ? 'in' : 'out of'} DNS, from ${fmt(start)} s`);
      });
    }

    // Reference lines across the rows.
    const propagation = nlbPropagationRange(options).maxSeconds;
    const lines: [number, string, string][] = [
      [0, '#000000', 'deleted'],
      [scenario.pod.terminationGracePeriodSeconds, '#cb181d', `grace period ${scenario.pod.terminationGracePeriodSeconds} s`],
      [scenario.targetGroup.deregistrationDelaySeconds, '#2171b5', `deregistration delay ${scenario.targetGroup.deregistrationDelaySeconds} s`],
      [propagation, '#6a51a3', `NLB propagation < ${propagation} s`],
    ];
    // Errors right of this line belong to the next deploy.
    const next = run.rollouts.find((rollout) => rollout.record.startedAt > this.deletedAt);
    const nextAt = this.seconds(next?.record.startedAt);
    if (nextAt !== undefined && nextAt < this.to) lines.push([nextAt, '#737373', 'next restart']);
    lines.forEach(([t, colour, label], i) => {
      const x = this.x(t);
      this.out.push(`<line x1="${fmt(x)}" y1="${rowsTop - 4}" x2="${fmt(x)}" y2="${axisY}" stroke="${colour}" stroke-width="1.2"${i === 0 ? '' : ' stroke-dasharray="5,3"'}/>`);
      // Staggered over three rows, so labels of lines close together do not overlap; right-aligned near the edge.
      const nearEdge = x > WIDTH - RIGHT - 180;
      this.text(nearEdge ? x - 3 : x + 3, rowsTop - 8 - (i % 3) * 12, label, `fill="${colour}" font-size="11"${nearEdge ? ' text-anchor="end"' : ''}`);
    });

    this.histogram(histogramTop);
    this.legend(legendTop);
    this.out.push('</svg>');
    return `${this.out.join('\n')}\n`;
  }

  private label(at: number | undefined, y: number, label: string): void {
    if (at === undefined) return;
    this.text(this.x(at) + 4, y + ROW - 6, label, 'font-size="10" fill="#252525"');
  }

  private histogram(top: number): void {
    this.text(10, top + 12, 'client errors');
    this.text(10, top + 27, 'per budget second,', 'font-size="10" fill="#666666"');
    this.text(10, top + 40, 'all pods', 'font-size="10" fill="#666666"');
    const bins = new Map<number, { [K in ClientErrorKind]: number }>();
    for (const error of this.run.trace.errors) {
      const t = (error.at - this.deletedAt) / this.scaleMs;
      if (t < this.from || t >= this.to) continue;
      const bin = Math.floor(t);
      const counts = bins.get(bin) ?? { unary: 0, refused: 0, stream: 0, reset: 0 };
      counts[error.kind] += 1;
      bins.set(bin, counts);
    }
    const max = Math.max(1, ...[...bins.values()].map((c) => ERROR_ORDER.reduce((sum, k) => sum + c[k], 0)));
    const bottom = top + HISTOGRAM;
    this.out.push(`<line x1="${LEFT}" y1="${bottom}" x2="${WIDTH - RIGHT}" y2="${bottom}" stroke="#444444"/>`);
    this.out.push(`<line x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${bottom}" stroke="#444444"/>`);
    this.text(LEFT - 4, top + 10, String(max), 'text-anchor="end" font-size="10"');
    this.text(LEFT - 4, bottom, '0', 'text-anchor="end" font-size="10"');
    if (bins.size === 0) this.text((LEFT + WIDTH - RIGHT) / 2, top + HISTOGRAM / 2, 'no client errors', 'text-anchor="middle" fill="#41ab5d" font-size="14"');
    for (const [bin, counts] of bins) {
      let base = bottom;
      for (const kind of ERROR_ORDER) {
        const n = counts[kind];
        if (n === 0) continue;
        const h = (n / max) * HISTOGRAM;
        const x0 = this.x(bin);
        const x1 = this.x(bin + 1);
        this.out.push(`<rect x="${fmt(x0)}" y="${fmt(base - h)}" width="${fmt(Math.max(1, x1 - x0 - 0.5))}" height="${fmt(h)}" fill="${ERROR_COLOURS[kind]}"><title>${escape(`${n} ${ERROR_NAMES[kind]} in [${bin}, ${bin + 1}) s`)}</title></rect>`);
        base -= h;
      }
    }
  }

  private legend(top: number): void {
    const width = (WIDTH - 20) / LEGEND_PER_ROW;
    LEGEND.forEach(([colour, name], i) => {
      const x = 10 + (i % LEGEND_PER_ROW) * width;
      const y = top + Math.floor(i / LEGEND_PER_ROW) * 18;
      this.out.push(`<rect x="${fmt(x)}" y="${y}" width="12" height="12" fill="${colour}" stroke="#999999" stroke-width="0.5"/>`);
      this.text(x + 16, y + 10, name, 'font-size="11"');
    });
  }
}
