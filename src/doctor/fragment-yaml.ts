/**
 * Fix fragments as block YAML: mappings and sequences of strings, numbers and booleans, in
 * the style `kubectl` and Helm print (sequence items indented under their key, no line
 * folding). A string is plain when it can only read back as itself; otherwise it is
 * single-quoted (or, with control characters or line breaks, double-quoted). YAML 1.1
 * booleans (`yes`, `on`, ...) are quoted too, since Kubernetes' go-yaml v2 reads them as
 * booleans. Written here rather than by a general dumper because the doctor writes one to
 * five fragments per finding and a report can hold thousands.
 */

const PLAIN = /^[A-Za-z/<][A-Za-z0-9_./%<>@+-]*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (PLAIN.test(value) && !RESERVED.test(value)) return value;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return JSON.stringify(value);
  return `'${value.replace(/'/g, "''")}'`;
}

function isCollection(value: unknown): value is Readonly<Record<string, unknown>> | readonly unknown[] {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: Readonly<Record<string, unknown>> | readonly unknown[]): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function mapping(value: Readonly<Record<string, unknown>>, indent: string, out: string[], firstPrefix?: string): void {
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const prefix = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const name = scalar(key);
    if (item === null) out.push(`${prefix}${name}: null`);
    else if (!isCollection(item)) out.push(`${prefix}${name}: ${scalar(item as string | number | boolean | null)}`);
    else if (isEmpty(item)) out.push(`${prefix}${name}: ${Array.isArray(item) ? '[]' : '{}'}`);
    else {
      out.push(`${prefix}${name}:`);
      node(item, `${indent}  `, out);
    }
  }
}

function sequence(value: readonly unknown[], indent: string, out: string[]): void {
  for (const item of value) {
    if (!isCollection(item)) out.push(`${indent}- ${scalar(item as string | number | boolean | null)}`);
    else if (isEmpty(item)) out.push(`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`);
    else if (Array.isArray(item)) {
      out.push(`${indent}-`);
      sequence(item, `${indent}  `, out);
    } else mapping(item as Readonly<Record<string, unknown>>, `${indent}  `, out, `${indent}- `);
  }
}

function node(value: Readonly<Record<string, unknown>> | readonly unknown[], indent: string, out: string[]): void {
  if (Array.isArray(value)) sequence(value, indent, out);
  else mapping(value as Readonly<Record<string, unknown>>, indent, out);
}

/** A fragment (a mapping of plain data) as block YAML ending with a newline. */
export function fragmentYaml(value: Readonly<Record<string, unknown>>): string {
  const out: string[] = [];
  node(value, '', out);
  return `${out.join('\n')}\n`;
}
