import { FIELD_MESSAGES, ValidationError } from "@tasks/domain";
import type { FastifySchemaCompiler } from "fastify";
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";
import type { TValidationError } from "typebox/error";

/** The field name for a problem with the body as a whole, as Django REST Framework names it. */
export const NON_FIELD_ERRORS = "non_field_errors";

const INTEGER = /^[+-]?\d+$/;

/**
 * Validates each request part with TypeBox and reports failures as the domain's
 * ValidationError, with per-field messages worded as Django REST Framework words them.
 * Bodies are never coerced (`"title": 5` is not a string); in the query string and the
 * path, a property the schema declares as an integer is converted only when it is
 * written as one (`page=1.5`, `page=0x10` and `page=` stay strings and fail).
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  const integerProperties = httpPart === "body" ? [] : integerPropertiesOf(schema);
  return (input: unknown) => {
    const value = integerProperties.length > 0 ? convertIntegers(input, integerProperties) : input;
    if (validator.Check(value)) return { value };
    return { error: new ValidationError(fieldErrors([...validator.Errors(value)], value)) };
  };
};

function integerPropertiesOf(schema: TSchema): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  return Object.keys(properties).filter((name) => properties[name]?.type === "integer");
}

function convertIntegers(input: unknown, names: readonly string[]): unknown {
  if (typeof input !== "object" || input === null) return input;
  const converted: Record<string, unknown> = { ...input };
  for (const name of names) {
    const raw = converted[name];
    if (typeof raw === "string" && INTEGER.test(raw)) converted[name] = Number(raw);
  }
  return converted;
}

function fieldErrors(errors: readonly TValidationError[], value: unknown): Record<string, string[]> {
  // A Map, not an object: a client's member may be named `constructor` or `__proto__`.
  const result = new Map<string, string[]>();
  const add = (field: string, message: string) => {
    const messages = result.get(field) ?? [];
    if (!messages.includes(message)) result.set(field, [...messages, message]);
  };
  for (const error of errors) {
    const field = fieldName(error.instancePath);
    switch (error.keyword) {
      case "required":
        for (const name of error.params.requiredProperties)
          add(fieldName(`${error.instancePath}/${name}`), FIELD_MESSAGES.required);
        break;
      case "additionalProperties":
        for (const name of error.params.additionalProperties)
          add(fieldName(`${error.instancePath}/${name}`), "Unknown field: it cannot be written.");
        break;
      case "boolean":
        // The per-member echo of an additionalProperties failure, already reported above.
        break;
      case "type":
        add(field, typeMessage(error.params.type, valueAt(value, error.instancePath), error.instancePath === ""));
        break;
      case "enum":
        add(
          field,
          FIELD_MESSAGES.invalidChoice(
            choiceText(valueAt(value, error.instancePath)),
            error.params.allowedValues.map(String),
          ),
        );
        break;
      case "minLength":
        add(field, error.params.limit === 1 ? FIELD_MESSAGES.blank : FIELD_MESSAGES.tooShort(error.params.limit));
        break;
      case "maxLength":
        add(field, FIELD_MESSAGES.tooLong(error.params.limit));
        break;
      case "minimum":
        add(field, FIELD_MESSAGES.tooSmall(error.params.limit));
        break;
      case "maximum":
        add(field, FIELD_MESSAGES.tooLarge(error.params.limit));
        break;
      default:
        add(field, "This value is not valid.");
    }
  }
  return Object.fromEntries(result);
}

/**
 * The value a choice message echoes: a scalar as it is, a list or a dictionary by its
 * kind, since String() of a deeply nested list recurses past the stack.
 */
function choiceText(value: unknown): string {
  if (Array.isArray(value)) return "[...]";
  if (typeof value === "object" && value !== null) return "{...}";
  return String(value);
}

function typeMessage(expected: string | string[], actual: unknown, isRoot: boolean): string {
  // Fastify hands a missing body to the validator as null.
  if (actual === null || actual === undefined) return isRoot ? FIELD_MESSAGES.noData : FIELD_MESSAGES.null;
  switch (Array.isArray(expected) ? expected[0] : expected) {
    case "object":
      return `Invalid data. Expected a dictionary, but got ${Array.isArray(actual) ? "list" : typeof actual}.`;
    case "string":
      return "Not a valid string.";
    case "integer":
      return "A valid integer is required.";
    case "number":
      return "A valid number is required.";
    case "boolean":
      return "Must be a valid boolean.";
    case "array":
      return `Expected a list of items but got type "${typeof actual}".`;
    default:
      return "This value is not valid.";
  }
}

/** `/title` is `title`; the body itself is `non_field_errors`; nested members are dotted. */
function fieldName(instancePath: string): string {
  if (instancePath === "") return NON_FIELD_ERRORS;
  return instancePath.slice(1).split("/").map(unescapePointer).join(".");
}

function valueAt(value: unknown, instancePath: string): unknown {
  if (instancePath === "") return value;
  let current = value;
  for (const segment of instancePath.slice(1).split("/").map(unescapePointer)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function unescapePointer(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}
