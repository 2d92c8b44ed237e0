import {
  CreateTask,
  DEFAULT_OPERATOR_TASK_ORDERING,
  DomainError,
  GetTask,
  ListTasks,
  type OperatorTaskOrdering,
  type PageRequest,
  type Task,
  type TaskFilter,
  type TaskPage,
  type TaskPageRequest,
  type TaskRepository,
  type TaskUpdate,
  taskStatusRank,
  userActor,
} from "@tasks/domain";

const titles = new Intl.Collator("und");
const sortKeys = {
  created_at: (a: Task, b: Task) => a.createdAt.getTime() - b.createdAt.getTime(),
  updated_at: (a: Task, b: Task) => a.updatedAt.getTime() - b.updatedAt.getTime(),
  status: (a: Task, b: Task) => taskStatusRank(a.status) - taskStatusRank(b.status),
  title: (a: Task, b: Task) => titles.compare(a.title, b.title),
  id: (a: Task, b: Task) => compareIds(a.id, b.id),
  owner: (a: Task, b: Task) => compareIds(a.ownerId, b.ownerId),
};

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ordering's terms, then the port's tie-break: id, in the direction of the last term. */
function sorted(tasks: Task[], ordering: OperatorTaskOrdering): Task[] {
  const sign = (direction: "asc" | "desc") => (direction === "desc" ? -1 : 1);
  return tasks.sort((a, b) => {
    for (const { field, direction } of ordering) {
      const order = sortKeys[field](a, b);
      if (order !== 0) return sign(direction) * order;
    }
    return sign(ordering.at(-1)?.direction ?? "asc") * compareIds(a.id, b.id);
  });
}

/** A TaskRepository over a Map: what the port's doc comments promise, in a few lines. */
export class MapTaskRepository implements TaskRepository {
  private readonly tasks = new Map<string, Task>();

  async add(task: Task) {
    this.tasks.set(task.id, task);
  }
  async findById(id: string) {
    return this.tasks.get(id) ?? null;
  }
  async update(id: string, fields: TaskUpdate, updatedAt: Date, ownerId?: string) {
    const task = this.tasks.get(id);
    if (task === undefined || (ownerId !== undefined && task.ownerId !== ownerId)) return null;
    // A field given as undefined is not written, as an SQL UPDATE leaves out such a column.
    const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const written = task.withFields(given, updatedAt);
    this.tasks.set(id, written);
    return written;
  }
  async delete(id: string, ownerId?: string) {
    const task = this.tasks.get(id);
    return task !== undefined && (ownerId === undefined || task.ownerId === ownerId) && this.tasks.delete(id);
  }

  async listForOwner(ownerId: string, { page, pageSize, ordering, statuses }: TaskPageRequest): Promise<TaskPage> {
    const matching = sorted(
      [...this.tasks.values()].filter(
        (task) => task.ownerId === ownerId && (statuses.length === 0 || statuses.includes(task.status)),
      ),
      ordering,
    );
    return { items: matching.slice((page - 1) * pageSize, page * pageSize), count: matching.length };
  }

  async list(
    { ownerId, statuses = [], search }: TaskFilter,
    { page, pageSize }: PageRequest,
    ordering = DEFAULT_OPERATOR_TASK_ORDERING,
  ): Promise<TaskPage> {
    const text = search?.toLowerCase();
    const matching = sorted(
      [...this.tasks.values()]
        .filter((task) => ownerId === undefined || task.ownerId === ownerId)
        .filter((task) => statuses.length === 0 || statuses.includes(task.status))
        .filter((task) => !text || [task.title, task.description].some((s) => s.toLowerCase().includes(text))),
      ordering,
    );
    return { items: matching.slice((page - 1) * pageSize, page * pageSize), count: matching.length };
  }
}

/** The use cases on that repository: alice creates and lists a task; bob may not see it. */
export async function tryIt(): Promise<{ count: number; title: string | undefined; bobGets: string }> {
  const tasks = new MapTaskRepository();
  const clock = { now: () => new Date() };
  let next = 0;
  const ids = { newId: () => `00000000-0000-7000-8000-${(++next).toString(16).padStart(12, "0")}` };

  const alice = userActor("alice");
  const task = await new CreateTask({ tasks, clock, ids }).execute({
    actor: alice,
    changes: { title: "  Write the README " },
  });
  const page = await new ListTasks({ tasks }).execute({ actor: alice, ordering: "-status,title", status: "todo" });
  let bobGets = "the task";
  try {
    await new GetTask({ tasks }).execute({ actor: userActor("bob"), id: task.id });
  } catch (error) {
    if (error instanceof DomainError) bobGets = error.code;
  }
  return { count: page.count, title: page.results[0]?.title, bobGets };
}
