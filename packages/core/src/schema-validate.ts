/**
 * JSON Schema validation of one definition, turning ajv's errors into Issues a person can act on.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DefinitionKind } from './define.js';
import { type FieldPath, formatFieldPath, type Issue, issue, quote } from './issues.js';
import { explainDnsLabel } from './names.js';
import { SCHEMAS } from './schemas.js';
import { explainVaultPath } from './vault-paths.js';

interface IssueAnnotation {
  code: string;
  hint: string;
}

let validators: Map<DefinitionKind, ValidateFunction> | undefined;

function getValidator(kind: DefinitionKind): ValidateFunction {
  if (validators === undefined) {
    // `tsType` steers json-schema-to-typescript; `x-issue` gives a format rule its stable code and hint.
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, discriminator: true });
    ajv.addVocabulary(['tsType', 'x-issue']);
    validators = new Map(SCHEMAS.map((s) => [s.kind, ajv.compile(s.schema)]));
  }
  const validate = validators.get(kind);
  if (validate === undefined) throw new Error(`no validator for definition kind "${kind}"`);
  return validate;
}

/** Validates `value` against the schema of `kind`; every problem becomes one Issue (no duplicates). */
export function validateAgainstSchema(kind: DefinitionKind, value: unknown, file: string): Issue[] {
  const validate = getValidator(kind);
  if (validate(value)) return [];
  const byKey = new Map<string, Issue>();
  for (const error of validate.errors ?? []) {
    const found = toIssue(error, file);
    const key = `${found.path}\u0000${found.code}`;
    if (!byKey.has(key)) byKey.set(key, found);
  }
  return [...byKey.values()];
}

function toIssue(error: ErrorObject, file: string): Issue {
  const base = instancePathToFieldPath(error.instancePath);
  const shown = (path: FieldPath) => formatFieldPath(path) || '(top level)';
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const path = [...base, field];
      const allowed = Object.keys((parentSchema.properties as Record<string, unknown> | undefined) ?? {});
      return issue({
        code: 'E_UNKNOWN_FIELD',
        file,
        path: formatFieldPath(path),
        message: `unknown field "${field}"${base.length > 0 ? ` in ${shown(base)}` : ''}`,
        hint: `remove it or fix its spelling; allowed fields here: ${allowed.join(', ')}`,
      });
    }
    case 'required': {
      const field = String((error.params as { missingProperty: string }).missingProperty);
      const path = [...base, field];
      const properties = (parentSchema.properties as Record<string, { description?: string }> | undefined) ?? {};
      const description = properties[field]?.description;
      return issue({
        code: 'E_MISSING_FIELD',
        file,
        path: formatFieldPath(path),
        message: `required field "${field}" is missing${base.length > 0 ? ` in ${shown(base)}` : ''}`,
        hint: `add "${field}"${description === undefined ? '' : `: ${description}`}`,
      });
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type);
      return issue({
        code: 'E_WRONG_TYPE',
        file,
        path: formatFieldPath(base),
        message: `${shown(base)} must be ${article(expected)}, but is ${describeValue(error.data)}`,
        hint: `write ${article(expected)} here${describeSchema(parentSchema)}`,
      });
    }
    case 'const':
    case 'enum': {
      const allowed =
        error.keyword === 'const'
          ? [(error.params as { allowedValue: unknown }).allowedValue]
          : (error.params as { allowedValues: unknown[] }).allowedValues;
      return issue({
        code: 'E_VALUE_NOT_ALLOWED',
        file,
        path: formatFieldPath(base),
        message: `${shown(base)} is ${describeValue(error.data)}, which is not allowed`,
        hint: `use ${allowed.length === 1 ? '' : 'one of '}${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
      });
    }
    case 'discriminator': {
      const allowed = ((parentSchema.oneOf as { properties?: { type?: { const?: unknown } } }[] | undefined) ?? [])
        .map((branch) => branch.properties?.type?.const)
        .filter((v) => v !== undefined);
      return issue({
        code: 'E_VALUE_NOT_ALLOWED',
        file,
        path: formatFieldPath([...base, 'type']),
        message: `${shown([...base, 'type'])} is ${describeValue((error.data as Record<string, unknown> | null)?.type)}, which is not allowed`,
        hint: `use one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
      });
    }
    case 'minItems':
    case 'maxItems':
    case 'uniqueItems':
      return issue({
        code: 'E_LIST_INVALID',
        file,
        path: formatFieldPath(base),
        message: `${shown(base)} ${error.message ?? 'is not a valid list'}`,
        hint: describeSchema(parentSchema).replace(/^: /, '') || 'fix the list',
      });
    default: {
      // pattern, minLength, maxLength: a format rule. Its schema names the code and the fix.
      const annotation = parentSchema['x-issue'] as IssueAnnotation | undefined;
      const code = annotation?.code ?? 'E_VALUE_INVALID';
      return issue({
        code,
        file,
        path: formatFieldPath(base),
        message: `${shown(base)} ${describeValue(error.data)} is not valid: ${explain(code, error)}`,
        hint: annotation?.hint ?? error.message ?? 'fix the value',
      });
    }
  }
}

function explain(code: string, error: ErrorObject): string {
  const value = typeof error.data === 'string' ? error.data : '';
  if (code === 'E_VAULT_PATH_INVALID') return explainVaultPath(value) ?? 'it is not a valid Vault path';
  if (code === 'E_NAME_INVALID' || code === 'E_NS_NAME_INVALID' || code === 'E_GROUP_INVALID') {
    return explainDnsLabel(value);
  }
  if (error.keyword === 'maxLength') {
    return `it is ${value.length} characters long (at most ${String((error.params as { limit: number }).limit)})`;
  }
  if (error.keyword === 'minLength') return 'it is empty';
  return 'it does not have the required format';
}

function instancePathToFieldPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function describeSchema(schema: Record<string, unknown>): string {
  return typeof schema.description === 'string' ? `: ${schema.description}` : '';
}

/** A short, safe rendering of a value for messages: never more than 80 characters, no raw newlines. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return quote(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`.slice(0, 80);
}
