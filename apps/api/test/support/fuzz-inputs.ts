import fc from "fast-check";

// Generators of request parts, valid and hostile, from the JSON schemas of the OpenAPI
// document. Bodies and query strings are built as text, so that they can hold what
// JSON.stringify and URLSearchParams never write: numbers past 64-bit, duplicate members,
// `__proto__` members, lone surrogates, invalid UTF-8.

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
}

/** What a string field is tried with besides its schema's own values. */
const SPECIAL_TEXTS = [
  "",
  " ",
  "\t\n",
  "\u0000",
  "a\u0000b",
  "\u0001\u001f\u007f",
  "\ud800",
  "x\udfffy",
  "\ud83d",
  "\ud83d\ude00",
  "\u202e",
  "\ufeff",
  "\uffff",
  "%00",
  "%ff",
  "../../etc/passwd",
  "' OR 1=1 --",
  "\\",
  '"',
  "null",
  "true",
  "1e400",
  "-0",
  "__proto__",
  "constructor",
  "<script>alert(1)</script>",
  "\r\nx-injected: 1",
  "0196f0e4-0000-7000-8000-000000000000",
  "00000000-0000-0000-0000-000000000000",
];

/** Characters that count differently as UTF-16 units, code points, bytes and graphemes. */
const AWKWARD_CHARACTERS = ["a", "é", "e\u0301", "𝄞", "👍🏽", "\u0000", "\u0008", "\ud800", "\udc00", " ", "ß"];

/** Lengths around every limit the API has (100: router parameters; 150, 200, 254, 4096, 10 000: fields). */
const LENGTHS = [
  0, 1, 2, 99, 100, 101, 149, 150, 151, 199, 200, 201, 253, 254, 255, 512, 513, 4095, 4096, 4097, 9999, 10_000, 10_001,
];

/** Number tokens as they may stand in JSON text, past every integer and float range. */
const NUMBER_TOKENS = [
  "0",
  "-0",
  "1",
  "-1",
  "0.5",
  "1.0",
  "2147483647",
  "2147483648",
  "-2147483649",
  "9007199254740991",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "18446744073709551616",
  "123456789012345678901234567890",
  "1e308",
  "1e400",
  "-1e400",
  "1e-400",
  "5e-324",
];

/**
 * Stand-ins for the values only the running test knows (the kit user's current tokens,
 * name and password), replaced in the body before it is sent: without them no refresh,
 * logout or password change could ever succeed.
 */
export const KNOWN_VALUES = {
  "@@access@@": "access",
  "@@refresh@@": "refresh",
  "@@username@@": "username",
  "@@password@@": "password",
} as const;

const text = (value: string): string => escapeJson(value);

/** JSON string text; lone surrogates stay lone (JSON.stringify writes them as \\u escapes, which parse back to themselves). */
function escapeJson(value: string): string {
  return JSON.stringify(value);
}

const awkwardText = (lengths: readonly number[]) =>
  fc
    .tuple(fc.constantFrom(...lengths), fc.constantFrom(...AWKWARD_CHARACTERS), fc.constantFrom(...AWKWARD_CHARACTERS))
    .map(([length, fill, last]) => (length === 0 ? "" : fill.repeat(Math.max(0, length - 1)) + last));

/** Any string: arbitrary code points, the special ones, and lengths around every limit. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(...SPECIAL_TEXTS),
  fc.array(fc.constantFrom(...AWKWARD_CHARACTERS), { maxLength: 12 }).map((parts) => parts.join("")),
  awkwardText(LENGTHS),
);

/** Any JSON value, as text: every type, numbers past every range, deep nesting and big arrays. */
export const anyJsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBER_TOKENS) },
  { weight: 2, arbitrary: hostileString.map(text) },
  { weight: 1, arbitrary: fc.constantFrom("null", "true", "false", "[]", "{}", '[""]', '{"":null}') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(10, 100, 1000, 5000, 20_000), fc.boolean())
      .map(([depth, array]) =>
        array ? "[".repeat(depth) + "]".repeat(depth) : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(1000, 10_000, 30_000), fc.constantFrom("0", '"x"', "null", "{}"))
      .map(([size, item]) => `[${Array(size).fill(item).join(",")}]`),
  },
);

function typesOf(schema: JsonSchema): string[] {
  if (schema.enum !== undefined || schema.const !== undefined) return [];
  return schema.type === undefined ? [] : typeof schema.type === "string" ? [schema.type] : [...schema.type];
}

/** Values the schema allows, and values at and just past each of its bounds. */
export function schemaValueText(schema: JsonSchema): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [];
  if (schema.enum !== undefined) options.push(fc.constantFrom(...schema.enum).map((value) => JSON.stringify(value)));
  if (schema.const !== undefined) options.push(fc.constant(JSON.stringify(schema.const)));
  for (const type of typesOf(schema)) {
    if (type === "string") {
      const min = schema.minLength ?? 0;
      const max = schema.maxLength;
      const bounds = [min - 1, min, min + 1, ...(max === undefined ? [] : [max - 1, max, max + 1])].filter(
        (n) => n >= 0,
      );
      options.push(fc.string({ minLength: min, maxLength: Math.min(max ?? 40, 40) }).map(text));
      options.push(fc.constantFrom(...Object.keys(KNOWN_VALUES)).map(text));
      options.push(awkwardText(bounds).map(text));
    } else if (type === "integer" || type === "number") {
      const bounds = [schema.minimum, schema.maximum]
        .filter((n): n is number => n !== undefined)
        .flatMap((n) => [n - 1, n, n + 1]);
      options.push(fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 }).map(String));
      if (bounds.length > 0) options.push(fc.constantFrom(...bounds).map(String));
    } else if (type === "boolean") options.push(fc.boolean().map(String));
    else if (type === "null") options.push(fc.constant("null"));
    else if (type === "object") options.push(objectText(schema));
  }
  if (options.length === 0) options.push(anyJsonText);
  return fc.oneof(...options);
}

/** Any value for a field: mostly what its schema allows or its bounds, often anything at all. */
export function fieldText(schema: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: schemaValueText(schema) }, { weight: 2, arbitrary: anyJsonText });
}

const memberName = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "__proto__",
      "constructor",
      "prototype",
      "id",
      "owner_id",
      "user_id",
      "created_at",
      "is_staff",
      "",
    ),
  },
  { weight: 1, arbitrary: hostileString },
);

/** An object of the schema: each declared member present or not, from `fieldText`; sometimes unknown or repeated members. */
export function objectText(schema: JsonSchema): fc.Arbitrary<string> {
  const properties = Object.entries(schema.properties ?? {});
  const declared = fc.tuple(
    ...properties.map(([name, property]) =>
      fc.option(
        fieldText(property).map((value) => `${text(name)}:${value}`),
        { freq: 4 },
      ),
    ),
  );
  const unknown = fc.oneof(
    { weight: 4, arbitrary: fc.constant<string[]>([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(memberName, anyJsonText).map(([name, value]) => `${text(name)}:${value}`),
        { maxLength: 3 },
      ),
    },
  );
  // A member written twice: JSON.parse keeps the last, and so must every layer.
  const repeated = fc.option(
    fc
      .tuple(fc.constantFrom(...(properties.length > 0 ? properties : [["title", {}] as const])), anyJsonText)
      .map(([[name], value]) => `${text(name)}:${value}`),
    { freq: 6 },
  );
  return fc
    .tuple(declared, unknown, repeated)
    .map(
      ([members, extra, twice]) =>
        `{${[...members.filter((m) => m !== null), ...extra, ...(twice === null ? [] : [twice])].join(",")}}`,
    );
}

const plainText = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
    minLength: Math.max(min, 1),
    maxLength: max,
  });

/** A valid value for a field, by its name where the name says which known value fits. */
function validValueText(name: string, schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum).map((value) => JSON.stringify(value));
  const hints: Record<string, readonly string[]> = {
    username: ["@@username@@"],
    password: ["@@password@@"],
    old_password: ["@@password@@"],
    refresh: ["@@refresh@@"],
    token: ["@@access@@", "@@refresh@@"],
  };
  const hint = hints[name];
  const fresh =
    name === "email"
      ? plainText(1, 20).map((local) => `${local}@example.com`)
      : name.endsWith("password")
        ? plainText(12, 30).map((word) => `pw-${word}`)
        : plainText(schema.minLength ?? 1, 30);
  const known = hint === undefined ? fresh : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hint) }, fresh);
  return known.map(text);
}

/** An object the schema accepts, with the values the test knows where they fit. */
export function validObjectText(schema: JsonSchema): fc.Arbitrary<string> {
  const required = new Set(schema.required ?? []);
  const members = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const member = validValueText(name, property).map((value) => `${text(name)}:${value}`);
    return required.has(name) ? member : fc.option(member);
  });
  return fc.tuple(...members).map((present) => `{${present.filter((m) => m !== null).join(",")}}`);
}

export interface BodyInput {
  readonly payload: string | Buffer;
  readonly contentType: string | null;
}

const INVALID_UTF8 = [
  Buffer.from([0xff]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
];

/** A request body: mostly JSON of the schema, sometimes any JSON, broken JSON, invalid UTF-8 or another content type. */
export function bodyInput(schema: JsonSchema | undefined): fc.Arbitrary<BodyInput> {
  const json = (payload: fc.Arbitrary<string>) =>
    payload.map((text): BodyInput => ({ payload: text, contentType: "application/json" }));
  return fc.oneof(
    { weight: schema ? 8 : 1, arbitrary: json(schema ? objectText(schema) : anyJsonText) },
    { weight: schema ? 10 : 0, arbitrary: json(schema ? validObjectText(schema) : anyJsonText) },
    { weight: 2, arbitrary: json(anyJsonText) },
    {
      weight: 1,
      arbitrary: json(
        fc.constantFrom("", "{", '{"title":', "[", "nul", "{'title':'x'}", '{"a":1,}', "\u0000", "\ufeff{}"),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...INVALID_UTF8).map(
        (bytes): BodyInput => ({
          payload: Buffer.concat([
            Buffer.from('{"title":"'),
            bytes,
            Buffer.from('","username":"'),
            bytes,
            Buffer.from('"}'),
          ]),
          contentType: "application/json",
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          schema ? objectText(schema) : anyJsonText,
          fc.constantFrom(
            "application/json; charset=utf-8",
            "application/json; charset=latin1",
            "application/json; charset=utf-16",
            "APPLICATION/JSON",
            "application/merge-patch+json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json, text/plain",
            "",
          ),
        )
        .map(([payload, contentType]): BodyInput => ({ payload, contentType })),
    },
    { weight: 1, arbitrary: fc.constant<BodyInput>({ payload: "", contentType: null }) },
  );
}

/** Percent-encodes every byte of the string's UTF-8 (a lone surrogate becomes U+FFFD, as a client would send it). */
function percentEncode(value: string): string {
  return [...Buffer.from(value, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
}

const RAW_ESCAPES = ["%00", "%ff", "%c0%af", "%ed%a0%80", "%", "%zz", "%2e%2e", "+", "%20", "&", "="];

/** A query-string or path value: schema values, hostile text, and raw escapes that do not decode. */
export function urlValue(schema: JsonSchema | undefined, extra: readonly string[] = []): fc.Arbitrary<string> {
  const integers = ["1", "2", "0", "-1", "20", "100", "101", "1.5", "1e3", "0x10", "+1", " 1", "١", ...NUMBER_TOKENS];
  return fc.oneof(
    {
      weight: 3,
      arbitrary: (schema ? schemaValueText(schema) : anyJsonText).map((json) => percentEncode(unquote(json))),
    },
    { weight: 2, arbitrary: fc.constantFrom(...integers, ...extra).map(percentEncode) },
    { weight: 2, arbitrary: hostileString.map(percentEncode) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom(...RAW_ESCAPES, "a", "1"), { minLength: 1, maxLength: 6 })
        .map((parts) => parts.join("")),
    },
  );
}

function unquote(json: string): string {
  if (!json.startsWith('"')) return json;
  try {
    return JSON.parse(json) as string;
  } catch {
    return json;
  }
}

/** Header values Node's HTTP parser lets through: tab, visible ASCII, space, and obs-text (read as latin1). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({
    unit: fc.constantFrom("\t", " ", "a", "Z", "0", ";", ",", "=", '"', "\\", "\u0080", "\u00e9", "\u00ff"),
    maxLength: 20,
  }),
  fc.constantFrom(1, 100, 511, 512, 513, 600, 4000).map((n) => "u".repeat(n)),
  fc.constantFrom("", "null", "Mozilla/5.0", "\u00ff\u00fe", "() { :; }; echo"),
);
