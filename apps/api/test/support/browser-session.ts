import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { PASSWORD, type TestApi } from "./test-api.ts";

/** What a browser keeps of a response's Set-Cookie headers: each cookie's value by name. */
export function cookiesOf(response: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie.value]));
}

/**
 * `GET /api/auth/csrf/`, then `POST /api/auth/session/` with `payload` and that token, as a
 * browser app logs in: the CSRF cookie it got first, and the login's response.
 */
export async function sessionLogin(api: TestApi, payload: object) {
  const csrf = cookiesOf(await api.app.inject({ method: "GET", url: "/api/auth/csrf/" }));
  const response = await api.app.inject({
    method: "POST",
    url: "/api/auth/session/",
    cookies: csrf,
    headers: { "x-csrftoken": csrf.csrftoken as string },
    payload,
  });
  return { csrf, response };
}

/**
 * Logs `username` in on `api` as a browser app does (`sessionLogin`): the cookies the
 * browser then holds, and the CSRF header its app sends back with every unsafe request.
 */
export async function browserSession(api: TestApi, username: string, password = PASSWORD) {
  const { csrf, response: login } = await sessionLogin(api, { username, password });
  expect(login.statusCode, login.body).toBe(200);
  const cookies = { ...csrf, ...cookiesOf(login) };
  return { cookies, headers: { "x-csrftoken": cookies.csrftoken as string } };
}
