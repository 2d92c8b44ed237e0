import {
  DEFAULT_USER_ORDERING,
  EMAIL_MAX_LENGTH,
  OPERATOR,
  parseOrdering,
  staffMember,
  USER_ORDERING_FIELDS,
  USERNAME_MAX_LENGTH,
  type User,
  UserNotFound,
  ValidationError,
} from "@tasks/domain";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdminUseCases } from "./admin-use-cases.ts";
import {
  type Column,
  changeListPage,
  filter,
  listParams,
  listUrl,
  pageNumber,
  selectedForDeletion,
} from "./change-list.ts";
import { nullIfNotFound } from "./errors.ts";
import { checked, type FormField, formFields, splitErrors } from "./forms.ts";
import { countOf, formatTime, yesNo } from "./labels.ts";
import { TASKS_PATH, USERS_PATH } from "./paths.ts";
import type { AdminPages } from "./render.ts";
import { taskUrl } from "./task-pages.ts";

const USERS_CRUMB = { label: "Users", href: USERS_PATH };

export const userUrl = (id: string, page: "change" | "delete" | "history" | "password" | "revoke-logins" = "change") =>
  `${USERS_PATH}${encodeURIComponent(id)}/${page}/`;

const COLUMNS: readonly Column[] = [
  { label: "Username", field: "username" },
  { label: "Email address", field: "email" },
  { label: "Staff status", field: "is_staff" },
  { label: "Active", field: "is_active" },
  { label: "Date joined", field: "date_joined" },
  { label: "Last login", field: "last_login" },
];
const YES_NO = [
  { value: "1", label: "Yes" },
  { value: "0", label: "No" },
];
/** How many of a user's tasks their change and delete pages name; the rest are counted. */
const TASKS_SHOWN = 10;

type Deps = { readonly pages: AdminPages; readonly useCases: AdminUseCases };

/** Users in the web admin: the change list, add, change, password, logins, delete and history pages. */
export function userPages(admin: FastifyInstance, deps: Deps): void {
  const { pages, useCases } = deps;

  /** The user of the page's id, if the signed-in staff member may manage them; else the 403 page. */
  const manageable = (request: FastifyRequest<{ Params: { id: string } }>): Promise<User> =>
    useCases.adminGetUser.execute({ staff: staffMember(request.user), id: request.params.id });

  admin.get("/auth/user/", async (request, reply) => {
    const params = listParams(request.query, ["q", "o", "p", "is_staff", "is_active"]);
    const ordering = parseOrdering(params.o, USER_ORDERING_FIELDS, DEFAULT_USER_ORDERING);
    const page = await useCases.listUsers.execute({
      isStaff: flag(params.is_staff),
      isActive: flag(params.is_active),
      search: params.q,
      ordering: params.o,
      page: pageNumber(params.p),
    });
    const total = params.q ? (await useCases.listUsers.execute({ limit: 1 })).count : page.count;
    return pages.render(
      request,
      reply,
      "change-list",
      changeListPage({
        path: USERS_PATH,
        params,
        filterNames: ["is_staff", "is_active"],
        singular: "user",
        plural: "users",
        page,
        total,
        columns: COLUMNS,
        ordering,
        filters: [
          filter(USERS_PATH, params, "By staff status", "is_staff", YES_NO),
          filter(USERS_PATH, params, "By active", "is_active", YES_NO),
        ],
        rows: page.results.map((user) => ({
          id: user.id,
          name: user.username,
          cells: [
            { field: "username", text: user.username, href: userUrl(user.id) },
            { field: "email", text: user.email },
            { field: "is_staff", text: yesNo(user.isStaff) },
            { field: "is_active", text: yesNo(user.isActive) },
            { field: "date_joined", text: formatTime(user.dateJoined) },
            { field: "last_login", text: formatTime(user.lastLogin) },
          ],
        })),
      }),
    );
  });

  admin.post("/auth/user/", async (request, reply) => {
    const selected = selectedForDeletion(request, reply, pages, USERS_PATH);
    if (selected === null) return reply;
    const { ids } = selected;
    const staff = staffMember(request.user);
    if (selected.confirmed) {
      const deleted = await useCases.adminDeleteUsers.execute({ staff, ids });
      pages.flash(request, reply, "success", `Successfully deleted ${countOf(deleted.length, "user", "users")}.`);
      return reply.redirect(USERS_PATH, 303);
    }
    const users = (
      await Promise.all(
        [...new Set(ids)].map((id) => useCases.adminGetUser.execute({ staff, id }).catch(nullIfNotFound)),
      )
    ).filter((user): user is User => user !== null);
    return confirmDeletion(request, reply, deps, users, {
      action: USERS_PATH,
      hidden: [
        { name: "action", value: "delete_selected" },
        ...users.map((user) => ({ name: "_selected_action", value: user.id })),
      ],
      breadcrumbs: [USERS_CRUMB, { label: "Delete multiple objects" }],
    });
  });

  admin.get("/auth/user/add/", async (request, reply) =>
    renderAddForm(request, reply, pages, { username: "", email: "", isStaff: false, isSuperuser: false }),
  );

  admin.post("/auth/user/add/", async (request, reply) => {
    const form = formFields(request.body, ["username", "email", "password", "password_confirmation"]);
    const staff = staffMember(request.user);
    const flags = {
      isStaff: checked(request.body, "is_staff"),
      isSuperuser: staff.isSuperuser && checked(request.body, "is_superuser"),
    };
    try {
      const user = await useCases.adminAddUser.execute({
        staff,
        ...form,
        passwordConfirmation: form.password_confirmation,
        ...flags,
      });
      pages.flash(
        request,
        reply,
        "success",
        `The user “${user.username}” was added successfully. You may edit it again below.`,
      );
      return reply.redirect(userUrl(user.id), 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderAddForm(request, reply, pages, { ...form, ...flags }, error);
    }
  });

  admin.get<{ Params: { id: string } }>("/auth/user/:id/", async (request, reply) =>
    reply.redirect(userUrl(request.params.id), 302),
  );

  admin.get<{ Params: { id: string } }>("/auth/user/:id/change/", async (request, reply) => {
    const user = await manageable(request).catch(nullIfNotFound);
    if (user === null)
      return pages.goneToIndex(
        request,
        reply,
        `User with ID “${request.params.id}” doesn’t exist. Perhaps it was deleted?`,
      );
    return renderChangeForm(request, reply, deps, user, user);
  });

  admin.post<{ Params: { id: string } }>("/auth/user/:id/change/", async (request, reply) => {
    const user = await manageable(request);
    const staff = staffMember(request.user);
    const form = formFields(request.body, ["username", "email"]);
    const flags = {
      isStaff: checked(request.body, "is_staff"),
      isActive: checked(request.body, "is_active"),
      isSuperuser: staff.isSuperuser ? checked(request.body, "is_superuser") : undefined,
    };
    try {
      const changed = await useCases.adminChangeUser.execute({ staff, id: user.id, ...form, ...flags });
      pages.flash(request, reply, "success", `The user “${changed.username}” was changed successfully.`);
      return reply.redirect(USERS_PATH, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const shown = {
        ...form,
        isStaff: flags.isStaff,
        isActive: flags.isActive,
        isSuperuser: flags.isSuperuser ?? user.isSuperuser,
      };
      return renderChangeForm(request, reply, deps, user, shown, error);
    }
  });

  admin.get<{ Params: { id: string } }>("/auth/user/:id/password/", async (request, reply) =>
    renderPasswordForm(request, reply, pages, await manageable(request)),
  );

  admin.post<{ Params: { id: string } }>("/auth/user/:id/password/", async (request, reply) => {
    const user = await manageable(request);
    const form = formFields(request.body, ["password", "password_confirmation"]);
    try {
      await useCases.adminSetPassword.execute({
        staff: staffMember(request.user),
        id: user.id,
        password: form.password,
        passwordConfirmation: form.password_confirmation,
        sessionId: request.session.id,
      });
      pages.flash(request, reply, "success", "Password changed successfully.");
      return reply.redirect(userUrl(user.id), 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderPasswordForm(request, reply, pages, user, error);
    }
  });

  admin.post<{ Params: { id: string } }>("/auth/user/:id/revoke-logins/", async (request, reply) => {
    const user = await manageable(request);
    const revoked = await useCases.adminRevokeLogins.execute({ staff: staffMember(request.user), id: user.id });
    pages.flash(request, reply, "success", `Revoked ${countOf(revoked, "login", "logins")} of “${user.username}”.`);
    return reply.redirect(userUrl(user.id), 303);
  });

  admin.get<{ Params: { id: string } }>("/auth/user/:id/delete/", async (request, reply) => {
    const user = await manageable(request);
    return confirmDeletion(request, reply, deps, [user], {
      action: userUrl(user.id, "delete"),
      hidden: [],
      breadcrumbs: [USERS_CRUMB, { label: user.username, href: userUrl(user.id) }, { label: "Delete" }],
    });
  });

  admin.post<{ Params: { id: string } }>("/auth/user/:id/delete/", async (request, reply) => {
    const [user] = await useCases.adminDeleteUsers.execute({
      staff: staffMember(request.user),
      ids: [request.params.id],
    });
    if (user === undefined) throw new UserNotFound(request.params.id);
    pages.flash(request, reply, "success", `The user “${user.username}” was deleted successfully.`);
    return reply.redirect(USERS_PATH, 303);
  });

  admin.get<{ Params: { id: string } }>("/auth/user/:id/history/", async (request, reply) => {
    const entries = await useCases.objectHistory.execute({ objectType: "user", objectId: request.params.id });
    const user = await manageable(request).catch(nullIfNotFound);
    const name = user?.username ?? entries.at(-1)?.objectRepr ?? request.params.id;
    return pages.render(request, reply, "history", {
      title: `Change history: ${name}`,
      breadcrumbs: [
        USERS_CRUMB,
        user ? { label: name, href: userUrl(user.id) } : { label: name },
        { label: "History" },
      ],
      entries,
      formatTime,
    });
  });
}

/** `is_staff=1` / `0` as Django's boolean filters write them; anything else filters nothing. */
function flag(raw: string | undefined): boolean | undefined {
  return raw === "1" ? true : raw === "0" ? false : undefined;
}

async function confirmDeletion(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Deps,
  users: readonly User[],
  form: { action: string; hidden: { name: string; value: string }[]; breadcrumbs: { label: string; href?: string }[] },
): Promise<FastifyReply> {
  const objects = await Promise.all(
    users.map(async (user) => {
      const tasks = await deps.useCases.listAllTasks.execute({
        actor: OPERATOR,
        username: user.username,
        limit: TASKS_SHOWN,
      });
      return {
        kind: "User",
        label: user.username,
        href: userUrl(user.id),
        related: tasks.results.map(({ task }) => ({ kind: "Task", label: task.title, href: taskUrl(task.id) })),
        more: tasks.count - tasks.results.length,
        taskCount: tasks.count,
      };
    }),
  );
  const one = users.length === 1 && form.hidden.length === 0;
  return deps.pages.render(request, reply, "delete-confirmation", {
    title: "Are you sure?",
    breadcrumbs: form.breadcrumbs,
    intro: one
      ? `Are you sure you want to delete the user “${users[0]?.username}”? All of the following related items will be deleted:`
      : "Are you sure you want to delete the selected users? All of the following objects and their related items will be deleted:",
    summary: [`Users: ${users.length}`, `Tasks: ${objects.reduce((sum, object) => sum + object.taskCount, 0)}`],
    objects,
    action: form.action,
    hidden: form.hidden,
    backUrl: one && users[0] ? userUrl(users[0].id) : USERS_PATH,
  });
}

function renderAddForm(
  request: FastifyRequest,
  reply: FastifyReply,
  pages: AdminPages,
  form: { username: string; email: string; isStaff: boolean; isSuperuser: boolean },
  error?: ValidationError,
): Promise<FastifyReply> {
  const { byField, other } = splitErrors(error?.errors ?? {}, [
    "username",
    "email",
    "password",
    "password_confirmation",
  ]);
  const errorsOf = (name: string) => byField[name] ?? [];
  const fields: FormField[] = [
    ...profileFields(form, errorsOf),
    ...passwordFields("Password confirmation", errorsOf),
    staffField(form.isStaff),
    ...superuserField(request, form.isSuperuser),
  ];
  return pages.render(
    request,
    reply,
    "change-form",
    {
      title: "Add user",
      breadcrumbs: [USERS_CRUMB, { label: "Add user" }],
      formId: "user_form",
      action: `${USERS_PATH}add/`,
      fields,
      errorCount: Object.keys(byField).length + other.length,
      otherErrors: other,
      objectTools: [],
      deleteUrl: null,
    },
    error ? 400 : 200,
  );
}

/** The username and email fields, as the add and change forms show them. */
function profileFields(
  form: { username: string; email: string },
  errorsOf: (name: string) => readonly string[],
): FormField[] {
  return [
    {
      name: "username",
      label: "Username",
      kind: "text",
      value: form.username,
      required: true,
      maxLength: USERNAME_MAX_LENGTH,
      help: "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
      errors: errorsOf("username"),
    },
    {
      name: "email",
      label: "Email address",
      kind: "email",
      value: form.email,
      maxLength: EMAIL_MAX_LENGTH,
      errors: errorsOf("email"),
    },
  ];
}

/** A new password typed twice, as the add form and the password form ask for it. */
function passwordFields(confirmationLabel: string, errorsOf: (name: string) => readonly string[]): FormField[] {
  return [
    {
      name: "password",
      label: "Password",
      kind: "password",
      value: "",
      required: true,
      autocomplete: "new-password",
      errors: errorsOf("password"),
    },
    {
      name: "password_confirmation",
      label: confirmationLabel,
      kind: "password",
      value: "",
      required: true,
      autocomplete: "new-password",
      help: "Enter the same password as before, for verification.",
      errors: errorsOf("password_confirmation"),
    },
  ];
}

/** The staff box, as the add and change forms show it. */
function staffField(isStaff: boolean): FormField {
  return {
    name: "is_staff",
    label: "Staff status",
    kind: "checkbox",
    value: "",
    checked: isStaff,
    help: "Designates whether the user can log into this admin site.",
    errors: [],
  };
}

/** The superuser box, shown only to superusers (only they may make one). */
function superuserField(request: FastifyRequest, isSuperuser: boolean): FormField[] {
  if (!staffMember(request.user).isSuperuser) return [];
  return [
    {
      name: "is_superuser",
      label: "Superuser status",
      kind: "checkbox",
      value: "",
      checked: isSuperuser,
      help: "Designates that this user has all permissions without explicitly assigning them.",
      errors: [],
    },
  ];
}

async function renderChangeForm(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Deps,
  user: User,
  form: { username: string; email: string; isStaff: boolean; isActive: boolean; isSuperuser: boolean },
  error?: ValidationError,
): Promise<FastifyReply> {
  const { byField, other } = splitErrors(error?.errors ?? {}, ["username", "email"]);
  const errorsOf = (name: string) => byField[name] ?? [];
  const fields: FormField[] = [
    ...profileFields(form, errorsOf),
    {
      name: "is_active",
      label: "Active",
      kind: "checkbox",
      value: "",
      checked: form.isActive,
      help: "Designates whether this user should be treated as active. Unselect this instead of deleting accounts: every login of theirs ends at once.",
      errors: [],
    },
    staffField(form.isStaff),
    ...superuserField(request, form.isSuperuser),
  ];
  const [tasks, logins] = await Promise.all([
    deps.useCases.listAllTasks.execute({ actor: OPERATOR, username: user.username, limit: TASKS_SHOWN }),
    deps.useCases.listLogins.execute({ userId: user.id }),
  ]);
  return deps.pages.render(
    request,
    reply,
    "change-form",
    {
      title: "Change user",
      breadcrumbs: [USERS_CRUMB, { label: user.username }],
      formId: "user_form",
      action: userUrl(user.id),
      fields,
      passwordLink: userUrl(user.id, "password"),
      errorCount: Object.keys(byField).length + other.length,
      otherErrors: other,
      objectTools: [{ label: "History", href: userUrl(user.id, "history") }],
      deleteUrl: userUrl(user.id, "delete"),
      revokeUrl: userUrl(user.id, "revoke-logins"),
      loginCount: logins.length,
      related: {
        title: `Tasks of ${user.username}`,
        items: tasks.results.map(({ task }) => ({ label: task.title, href: taskUrl(task.id) })),
        allUrl: listUrl(TASKS_PATH, { owner: user.username }),
        allLabel: `All ${countOf(tasks.count, "task", "tasks")} of ${user.username} in the task list`,
      },
    },
    error ? 400 : 200,
  );
}

function renderPasswordForm(
  request: FastifyRequest,
  reply: FastifyReply,
  pages: AdminPages,
  user: User,
  error?: ValidationError,
): Promise<FastifyReply> {
  const { byField, other } = splitErrors(error?.errors ?? {}, ["password", "password_confirmation"]);
  const errorsOf = (name: string) => byField[name] ?? [];
  return pages.render(
    request,
    reply,
    "password-form",
    {
      title: `Change password: ${user.username}`,
      breadcrumbs: [USERS_CRUMB, { label: user.username, href: userUrl(user.id) }, { label: "Change password" }],
      intro: `Enter a new password for the user ${user.username}. Every login of theirs ends at once.`,
      action: userUrl(user.id, "password"),
      fields: passwordFields("Password (again)", errorsOf),
      errorCount: Object.keys(byField).length + other.length,
      otherErrors: other,
    },
    error ? 400 : 200,
  );
}
