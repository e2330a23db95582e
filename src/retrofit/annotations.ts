/** Annotations the retrofit reads on objects someone else wrote (besides the LBC's own, in src/model). */

/**
 * Pod-template annotation naming the container `kubectl logs/exec` pick by default; the
 * retrofit takes it as the gRPC server's container when told nothing else.
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#kubectl-kubernetes-io-default-container
 */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/**
 * The in-tree annotation the LBC still reads, deprecated in favour of `scheme`. A chart that
 * sets it has chosen its scheme: the retrofit then adds no `scheme` annotation.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
export const LEGACY_INTERNAL_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-internal';
