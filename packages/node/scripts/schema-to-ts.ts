/**
 * A small JSON Schema → TypeScript type printer for the subset the server's OpenAPI document uses:
 * objects (properties, required, additionalProperties), arrays, enums and const, `type` lists
 * (so nullable is `["string", "null"]`), anyOf/oneOf/allOf and local `$ref`s. Validation-only
 * keywords (minLength, pattern, maximum, …) have no type and are ignored.
 */

export type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  [keyword: string]: unknown;
};

/** Returns the name a schema is printed as instead of its body, or undefined to print it in full. */
export type NameOf = (schema: JsonSchema) => string | undefined;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const key = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** A TSDoc block for a description; `*\/` inside it would end the comment early. */
export function docComment(text: string | undefined, indent: string): string {
  if (!text) return "";
  const lines = text.replaceAll("*/", "*\\/").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join("\n")}\n${indent} */\n`;
}

const union = (parts: string[]): string => {
  const unique = [...new Set(parts)];
  return unique.length === 0 ? "never" : unique.join(" | ");
};

/** Wraps a union or intersection in parentheses where `[]` would otherwise bind to its last member. */
const arrayOf = (item: string): string => (/[|&]/.test(item) ? `(${item})[]` : `${item}[]`);

/** Prints `schema` as a TypeScript type expression; nested objects are indented from `indent`. */
export function schemaToTs(schema: JsonSchema | boolean | undefined, nameOf: NameOf, indent = ""): string {
  if (schema === undefined || schema === true) return "unknown";
  if (schema === false) return "never";
  const named = nameOf(schema);
  if (named) return named;
  if (schema.$ref) return refName(schema.$ref);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return union(schema.enum.map((value) => JSON.stringify(value)));
  if (schema.anyOf ?? schema.oneOf)
    return union((schema.anyOf ?? schema.oneOf ?? []).map((s) => schemaToTs(s, nameOf, indent)));
  if (schema.allOf) return schema.allOf.map((s) => schemaToTs(s, nameOf, indent)).join(" & ");
  const types = typeof schema.type === "string" ? [schema.type] : (schema.type ?? inferTypes(schema));
  return union(types.map((type) => typeToTs(type, schema, nameOf, indent)));
}

/** `#/components/schemas/Foo` → `Foo`. */
export function refName(ref: string): string {
  const name = ref.split("/").pop() ?? "unknown";
  return name.replace(/[^A-Za-z0-9_$]/g, "_");
}

function inferTypes(schema: JsonSchema): string[] {
  if (schema.properties || schema.additionalProperties !== undefined) return ["object"];
  if (schema.items) return ["array"];
  return ["unknown"];
}

function typeToTs(type: string, schema: JsonSchema, nameOf: NameOf, indent: string): string {
  switch (type) {
    case "null":
      return "null";
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return arrayOf(schemaToTs(schema.items, nameOf, indent));
    case "object":
      return objectToTs(schema, nameOf, indent);
    default:
      return "unknown";
  }
}

function objectToTs(schema: JsonSchema, nameOf: NameOf, indent: string): string {
  const properties = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  if (properties.length === 0) {
    if (extra === false) return "Record<string, never>";
    return `{ [key: string]: ${schemaToTs(extra === undefined ? true : extra, nameOf, indent)} }`;
  }
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines = properties.map(
    ([name, property]) =>
      `${docComment(property.description, inner)}${inner}${key(name)}${required.has(name) ? "" : "?"}: ${schemaToTs(property, nameOf, inner)};\n`,
  );
  // Declared properties must fit the index signature, so a typed one widens to unknown.
  if (extra === true || (extra !== undefined && extra !== false)) lines.push(`${inner}[key: string]: unknown;\n`);
  return `{\n${lines.join("")}${indent}}`;
}
