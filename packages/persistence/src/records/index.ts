import { SessionRecord } from "./session.record.ts";
import { TaskRecord } from "./task.record.ts";
import { UserRecord } from "./user.record.ts";

/** Every table this package maps, for the ORM's discovery and the migrator's schema diff. */
export const RECORDS = [UserRecord, TaskRecord, SessionRecord];
