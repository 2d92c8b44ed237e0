import { ValidationError } from "@tasks/domain";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdminUseCases } from "./admin-use-cases.ts";
import { type FormField, formFields, splitErrors } from "./forms.ts";
import { INDEX_PATH, PASSWORD_CHANGE_PATH } from "./paths.ts";
import type { AdminPages } from "./render.ts";

const FIELDS = ["old_password", "new_password", "new_password_confirmation"] as const;

type Deps = { readonly pages: AdminPages; readonly useCases: Pick<AdminUseCases, "changePassword"> };

/**
 * "Change password" in the header: the signed-in staff member's own password, with the old
 * one (Django's password_change view). Their other logins end; this one stays.
 */
export function ownPasswordPages(admin: FastifyInstance, deps: Deps): void {
  admin.get("/password_change/", async (request, reply) => renderForm(request, reply, deps.pages));

  admin.post("/password_change/", async (request, reply) => {
    const form = formFields(request.body, FIELDS);
    try {
      await deps.useCases.changePassword.execute({
        userId: request.user.id,
        sessionId: request.session.id,
        oldPassword: form.old_password,
        newPassword: form.new_password,
        newPasswordConfirmation: form.new_password_confirmation,
        clientAddress: request.ip,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderForm(request, reply, deps.pages, error);
    }
    return deps.pages.render(request, reply, "message", {
      title: "Password change successful",
      breadcrumbs: [{ label: "Password change" }],
      paragraphs: ["Your password was changed. Your other logins have ended; this one goes on."],
      link: { href: INDEX_PATH, label: "Back to Site administration" },
    });
  });
}

function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  pages: AdminPages,
  error?: ValidationError,
): Promise<FastifyReply> {
  const { byField, other } = splitErrors(error?.errors ?? {}, FIELDS);
  const errorsOf = (name: string) => byField[name] ?? [];
  const fields: FormField[] = [
    {
      name: "old_password",
      label: "Old password",
      kind: "password",
      value: "",
      autocomplete: "current-password",
      errors: errorsOf("old_password"),
    },
    {
      name: "new_password",
      label: "New password",
      kind: "password",
      value: "",
      autocomplete: "new-password",
      errors: errorsOf("new_password"),
    },
    {
      name: "new_password_confirmation",
      label: "New password confirmation",
      kind: "password",
      value: "",
      autocomplete: "new-password",
      errors: errorsOf("new_password_confirmation"),
    },
  ];
  return pages.render(
    request,
    reply,
    "password-form",
    {
      title: "Password change",
      breadcrumbs: [{ label: "Password change" }],
      intro:
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly.",
      action: PASSWORD_CHANGE_PATH,
      fields,
      errorCount: Object.keys(byField).length + other.length,
      otherErrors: other,
    },
    error ? 400 : 200,
  );
}
