/**
 * JSON Schema validation of one definition, turning ajv's errors into Issues a person can act on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { DefinitionKind } from './define.js';
import { type FieldPath, formatFieldPath, type Issue, issue, quote } from './issues.js';
import { explainDnsLabel } from './names.js';
import { SCHEMAS } from './schemas.js';
import { explainVaultPath } from './vault-paths.js';

interface IssueAnnotation {
  code: string;
  hint: string;
}

const require = createRequire(import.meta.url);
/** `tsType` steers json-schema-to-typescript; `x-issue` gives a format rule its stable code and hint. */
const VOCABULARY = ['tsType', 'x-issue'];
const AJV_OPTIONS = { allErrors: true, strict: true, verbose: true, discriminator: true } as const;
/** Part of the compiled validators' key: bump it when the way they are built or stored changes. */
const COMPILED_FORMAT = 'platform-gen compiled validators 1';

let validators: Map<DefinitionKind, ValidateFunction> | undefined;

/** Compiles the three schemas with Ajv (loaded only here: it takes a tenth of a second to load). */
function compileValidators(withSource: boolean): { ajv: AjvClass; compiled: Map<DefinitionKind, ValidateFunction> } {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ ...AJV_OPTIONS, ...(withSource ? { code: { source: true } } : {}) });
  ajv.addVocabulary(VOCABULARY);
  return { ajv, compiled: new Map(SCHEMAS.map((s) => [s.kind, ajv.compile(s.schema)])) };
}

function getValidator(kind: DefinitionKind): ValidateFunction {
  validators ??= compileValidators(false).compiled;
  const validate = validators.get(kind);
  if (validate === undefined) throw new Error(`no validator for definition kind "${kind}"`);
  return validate;
}

/**
 * Compiling the schemas takes Ajv a third of a second, in every process. Called by the loader with its cache
 * folder (`.../validators`, see definition-cache.ts), this takes the validators Ajv generated for exactly these
 * schemas, options and Ajv version from the folder (standalone code, checked against its SHA-256 before it
 * runs), or compiles them and stores the code for the next process. Validation itself stays pure and gives the
 * same errors either way; without this call (or when anything here fails) the schemas are compiled on first
 * use. Returns whether the validators came from the folder.
 */
export function prepareSchemaValidators(dir: string | undefined): boolean {
  if (validators !== undefined || dir === undefined) return false;
  let key: string;
  try {
    const hash = createHash('sha256');
    hash.update(COMPILED_FORMAT);
    hash.update(readFileSync(require.resolve('ajv/package.json')));
    hash.update(JSON.stringify({ AJV_OPTIONS, VOCABULARY, schemas: SCHEMAS.map((s) => [s.kind, s.schema]) }));
    key = hash.digest('hex');
  } catch {
    return false;
  }
  const path = join(dir, `${key}.json`);
  const loaded = loadCompiled(path, key);
  if (loaded !== undefined) {
    validators = loaded;
    return true;
  }
  const { ajv, compiled } = compileValidators(true);
  validators = compiled;
  try {
    const { default: standaloneCode } =
      require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js');
    const code = standaloneCode(ajv, Object.fromEntries(SCHEMAS.map((s) => [s.kind, s.schema.$id as string])));
    const digest = createHash('sha256').update(code).digest('hex');
    mkdirSync(dir, { recursive: true });
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify({ format: COMPILED_FORMAT, key, digest, code }));
      renameSync(temporary, path);
    } catch {
      rmSync(temporary, { force: true });
    }
  } catch {
    // Not stored: the next process compiles again.
  }
  return false;
}

function loadCompiled(path: string, key: string): Map<DefinitionKind, ValidateFunction> | undefined {
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as {
      format?: unknown;
      key?: unknown;
      digest?: unknown;
      code?: unknown;
    };
    if (entry.format !== COMPILED_FORMAT || entry.key !== key || typeof entry.code !== 'string') return undefined;
    if (createHash('sha256').update(entry.code).digest('hex') !== entry.digest) return undefined;
    const module = { exports: {} as Record<string, unknown> };
    compileFunction(entry.code, ['require', 'module', 'exports'], { filename: path })(require, module, module.exports);
    const found = new Map<DefinitionKind, ValidateFunction>();
    for (const { kind } of SCHEMAS) {
      const validate = module.exports[kind];
      if (typeof validate !== 'function') return undefined;
      found.set(kind, validate as ValidateFunction);
    }
    return found;
  } catch {
    return undefined;
  }
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
