import { TARGET_GROUP_ATTRIBUTE_ORDER } from '../model';

/**
 * `k=v,k=v` as the LBC's `target-group-attributes` annotation wants it, keys in the
 * documented order (TARGET_GROUP_ATTRIBUTE_ORDER), any other keys after them sorted:
 * the same attributes always give the same string.
 */
export function formatTargetGroupAttributes(attributes: Readonly<Record<string, string>>): string {
  const known = TARGET_GROUP_ATTRIBUTE_ORDER.filter((key) => key in attributes);
  const rest = Object.keys(attributes)
    .filter((key) => !TARGET_GROUP_ATTRIBUTE_ORDER.includes(key))
    .sort();
  return [...known, ...rest].map((key) => `${key}=${attributes[key]}`).join(',');
}

/** Parses a `k=v,k=v` attribute string; whitespace around keys and values is ignored. */
export function parseTargetGroupAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const key = pair.slice(0, at).trim();
    if (key) attributes[key] = pair.slice(at + 1).trim();
  }
  return attributes;
}
