import type { FieldErrors } from "@tasks/domain";

/** A form body's fields as strings (a repeated field counts once, its last value); a missing field is "". */
export function formFields<Name extends string>(body: unknown, names: readonly Name[]): Record<Name, string> {
  const record = (body ?? {}) as Record<string, unknown>;
  const fields = {} as Record<Name, string>;
  for (const name of names) {
    const value = record[name];
    fields[name] = Array.isArray(value) ? String(value.at(-1) ?? "") : typeof value === "string" ? value : "";
  }
  return fields;
}

/** Every value of a repeated field (the change list's checkboxes). */
export function formList(body: unknown, name: string): string[] {
  const value = ((body ?? {}) as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return typeof value === "string" ? [value] : [];
}

/** A checkbox is on when the browser sends it at all. */
export function checked(body: unknown, name: string): boolean {
  return ((body ?? {}) as Record<string, unknown>)[name] !== undefined;
}

/** One field of a form as templates/change-form.eta draws it. */
export interface FormField {
  readonly name: string;
  readonly label: string;
  readonly kind: "text" | "email" | "password" | "textarea" | "select" | "checkbox";
  readonly value: string;
  readonly checked?: boolean;
  readonly choices?: readonly { readonly value: string; readonly label: string }[];
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly help?: string;
  readonly errors: readonly string[];
  readonly autocomplete?: string;
}

/**
 * Splits a use case's field errors into those of the form's fields (shown next to each)
 * and the rest (shown above the form), so that no error goes unseen.
 */
export function splitErrors(
  errors: FieldErrors,
  fieldNames: readonly string[],
): { byField: Record<string, readonly string[]>; other: string[] } {
  const byField: Record<string, readonly string[]> = {};
  const other: string[] = [];
  for (const [name, messages] of Object.entries(errors)) {
    if (fieldNames.includes(name)) byField[name] = messages;
    else other.push(...messages);
  }
  return { byField, other };
}
