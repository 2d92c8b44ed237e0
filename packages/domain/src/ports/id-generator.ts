/** New unique ids for entities and tokens (UUIDv7 is a good choice: unique and time-ordered). */
export interface IdGenerator {
  newId(): string;
}
