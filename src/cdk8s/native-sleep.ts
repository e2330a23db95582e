import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';

type Json = Record<string, unknown>;

function sortedKeys(value: Json): Json {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Sets `lifecycle.preStop.sleep` on a container of a cdk8s-plus workload.
 *
 * cdk8s-plus-28 has no sleep handler, and a JSON patch does not help either: its generated
 * Kubernetes 1.28 types re-map the object in `toJson()` *after* patches and overrides are
 * applied, which drops the (1.29+) `sleep` field. So the object's own `toJson()` is wrapped:
 * the field is set on the final JSON, keys kept in cdk8s' sorted order.
 */
export function setNativePreStopSleep(workload: IConstruct, containerName: string, seconds: number): void {
  const apiObject = ApiObject.of(workload);
  const render = apiObject.toJson.bind(apiObject);
  apiObject.toJson = () => {
    const json = render();
    const podSpec = json?.spec?.template?.spec as Json | undefined;
    const containers = podSpec?.containers as Json[] | undefined;
    const index = containers?.findIndex((container) => container.name === containerName) ?? -1;
    if (!containers || index < 0) {
      throw new Error(`grpc-drain: container '${containerName}' not found in ${apiObject.node.path}; cannot set its preStop sleep`);
    }
    const container = containers[index];
    const lifecycle = sortedKeys({ ...(container.lifecycle as Json | undefined), preStop: { sleep: { seconds } } });
    containers[index] = sortedKeys({ ...container, lifecycle });
    return json;
  };
}
