import {
  ActivateUser,
  type Clock,
  CreateTask,
  CreateUser,
  DeactivateUser,
  DeleteTask,
  DeleteUser,
  GetTaskWithOwner,
  GetUser,
  type IdGenerator,
  ListAllTasks,
  ListLogins,
  ListUsers,
  type PasswordHasher,
  RevokeLogins,
  type SecurityEvents,
  type SessionRepository,
  SetPassword,
  type TaskRepository,
  type UnitOfWork,
  UpdateTask,
  type UserRepository,
} from "@tasks/domain";

/** The adapters taskctl's use cases run on. */
export interface Ports {
  readonly users: UserRepository;
  readonly tasks: TaskRepository;
  readonly sessions: SessionRepository;
  readonly unitOfWork: UnitOfWork;
  readonly events: SecurityEvents;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly hasher: PasswordHasher;
}

/**
 * The domain's use cases that taskctl's commands call, the classes the API calls too. The
 * commands act as the `OPERATOR`, who sees every task, as Django's admin site does.
 */
export interface UseCases {
  readonly createUser: CreateUser;
  readonly getUser: GetUser;
  readonly listUsers: ListUsers;
  readonly setPassword: SetPassword;
  readonly deactivateUser: DeactivateUser;
  readonly activateUser: ActivateUser;
  readonly deleteUser: DeleteUser;
  readonly listLogins: ListLogins;
  readonly revokeLogins: RevokeLogins;
  readonly listAllTasks: ListAllTasks;
  readonly getTaskWithOwner: GetTaskWithOwner;
  readonly createTask: CreateTask;
  readonly updateTask: UpdateTask;
  readonly deleteTask: DeleteTask;
}

/**
 * The use cases on the given adapters: the real ones in `openContainer`, the domain's fakes
 * in the in-process tests. Apart from the container, so that those tests never load the
 * database adapters.
 */
export function createUseCases(ports: Ports): UseCases {
  const { users, tasks, sessions, unitOfWork, clock, ids, hasher, events } = ports;
  return {
    createUser: new CreateUser({ users, hasher, clock, ids }),
    getUser: new GetUser({ users }),
    listUsers: new ListUsers({ users }),
    setPassword: new SetPassword({ users, sessions, hasher, clock, unitOfWork, events }),
    deactivateUser: new DeactivateUser({ users, sessions, clock, unitOfWork, events }),
    activateUser: new ActivateUser({ users }),
    deleteUser: new DeleteUser({ users }),
    listLogins: new ListLogins({ sessions, clock }),
    revokeLogins: new RevokeLogins({ sessions, clock, events }),
    listAllTasks: new ListAllTasks({ tasks, users }),
    getTaskWithOwner: new GetTaskWithOwner({ tasks, users }),
    createTask: new CreateTask({ tasks, clock, ids }),
    updateTask: new UpdateTask({ tasks, clock }),
    deleteTask: new DeleteTask({ tasks }),
  };
}
