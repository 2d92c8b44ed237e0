import type { IdGenerator } from "@tasks/domain";
import { v7 } from "uuid";

/** UUIDv7: unique, and ordered by creation time, which keeps primary-key indexes compact. */
export class UuidV7IdGenerator implements IdGenerator {
  newId(): string {
    return v7();
  }
}
