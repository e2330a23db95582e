import { arrayAt, isObject, own, stringAt, stringMapAt, type JsonObject } from './json';

/**
 * A Service selector (`spec.selector`: equality on every label) matches pods whose labels
 * include all of its pairs. An empty selector selects nothing here: a Service without one
 * has its endpoints managed by hand, so it points at no workload the doctor can see.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
 */
export function matchesEquality(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(labels, key) && labels[key] === selector[key]);
}

/**
 * A `metav1.LabelSelector` (`matchLabels` and `matchExpressions`), as PodDisruptionBudgets
 * use it. `null`/absent matches nothing; `{}` matches every pod of the namespace (policy/v1).
 * An expression with an unknown operator matches nothing (the API server would reject it).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#arbitrary-controllers-and-selectors
 */
export function matchesLabelSelector(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = stringMapAt(selector, 'matchLabels');
  for (const key of Object.keys(matchLabels)) {
    if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== matchLabels[key]) return false;
  }
  for (const expression of arrayAt(selector, 'matchExpressions') ?? []) {
    if (!matchesExpression(expression, labels)) return false;
  }
  return true;
}

function matchesExpression(expression: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(expression)) return false;
  const key = stringAt(expression, 'key');
  const operator = stringAt(expression, 'operator');
  if (key === undefined) return false;
  const values = (arrayAt(expression, 'values') ?? []).filter((v): v is string => typeof v === 'string');
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (operator) {
    case 'In':
      return has && values.includes(labels[key]!);
    case 'NotIn':
      return !has || !values.includes(labels[key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** The label pairs a selector fixes, usable to index candidates (`matchLabels` only). */
export function fixedLabels(selector: JsonObject): Record<string, string> {
  return stringMapAt(own(selector, 'matchLabels'));
}
