/**
 * Django REST Framework's words for what is wrong with a field, written once: the
 * domain's rules use them, and so does the HTTP validator for what it refuses before a
 * use case runs, so that a client reads the same sentence whichever layer refused.
 */
export const FIELD_MESSAGES = {
  required: "This field is required.",
  blank: "This field may not be blank.",
  null: "This field may not be null.",
  noData: "No data provided.",
  nullCharacters: "Null characters are not allowed.",
  loneSurrogate: "Enter valid Unicode text: this contains a lone surrogate.",
  tooLong: (limit: number) => `Ensure this field has no more than ${limit} characters.`,
  tooShort: (limit: number) => `Ensure this field has at least ${limit} characters.`,
  tooSmall: (limit: number | bigint) => `Ensure this value is greater than or equal to ${limit}.`,
  tooLarge: (limit: number | bigint) => `Ensure this value is less than or equal to ${limit}.`,
  invalidChoice: (value: string, choices: readonly string[]) =>
    `"${value}" is not a valid choice. Choose among: ${choices.join(", ")}.`,
} as const;
