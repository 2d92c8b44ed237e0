import { randomBytes } from "node:crypto";
import { CreateUser, type User } from "@tasks/domain";
import { UuidV7IdGenerator } from "@tasks/platform";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { PASSWORD, type TestApi } from "../support/test-api.ts";

/** A form's hidden CSRF field, as a page renders it. */
const CSRF_FIELD = /name="csrfmiddlewaretoken" value="([^"]*)"/;

/** The CSRF token a page's forms carry. */
export function formToken(html: string): string {
  const token = CSRF_FIELD.exec(html)?.[1];
  if (token === undefined) throw new Error(`no csrfmiddlewaretoken field in:\n${html}`);
  return token;
}

/** A set cookie, with its attributes. */
export function setCookie(response: LightMyRequestResponse, name: string): LightMyRequestResponse["cookies"][number] {
  const found = response.cookies.find((cookie) => cookie.name === name);
  if (found === undefined) throw new Error(`no ${name} cookie set; Set-Cookie: ${response.headers["set-cookie"]}`);
  return found;
}

/** A browser for one site: it keeps the cookies responses set and drops those they clear. */
export class AdminBrowser {
  readonly cookies: Record<string, string> = {};
  private readonly api: TestApi;

  constructor(api: TestApi) {
    this.api = api;
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const response = await this.api.app.inject({ ...options, cookies: { ...this.cookies, ...options.cookies } });
    for (const cookie of response.cookies) {
      const cleared = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (cleared) delete this.cookies[cookie.name];
      else this.cookies[cookie.name] = cookie.value;
    }
    return response;
  }

  get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: "GET", url, headers });
  }

  /** Posts `fields` as an HTML form does (application/x-www-form-urlencoded); a list is a repeated field. */
  post(url: string, fields: Record<string, string | readonly string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      for (const item of typeof value === "string" ? [value] : value) body.append(name, item);
    return this.request({
      method: "POST",
      url,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      payload: body.toString(),
    });
  }

  /** Opens the page at `formUrl` and posts `fields` to `url` with its CSRF token, as a person submitting its form. */
  async submit(url: string, fields: Record<string, string | readonly string[]>, formUrl = url) {
    const page = await this.get(formUrl);
    return this.post(url, { csrfmiddlewaretoken: formToken(page.body), ...fields });
  }

  /** Opens the login page and submits it, as a person does. */
  async logIn(username: string, password = PASSWORD, next?: string): Promise<LightMyRequestResponse> {
    const page = await this.get(
      next === undefined ? "/admin/login/" : `/admin/login/?next=${encodeURIComponent(next)}`,
    );
    const fields: Record<string, string> = { csrfmiddlewaretoken: formToken(page.body), username, password };
    if (next !== undefined) fields.next = next;
    return this.post("/admin/login/", fields);
  }
}

/** A new active user (unique username) in the API's database, staff when asked. */
export async function aUser(api: TestApi, options: { prefix: string; isStaff?: boolean; isSuperuser?: boolean }) {
  const createUser = new CreateUser({
    users: api.database.users,
    hasher: api.hasher,
    clock: api.clock,
    ids: new UuidV7IdGenerator(),
  });
  const username = `${options.prefix}_${randomBytes(3).toString("hex")}`;
  const user: User = await createUser.execute({
    username,
    password: PASSWORD,
    isStaff: options.isStaff ?? false,
    isSuperuser: options.isSuperuser ?? false,
  });
  return user;
}

/** Whether a bearer token still works on the JSON API: the status of `GET /api/auth/me/` with it. */
export async function tokenStatus(api: TestApi, access: string): Promise<number> {
  const response = await api.app.inject({
    method: "GET",
    url: "/api/auth/me/",
    headers: { authorization: `Bearer ${access}` },
  });
  return response.statusCode;
}
