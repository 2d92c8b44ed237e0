import type { IdGenerator } from "../index.ts";

/** UUID-shaped ids whose string order is the order they were made in, like UUIDv7. */
export class SequentialIdGenerator implements IdGenerator {
  readonly issued: string[] = [];

  newId(): string {
    const id = `00000000-0000-7000-8000-${(this.issued.length + 1).toString(16).padStart(12, "0")}`;
    this.issued.push(id);
    return id;
  }
}
