import type { DrainPlan } from '../plan';
import type { Style } from '../doctor';

/** One bar of the chart: a span of the termination sequence. */
interface Span {
  readonly label: string;
  readonly from: number;
  readonly to: number;
  /** `kubelet`/`server` phases are solid, the NLB's are shaded. */
  readonly kind: 'pod' | 'nlb';
  readonly end?: string;
}

const TICK_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];

function tickStep(total: number, maxTicks: number): number {
  return TICK_STEPS.find((step) => total / step <= maxTicks) ?? Math.ceil(total / maxTicks);
}

/** Options of {@link renderTimelineChart}. */
export interface TimelineChartOptions {
  /**
   * Columns of the time axis.
   * @default 60
   */
  readonly width?: number;
  readonly style: Style;
}

/**
 * The plan's termination sequence as a text Gantt chart: one bar per phase on a time axis
 * in seconds after the pod's deletion, then the events of `plan.timeline()` in order.
 */
export function renderTimelineChart(plan: DrainPlan, options: TimelineChartOptions): string {
  const { style } = options;
  const width = Math.max(20, options.width ?? 60);
  const sleep = plan.preStopSleepSeconds;
  const { drainTimeoutSeconds: drain, cleanupSeconds: cleanup, propagationSeconds: propagation } = plan.budget;
  const grace = plan.terminationGracePeriodSeconds;
  const delay = plan.deregistrationDelaySeconds;
  const spans: Span[] = [
    { label: 'preStop sleep', from: 0, to: sleep, kind: 'pod', end: 'SIGTERM' },
    { label: 'drain', from: sleep, to: sleep + drain, kind: 'pod' },
    { label: 'cleanup', from: sleep + drain, to: sleep + drain + cleanup, kind: 'pod', end: 'exit' },
    { label: 'headroom', from: sleep + drain + cleanup, to: grace, kind: 'pod', end: 'SIGKILL' },
    { label: 'propagation (estimate)', from: 0, to: propagation, kind: 'nlb' },
    { label: 'NLB draining', from: 0, to: delay, kind: 'nlb', end: 'reset' },
  ];
  const total = Math.max(grace, delay, propagation, 1);
  const column = (t: number) => Math.round((t / total) * width);
  const labelWidth = Math.max(...spans.map((s) => s.label.length)) + 2;
  const pad = ' '.repeat(labelWidth);

  // Axis: tick labels placed at their columns, skipping any that would overlap the previous one.
  const step = tickStep(total, 6);
  const ticks: number[] = [];
  for (let t = 0; t <= total; t += step) ticks.push(t);
  if (ticks[ticks.length - 1] !== total) ticks.push(total);
  let labels = '';
  let rule = '';
  for (const t of ticks) {
    const at = column(t);
    const text = `${t}s`;
    if (at >= labels.length + (labels.length > 0 ? 1 : 0)) labels = labels.padEnd(at) + text;
  }
  for (let c = 0; c <= width; c += 1) rule += ticks.some((t) => column(t) === c) ? '┼' : '─';
  const lines = [style.dim(pad + labels), style.dim(pad + rule)];
  for (const span of spans) {
    const start = column(span.from);
    const length = Math.max(span.to > span.from ? 1 : 0, column(span.to) - start);
    const bar = (span.kind === 'pod' ? '█' : '░').repeat(length);
    const painted = span.kind === 'pod' ? style.accent(bar) : style.dim(bar);
    const end = span.end !== undefined ? ` ${span.end} ${span.to}s` : ` ${span.to}s`;
    lines.push(`${span.label.padEnd(labelWidth)}${' '.repeat(start)}${painted}${end}`);
  }
  lines.push('');
  const actorWidth = Math.max(...plan.timeline().map((e) => e.actor.length));
  const timeWidth = String(total).length + 1;
  for (const event of plan.timeline()) {
    lines.push(`${`${event.atSeconds}s`.padStart(timeWidth)}  ${style.bold(event.actor.padEnd(actorWidth))}  ${event.event}`);
  }
  return `${lines.join('\n')}\n`;
}
