import { Migration } from "@mikro-orm/migrations";

/**
 * Per-owner, per-status task counts, kept by statement triggers on `tasks` in the
 * statement that writes the tasks, and filled from the tasks already there.
 *
 * Each trigger adds the statement's net change per (owner, status) with one upsert whose
 * rows come sorted by owner and status, so concurrent writers lock count rows in one
 * order and cannot deadlock; a row brought to zero is deleted. An update that moves no
 * task to another status or owner nets to nothing and writes nothing. (PostgreSQL allows
 * no column list on a trigger with transition tables, so it fires on every update.)
 *
 * Creating the triggers locks `tasks` against writes until this migration commits, so no
 * write falls between the triggers and the fill.
 */
export class Migration20261127131801_task_counts extends Migration {
  override name = "Migration20261127131801_task_counts";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "task_counts" ("owner_id" uuid not null, "status" "task_status" not null, "count" int not null, primary key ("owner_id", "status"));`,
    );
    this.addSql(`create function "task_counts_apply"() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into task_counts as kept (owner_id, status, count)
      select owner_id, status, count(*)::int from new_tasks group by owner_id, status order by owner_id, status
      on conflict (owner_id, status) do update set count = kept.count + excluded.count;
  elsif tg_op = 'UPDATE' then
    insert into task_counts as kept (owner_id, status, count)
      select owner_id, status, sum(change)::int
        from (select owner_id, status, 1 as change from new_tasks
              union all select owner_id, status, -1 from old_tasks) as changes
        group by owner_id, status having sum(change) <> 0 order by owner_id, status
      on conflict (owner_id, status) do update set count = kept.count + excluded.count;
    delete from task_counts as kept using old_tasks
      where kept.owner_id = old_tasks.owner_id and kept.status = old_tasks.status and kept.count = 0;
  elsif tg_op = 'TRUNCATE' then
    delete from task_counts;
  else
    insert into task_counts as kept (owner_id, status, count)
      select owner_id, status, -count(*)::int from old_tasks group by owner_id, status order by owner_id, status
      on conflict (owner_id, status) do update set count = kept.count + excluded.count;
    delete from task_counts as kept using old_tasks
      where kept.owner_id = old_tasks.owner_id and kept.status = old_tasks.status and kept.count = 0;
  end if;
  return null;
end
$$;`);
    this.addSql(
      `create trigger "tasks_count_insert" after insert on "tasks" referencing new table as new_tasks for each statement execute function task_counts_apply();`,
    );
    this.addSql(
      `create trigger "tasks_count_update" after update on "tasks" referencing old table as old_tasks new table as new_tasks for each statement execute function task_counts_apply();`,
    );
    this.addSql(
      `create trigger "tasks_count_delete" after delete on "tasks" referencing old table as old_tasks for each statement execute function task_counts_apply();`,
    );
    this.addSql(
      `create trigger "tasks_count_truncate" after truncate on "tasks" for each statement execute function task_counts_apply();`,
    );
    this.addSql(
      `insert into "task_counts" ("owner_id", "status", "count") select "owner_id", "status", count(*)::int from "tasks" group by "owner_id", "status";`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "tasks_count_truncate" on "tasks";`);
    this.addSql(`drop trigger "tasks_count_delete" on "tasks";`);
    this.addSql(`drop trigger "tasks_count_update" on "tasks";`);
    this.addSql(`drop trigger "tasks_count_insert" on "tasks";`);
    this.addSql(`drop function "task_counts_apply"();`);
    this.addSql(`drop table "task_counts";`);
  }
}
