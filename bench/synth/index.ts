/**
 * Synthesis cost of grpc-drain's constructs against hand-written cdk8s-plus equivalents.
 *
 * In one process: 500 GrpcDeployment + NlbGrpcService pairs, and 500 cdk8s-plus Deployment +
 * Service pairs carrying the same probes, grace period, strategy, env and annotations written
 * by hand (what a user would otherwise type). Each side is built and synthesized to YAML
 * (`app.synthYaml()`), alternating sides over several rounds after a warm-up; the median of
 * the rounds is reported. Target: ratio ≤ 1.3.
 *
 *   npm run bench:synth [-- --pairs 500 --rounds 7]
 */
import { performance } from 'node:perf_hooks';
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GrpcDeployment, NlbGrpcService } from 'grpc-drain/cdk8s';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const PAIRS = arg('pairs', 500);
const ROUNDS = arg('rounds', 7);

function grpcDrainApp(): App {
  const app = new App();
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < PAIRS; i++) {
    const deployment = new GrpcDeployment(chart, `engine-${i}`, {
      image: 'ghcr.io/example/engine:1.0.0',
      grpcPort: 7070,
      healthPort: 8733,
      replicas: 3,
      budget: { propagation: Duration.seconds(20), drainTimeout: Duration.seconds(10) },
    });
    new NlbGrpcService(chart, `engine-nlb-${i}`, { deployment, scheme: 'internet-facing' });
  }
  return app;
}

const HAND_WRITTEN_ANNOTATIONS: Record<string, string> = {
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8733',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/ready',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval': '5',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout': '5',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-healthy-threshold': '2',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-unhealthy-threshold': '2',
  'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes':
    'deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=10',
};

function plainApp(): App {
  const app = new App();
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < PAIRS; i++) {
    const deployment = new kplus.Deployment(chart, `engine-${i}`, {
      replicas: 3,
      terminationGracePeriod: Duration.seconds(45),
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
      containers: [
        {
          name: 'grpc',
          image: 'ghcr.io/example/engine:1.0.0',
          ports: [
            { name: 'grpc', number: 7070 },
            { name: 'health', number: 8733 },
          ],
          envVariables: {
            GRPC_DRAIN_TIMEOUT_SECONDS: kplus.EnvValue.fromValue('10'),
            GRPC_DRAIN_CLEANUP_SECONDS: kplus.EnvValue.fromValue('5'),
            GRPC_DRAIN_HEALTH_PORT: kplus.EnvValue.fromValue('8733'),
            GRPC_DRAIN_READY_PATH: kplus.EnvValue.fromValue('/ready'),
            GRPC_DRAIN_LIVE_PATH: kplus.EnvValue.fromValue('/live'),
          },
          readiness: kplus.Probe.fromHttpGet('/ready', { port: 8733, periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(2), failureThreshold: 2 }),
          liveness: kplus.Probe.fromHttpGet('/live', { port: 8733, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(2), failureThreshold: 3 }),
          lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', '20']) },
        },
      ],
    });
    const service = new kplus.Service(chart, `engine-nlb-${i}`, {
      type: kplus.ServiceType.LOAD_BALANCER,
      selector: deployment,
      ports: [{ name: 'grpc', port: 7070, targetPort: 7070 }],
    });
    for (const [key, value] of Object.entries(HAND_WRITTEN_ANNOTATIONS)) service.metadata.addAnnotation(key, value);
  }
  return app;
}

function time(build: () => App): { ms: number; bytes: number } {
  const start = performance.now();
  const yaml = build().synthYaml();
  return { ms: performance.now() - start, bytes: yaml.length };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  // Warm-up: JIT and module caches for both sides.
  time(grpcDrainApp);
  time(plainApp);
  const drain: number[] = [];
  const plain: number[] = [];
  let drainBytes = 0;
  let plainBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const a = round % 2 === 0 ? time(grpcDrainApp) : undefined;
    const b = time(plainApp);
    const c = a ?? time(grpcDrainApp);
    drain.push(c.ms);
    plain.push(b.ms);
    drainBytes = c.bytes;
    plainBytes = b.bytes;
  }
  const d = median(drain);
  const p = median(plain);
  console.log(`pairs: ${PAIRS}, rounds: ${ROUNDS} (median), node ${process.version}`);
  console.log(`grpc-drain  GrpcDeployment+NlbGrpcService (+PDB): ${d.toFixed(0)} ms  (${(drainBytes / 1024).toFixed(0)} KiB YAML)`);
  console.log(`cdk8s-plus  Deployment+Service, same settings by hand: ${p.toFixed(0)} ms  (${(plainBytes / 1024).toFixed(0)} KiB YAML)`);
  console.log(`ratio: ${(d / p).toFixed(2)} (target ≤ 1.3)`);
}

main();
