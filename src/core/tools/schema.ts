/**
 * JSON Schemas of tools we did not write (MCP servers, other extensions) turned into the subset
 * Gemini's function declarations take: one `type` per schema (`nullable` for `["x","null"]`),
 * `properties`, `required`, `items`, `enum` (strings), `anyOf`, `description`, `format`, bounds.
 * `$ref` is resolved from `$defs` / `definitions`; keywords outside the subset are dropped and
 * named in `notes` (the tool still works: the server checks its own input). A schema that cannot
 * be made into an object schema is refused with a reason (the tool is then skipped, with a note).
 */
import { errorText } from '../../shared/errorText';

export type Schema = Record<string, unknown>;

export type Converted = { ok: true; parameters: Schema; notes: string[] } | { ok: false; reason: string };

const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean']);
/** How deep a schema (and its `$ref`s) may go before the rest is cut. */
const MAX_DEPTH = 12;
/** Keywords kept as they are (numbers / strings). */
const KEEP_NUMERIC = ['minimum', 'maximum', 'minItems', 'maxItems'] as const;
/** Keywords that are fine to drop without saying so (annotations only). */
const SILENT = new Set(['$schema', '$id', '$comment', 'title', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', '$defs', 'definitions', 'markdownDescription']);
/** Ignored by the API, so dropped quietly (reference §3.4). */
const IGNORED_BY_API = new Set(['minLength', 'maxLength', 'minProperties', 'maxProperties', 'uniqueItems', 'contains', 'minContains', 'maxContains']);
const KNOWN = new Set(['type', 'properties', 'required', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'description', 'format', '$ref', 'nullable', ...KEEP_NUMERIC]);

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

class Converter {
  readonly dropped = new Set<string>();
  cut = false;
  constructor(private readonly root: Schema) {}

  private resolve(ref: string): Schema | undefined {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    if (!m) return undefined;
    const defs = this.root[m[1]!];
    const name = m[2]!.replace(/~1/g, '/').replace(/~0/g, '~');
    return isObj(defs) && isObj(defs[name]) ? defs[name] : undefined;
  }

  convert(input: unknown, depth: number, refs: readonly string[]): Schema {
    if (input === true || (isObj(input) && Object.keys(input).length === 0)) return {};
    if (!isObj(input)) {
      this.dropped.add('a schema that is not an object');
      return {};
    }
    if (depth > MAX_DEPTH) {
      this.cut = true;
      return {};
    }
    let s = input;
    if (typeof s.$ref === 'string') {
      if (refs.includes(s.$ref)) {
        // A recursive type: cut here (the model sees a free-form value at that depth).
        this.cut = true;
        return typeof s.description === 'string' ? { description: s.description } : {};
      }
      const target = this.resolve(s.$ref);
      if (!target) {
        this.dropped.add(`$ref ${s.$ref}`);
        return {};
      }
      const { $ref: _r, ...rest } = s;
      return this.convert({ ...target, ...rest }, depth + 1, [...refs, s.$ref]);
    }
    // allOf of one schema (common in generated schemas) is that schema.
    if (Array.isArray(s.allOf)) {
      const { allOf, ...rest } = s;
      if (allOf.length === 1 && isObj(allOf[0])) s = { ...allOf[0], ...rest };
      else {
        this.dropped.add('allOf');
        s = rest;
      }
    }
    for (const k of Object.keys(s)) {
      if (k === 'allOf') continue;
      if (KNOWN.has(k) || SILENT.has(k) || IGNORED_BY_API.has(k)) continue;
      this.dropped.add(k);
    }
    const out: Schema = {};
    if (typeof s.description === 'string') out.description = s.description;

    // type: one name, or a list (a null in it becomes `nullable`; several others become anyOf).
    let types: string[] = [];
    if (typeof s.type === 'string') types = [s.type];
    else if (Array.isArray(s.type)) types = s.type.filter((t): t is string => typeof t === 'string');
    const nullable = types.includes('null') || s.nullable === true;
    types = types.filter((t) => t !== 'null');
    for (const t of types) if (!TYPES.has(t)) this.dropped.add(`type ${t}`);
    types = types.filter((t) => TYPES.has(t));
    if (!types.length) {
      if (isObj(s.properties)) types = ['object'];
      else if (s.items !== undefined) types = ['array'];
      else if (Array.isArray(s.enum) || typeof s.const === 'string') types = ['string'];
    }

    const alternatives = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
    if (Array.isArray(s.oneOf) && !Array.isArray(s.anyOf)) this.dropped.add('oneOf (sent as anyOf)');
    if (alternatives && !types.length) {
      const nonNull = alternatives.filter((a) => !(isObj(a) && a.type === 'null'));
      const alsoNull = nonNull.length < alternatives.length;
      const converted = nonNull.map((a) => this.convert(a, depth + 1, refs));
      if (converted.length === 1) return { ...converted[0], ...out, ...(alsoNull || nullable ? { nullable: true } : {}) };
      out.anyOf = converted;
      if (alsoNull || nullable) out.nullable = true;
      return out;
    }
    if (types.length > 1) {
      out.anyOf = types.map((t) => this.convert({ ...s, type: t, description: undefined, nullable: undefined }, depth + 1, refs));
      if (nullable) out.nullable = true;
      return out;
    }
    const type = types[0];
    if (type) out.type = type;
    if (nullable) out.nullable = true;

    // enum and const: Gemini takes string enums; other values are described instead.
    const values = Array.isArray(s.enum) ? s.enum : s.const !== undefined ? [s.const] : undefined;
    if (values) {
      if (values.every((v) => typeof v === 'string')) {
        if (!type || type === 'string') {
          out.type = 'string';
          out.enum = values;
        }
      } else {
        const list = values.map((v) => JSON.stringify(v)).join(', ');
        out.description = `${out.description ? `${out.description} ` : ''}(one of: ${list})`;
        this.dropped.add('a non-string enum (listed in the description)');
      }
    }
    if (typeof s.format === 'string' && (type === 'string' || type === 'number' || type === 'integer')) out.format = s.format;
    for (const k of KEEP_NUMERIC) if (typeof s[k] === 'number') out[k] = s[k];

    if (type === 'object') {
      const props: Schema = {};
      if (isObj(s.properties)) {
        for (const [name, sub] of Object.entries(s.properties)) props[name] = this.convert(sub, depth + 1, refs);
      }
      out.properties = props;
      const req = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string' && r in props) : [];
      if (req.length) out.required = req;
    } else if (type === 'array') {
      const items = Array.isArray(s.items) ? s.items[0] : s.items;
      if (Array.isArray(s.items)) this.dropped.add('tuple items (the first is used)');
      if (items !== undefined) out.items = this.convert(items, depth + 1, refs);
    }
    return out;
  }
}

/** A tool's input schema as Gemini's `parameters`, or why it cannot be sent. */
export function toGeminiParameters(schema: unknown): Converted {
  if (schema === undefined || schema === null || (isObj(schema) && Object.keys(schema).length === 0)) {
    return { ok: true, parameters: { type: 'object', properties: {} }, notes: [] };
  }
  if (!isObj(schema)) return { ok: false, reason: 'its input schema is not a JSON object' };
  const c = new Converter(schema);
  let parameters: Schema;
  try {
    parameters = c.convert(schema, 0, []);
  } catch (err) {
    return { ok: false, reason: `its input schema could not be read (${errorText(err)})` };
  }
  if (parameters.type !== 'object') {
    return {
      ok: false,
      reason: `its input is ${parameters.type ? `a ${String(parameters.type)}` : 'not an object'}, and Gemini calls functions with an object of named arguments`,
    };
  }
  const notes: string[] = [];
  if (c.dropped.size) notes.push(`left out of the schema Gemini sees: ${[...c.dropped].join(', ')}`);
  if (c.cut) notes.push(`a recursive or very deep part of the schema was cut at depth ${MAX_DEPTH} (free-form there)`);
  return { ok: true, parameters, notes };
}

/** Gemini function names: letters, digits, `_ . : -`, starting with a letter or `_`, at most 64 characters. */
export function functionName(name: string, taken: ReadonlySet<string>): string {
  let base = name.replace(/[^A-Za-z0-9_.:-]/g, '_');
  if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
  const fit = (s: string, suffix = '') => (s.length + suffix.length > 64 ? s.slice(0, 64 - suffix.length) : s) + suffix;
  let out = fit(base);
  for (let k = 2; taken.has(out); k++) out = fit(base, `_${k}`);
  return out;
}
