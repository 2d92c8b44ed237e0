import {
  ActivateUser,
  CreateTask,
  CreateUser,
  type CreateUserInput,
  DeactivateUser,
  DeleteTask,
  DeleteUser,
  GetTask,
  GetUser,
  ListAllTasks,
  ListUsers,
  OPERATOR,
  SetPassword,
  type Task,
  type TaskChanges,
  type TaskWithOwner,
  UpdateTask,
  type User,
} from "@tasks/domain";
import { openDatabase } from "@tasks/persistence";
import { type DatabaseConfig, SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import { Argon2PasswordHasher } from "@tasks/security";

/**
 * Everything taskctl does to the database, each call one use case on the repositories.
 * Task operations act as the operator, who sees every task, as Django's admin site does.
 */
export interface Operations {
  migrate(): Promise<{ applied: readonly string[] }>;
  migrationStatus(): Promise<{ applied: readonly string[]; pending: readonly string[] }>;
  createUser(input: CreateUserInput): Promise<User>;
  getUser(username: string): Promise<User>;
  listUsers(): Promise<User[]>;
  setPassword(username: string, password: string): Promise<User>;
  deactivateUser(username: string): Promise<User>;
  activateUser(username: string): Promise<User>;
  deleteUser(username: string): Promise<User>;
  listTasks(filter: { username?: string; status?: string; search?: string }): Promise<TaskWithOwner[]>;
  getTask(id: string): Promise<Task>;
  /** The task with its owner's username (the owner's id if the owner is gone). */
  withOwner(task: Task): Promise<TaskWithOwner>;
  createTask(input: { ownerId: string } & TaskChanges): Promise<Task>;
  updateTask(id: string, changes: TaskChanges): Promise<Task>;
  deleteTask(id: string): Promise<void>;
}

export interface Container {
  readonly operations: Operations;
  close(): Promise<void>;
}

/**
 * The composition root: configuration to adapters to use cases. On the embedded database
 * while the API server runs, `openDatabase` reaches the server's database through its
 * socket in DATA_DIR; taskctl never serves the database itself.
 */
export async function openContainer(config: DatabaseConfig): Promise<Container> {
  const database = await openDatabase({
    url: config.url,
    dataDir: config.dataDir,
    // Small: a command runs one operation at a time.
    poolSize: 2,
    connectTimeoutMs: config.connectTimeoutMs,
    statementTimeoutMs: config.statementTimeoutMs,
  });
  const { users, tasks, sessions, unitOfWork } = database;
  const clock = new SystemClock();
  const ids = new UuidV7IdGenerator();
  const hasher = new Argon2PasswordHasher();

  const createUser = new CreateUser({ users, hasher, clock, ids });
  const getUser = new GetUser({ users });
  const listUsers = new ListUsers({ users });
  // taskctl says what it did on its output; the API server is where security events are logged.
  const events = { record: () => {} };
  const setPassword = new SetPassword({ users, sessions, hasher, clock, unitOfWork, events });
  const deactivateUser = new DeactivateUser({ users, sessions, clock, unitOfWork, events });
  const activateUser = new ActivateUser({ users });
  const deleteUser = new DeleteUser({ users });
  const listAllTasks = new ListAllTasks({ tasks, users });
  const getTask = new GetTask({ tasks });
  const createTask = new CreateTask({ tasks, clock, ids });
  const updateTask = new UpdateTask({ tasks, clock });
  const deleteTask = new DeleteTask({ tasks });

  const operations: Operations = {
    migrate: () => database.migrate(),
    migrationStatus: () => database.migrationStatus(),
    createUser: (input) => createUser.execute(input),
    getUser: (username) => getUser.execute({ username }),
    listUsers: () => listUsers.execute(),
    setPassword: (username, password) => setPassword.execute({ username, password }),
    deactivateUser: (username) => deactivateUser.execute({ username }),
    activateUser: (username) => activateUser.execute({ username }),
    deleteUser: (username) => deleteUser.execute({ username }),
    listTasks: (filter) => listAllTasks.execute({ actor: OPERATOR, ...filter }),
    getTask: (id) => getTask.execute({ actor: OPERATOR, id }),
    withOwner: async (task) => ({
      task,
      ownerUsername: (await users.findById(task.ownerId))?.username ?? task.ownerId,
    }),
    createTask: ({ ownerId, ...changes }) => createTask.execute({ actor: OPERATOR, ownerId, changes }),
    updateTask: (id, changes) => updateTask.execute({ actor: OPERATOR, id, changes }),
    deleteTask: (id) => deleteTask.execute({ actor: OPERATOR, id }),
  };
  return { operations, close: () => database.close() };
}
