import type {
  AdminAddTask,
  AdminAddUser,
  AdminChangeTask,
  AdminChangeUser,
  AdminDeleteTasks,
  AdminDeleteUsers,
  AdminGetUser,
  AdminRevokeLogins,
  AdminSetPassword,
  ChangePassword,
  GetTask,
  GetTaskWithOwner,
  ListAllTasks,
  ListLogins,
  ListUsers,
  ObjectHistory,
  RecentActions,
} from "@tasks/domain";

/** The use cases the admin's pages call: the same domain the API and taskctl call, nothing of its own. */
export interface AdminUseCases {
  readonly listAllTasks: ListAllTasks;
  readonly getTask: GetTask;
  readonly getTaskWithOwner: GetTaskWithOwner;
  readonly adminAddTask: AdminAddTask;
  readonly adminChangeTask: AdminChangeTask;
  readonly adminDeleteTasks: AdminDeleteTasks;
  readonly listUsers: ListUsers;
  readonly adminGetUser: AdminGetUser;
  readonly adminAddUser: AdminAddUser;
  readonly adminChangeUser: AdminChangeUser;
  readonly adminSetPassword: AdminSetPassword;
  readonly adminRevokeLogins: AdminRevokeLogins;
  readonly adminDeleteUsers: AdminDeleteUsers;
  readonly listLogins: ListLogins;
  readonly changePassword: ChangePassword;
  readonly objectHistory: ObjectHistory;
  readonly recentActions: RecentActions;
}
