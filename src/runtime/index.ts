export type { CleanupHook, CleanupOutcome } from './cleanup';
export { createDrain, DEFAULT_HANG_UP_MESSAGE, DEFAULT_METRICS_PATH, type Drain, type DrainPhase, type ShutdownOutcome, type ShutdownReason } from './drain';
/** The model's duration parser, under the name the runtime has always exported it. */
export { parseDuration as parseDurationSeconds } from '../model';
export type { GrpcListenerAddress } from './grpc-listener';
export { GRPC_STATUS_UNAVAILABLE, type ConnectionInjector, type DrainableServer, type GrpcHandler, type GrpcMethodKind, type InjectableServer, type TrackableCall } from './grpc-types';
export type { HealthServerAddress } from './health-server';
export { jsonLinesLogger, type DrainEventName, type DrainLogEntry, type DrainLogger, type DrainLogLevel, type DrainLogValue } from './logger';
export { DRAIN_METRICS, TEXT_EXPOSITION_CONTENT_TYPE } from './metrics';
export {
  DrainOptionsError,
  LATE_CONNECTIONS,
  LATE_CONNECTIONS_ENV,
  resolveDrainOptions,
  type DrainEnv,
  type DrainOptionProblem,
  type DrainOptions,
  type LateConnections,
  type MetricsRegistry,
  type ResolvedDrainOptions,
} from './options';
export * from './report';
