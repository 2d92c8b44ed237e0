import { ValidationError } from "../errors.ts";

/** Runs `check`, adding the field errors it throws to `errors`; other errors go on up. */
export function collectErrors<T>(errors: Record<string, readonly string[]>, check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    Object.assign(errors, error.errors);
    return undefined;
  }
}

/** Throws the collected field errors, if there are any. */
export function throwCollected(errors: Record<string, readonly string[]>): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}
