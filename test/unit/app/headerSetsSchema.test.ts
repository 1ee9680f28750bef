// The JSON schema of `ossPresign.headerSets` in package.json (what settings.json validates and completes) against
// what the extension reads: the fields of HeaderSet, the types parseHeaderSets accepts, and the default sets. A tiny
// validator covers the part of JSON Schema the setting uses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HEADER_SETS, parseHeaderSets, type HeaderSet } from '../../../src/app/headerSets';

// Compiled to out/test/unit/app/: the repository root is four levels up.
const ROOT = join(__dirname, '../../../..');

interface Schema {
  type?: string | string[];
  required?: string[];
  additionalProperties?: boolean | Schema;
  properties?: Record<string, Schema>;
  items?: Schema;
  minLength?: number;
  enum?: unknown[];
  markdownDescription?: string;
  description?: string;
  default?: unknown;
  examples?: unknown[];
}

const SUPPORTED = new Set([
  'type',
  'required',
  'additionalProperties',
  'properties',
  'items',
  'minLength',
  'enum',
  // Annotations: they change no verdict.
  'markdownDescription',
  'description',
  'default',
  'examples',
  // VS Code's place of the setting in the Settings UI.
  'order',
]);

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return Number.isInteger(value) ? 'integer' : typeof value;
}

/** The problems of `value` under `schema` (empty: valid), for the keywords in SUPPORTED; any other keyword fails. */
function validate(schema: Schema, value: unknown, at = '$'): string[] {
  const unknown = Object.keys(schema).filter((k) => !SUPPORTED.has(k));
  if (unknown.length) return [`${at}: the test's validator does not know ${unknown.join(', ')}`];
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = [schema.type].flat();
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number')))
      return [`${at}: ${actual}, expected ${types.join(' or ')}`];
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    problems.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength)
    problems.push(`${at}: shorter than ${schema.minLength}`);
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => problems.push(...validate(schema.items!, v, `${at}[${i}]`)));
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) problems.push(`${at}: missing ${name}`);
    for (const [name, v] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property) problems.push(...validate(property, v, `${at}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${at}: unknown property ${name}`);
      else if (typeof schema.additionalProperties === 'object')
        problems.push(...validate(schema.additionalProperties, v, `${at}.${name}`));
    }
  }
  return problems;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Schema> } | { properties: Record<string, Schema> }[] };
};
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const setting = [manifest.contributes.configuration]
  .flat()
  .map((c) => c.properties['ossPresign.headerSets'])
  .find(Boolean)!;
const itemSchema = setting.items!;

/**
 * Every field of a header set with the JSON types parseHeaderSets accepts for it. Typed against HeaderSet (what
 * parseHeaderSets returns and resolveHeaderSet reads): a field added to or removed from the interface without this
 * table is a compile error, so the schema comparison below covers the interface both ways.
 */
const FIELDS = {
  name: ['string'],
  contentType: ['string'],
  cacheControl: ['string'],
  contentDisposition: ['string'],
  contentEncoding: ['string'],
  storageClass: ['string'],
  acl: ['string'],
  forbidOverwrite: ['boolean'],
  tagging: ['object', 'string'],
  contentMd5: ['string'],
  metadata: ['object'],
  browser: ['boolean'],
} satisfies Record<keyof HeaderSet, string[]>;

/** A value of each JSON type; objects of text values, as metadata and tagging need. */
const SAMPLES: Record<string, unknown> = { string: 'x', boolean: true, object: { a: 'b' }, number: 1, array: ['x'] };

const accepts = (set: Record<string, unknown>) => {
  try {
    parseHeaderSets([set]);
    return true;
  } catch {
    return false;
  }
};

describe('the JSON schema of ossPresign.headerSets', () => {
  it('is a list of objects that need a name and allow no other property than the schema names', () => {
    assert.equal(setting.type, 'array');
    assert.equal(itemSchema.type, 'object');
    assert.deepEqual(itemSchema.required, ['name']);
    assert.equal(itemSchema.additionalProperties, false);
  });

  it('names exactly the fields of a header set', () => {
    assert.deepEqual(Object.keys(itemSchema.properties!).sort(), Object.keys(FIELDS).sort());
  });

  for (const [field, types] of Object.entries(FIELDS)) {
    it(`types ${field} as ${types.join(' or ')}, the types parseHeaderSets accepts for it`, () => {
      const property = itemSchema.properties![field]!;
      assert.deepEqual([property.type].flat().sort(), [...types].sort());
      const base = field === 'name' ? {} : { name: 'n' };
      for (const [type, sample] of Object.entries(SAMPLES)) {
        const set = { ...base, [field]: sample };
        const inSchema = validate(itemSchema, set).length === 0;
        assert.equal(inSchema, types.includes(type), `schema on ${field}: ${type}`);
        assert.equal(accepts(set), inSchema, `parseHeaderSets and the schema disagree on ${field}: ${type}`);
      }
      if (types.includes('object')) {
        // Objects hold text values only, in both.
        const set = { ...base, [field]: { a: 1 } };
        assert.notDeepEqual(validate(itemSchema, set), []);
        assert.equal(accepts(set), false);
      }
    });
  }

  it('describes every field (settings.json shows it on hover)', () => {
    for (const [field, property] of Object.entries(itemSchema.properties!)) {
      const text = property.markdownDescription ?? property.description ?? '';
      const resolved = text.replace(/^%(.+)%$/, (_, key: string) => nls[key] ?? '');
      assert.ok(resolved.trim(), `${field} has no description`);
    }
  });

  it('validates every default header set and the default itself', () => {
    for (const set of DEFAULT_HEADER_SETS) assert.deepEqual(validate(itemSchema, set), [], set.name);
    assert.deepEqual(validate(setting, setting.default), []);
  });

  it('refuses a set without a name or with an empty one, a misspelt field and a non-list (the validator can fail)', () => {
    assert.deepEqual(validate(setting, [{ contentType: 'auto' }]), ['$[0]: missing name']);
    assert.deepEqual(validate(setting, [{ name: '' }]), ['$[0].name: shorter than 1']);
    assert.deepEqual(validate(setting, [{ name: 'a', storgeClass: 'IA' }]), ['$[0]: unknown property storgeClass']);
    assert.deepEqual(validate(setting, { name: 'a' }), ['$: object, expected array']);
    assert.equal(accepts({ contentType: 'auto' }), false);
    assert.equal(accepts({ name: '' }), false);
  });
});
