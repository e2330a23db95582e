export type { CleanupHook, CleanupOutcome } from './cleanup';
export { createDrain, DEFAULT_HANG_UP_MESSAGE, type Drain, type DrainPhase, type ShutdownOutcome, type ShutdownReason } from './drain';
/** The model's duration parser, under the name the runtime has always exported it. */
export { parseDuration as parseDurationSeconds } from '../model';
export { GRPC_STATUS_UNAVAILABLE, type DrainableServer, type GrpcHandler, type GrpcMethodKind, type TrackableCall } from './grpc-types';
export type { HealthServerAddress } from './health-server';
export { jsonLinesLogger, type DrainEventName, type DrainLogEntry, type DrainLogger, type DrainLogLevel, type DrainLogValue } from './logger';
export { DrainOptionsError, resolveDrainOptions, type DrainEnv, type DrainOptionProblem, type DrainOptions, type ResolvedDrainOptions } from './options';
