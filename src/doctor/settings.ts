import type { DrainSettings } from '../model';

/**
 * The settings the doctor extracts: src/model's `DrainSettings` (every field the rules read:
 * the LBC version, the traffic policy, the load-balancer type, per-port attributes, the
 * replicas and autoscaler, the progress deadline, the named health-check port and success
 * codes). Kept as its own name so that the doctor's internal API (src/doctor/internal.ts)
 * does not change when the model grows.
 */
export type DoctorSettings = DrainSettings;
