/**
 * The few Kubernetes object shapes grpc-drain renders, as plain data: no framework types,
 * so cdk8s and Pulumi front ends (and the doctor's fixes) share one renderer.
 */

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface HttpGetProbe {
  readonly httpGet: { readonly path: string; readonly port: number; readonly scheme: 'HTTP' };
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export type PreStopHandler = { readonly sleep: { readonly seconds: number } } | { readonly exec: { readonly command: readonly string[] } };

export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'TCP';
}

/** The container fields the plan drives. */
export interface ContainerDrainFragment {
  readonly lifecycle: { readonly preStop: PreStopHandler };
  readonly readinessProbe: HttpGetProbe;
  readonly livenessProbe: HttpGetProbe;
  readonly env: readonly EnvVar[];
}

/** The pod-template and Deployment fields the plan drives. */
export interface WorkloadDrainFragment {
  readonly terminationGracePeriodSeconds: number;
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly minReadySeconds: number;
  readonly strategy: {
    readonly type: 'RollingUpdate';
    readonly rollingUpdate: { readonly maxSurge: string; readonly maxUnavailable: number };
  };
}

export interface Deployment {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly replicas?: number;
    readonly minReadySeconds: number;
    readonly strategy: WorkloadDrainFragment['strategy'];
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly template: {
      readonly metadata: ObjectMeta;
      readonly spec: {
        readonly terminationGracePeriodSeconds: number;
        readonly containers: readonly Record<string, unknown>[];
        readonly [field: string]: unknown;
      };
    };
  };
}

export interface PodDisruptionBudget {
  readonly apiVersion: 'policy/v1';
  readonly kind: 'PodDisruptionBudget';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly maxUnavailable: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  };
}

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: 'TCP';
}

export interface Service {
  readonly apiVersion: 'v1';
  readonly kind: 'Service';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly type: 'LoadBalancer';
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: readonly ServicePort[];
  };
}
