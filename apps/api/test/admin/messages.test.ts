import cookie from "@fastify/cookie";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Message, Messages } from "../../src/admin/messages.ts";
import { BrowserCookies } from "../../src/http/cookies.ts";

describe("admin messages (Django's messages framework, cookie storage)", () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    await app.register(cookie, { secret: "a test secret of at least 32 bytes!" });
    const messages = new Messages(new BrowserCookies(false));
    app.post<{ Querystring: { count?: string } }>("/admin/add/", async (request, reply) => {
      const count = Number(request.query.count ?? "1");
      for (let index = 1; index <= count; index += 1)
        messages.add(request, reply, index % 2 === 0 ? "error" : "success", `message ${index} ${"x".repeat(150)}`);
      return reply.redirect("/admin/", 303);
    });
    app.get("/admin/", async (request, reply) => ({ shown: messages.take(request, reply) }));
  });
  afterAll(async () => {
    await app?.close();
  });

  const shownWith = async (cookies: Record<string, string>) => {
    const response = await app.inject({ method: "GET", url: "/admin/", cookies });
    return { response, shown: response.json<{ shown: Message[] }>().shown };
  };

  it("keeps what a request adds in a signed, HttpOnly cookie of /admin/, for the next page to show once", async () => {
    const added = await app.inject({ method: "POST", url: "/admin/add/?count=2" });
    const stored = added.cookies.find((set) => set.name === "messages");

    expect(stored).toMatchObject({ path: "/admin/", httpOnly: true, sameSite: "Lax" });
    expect(app.unsignCookie(stored?.value ?? "").valid).toBe(true);
    const { response, shown } = await shownWith({ messages: stored?.value ?? "" });
    expect(shown.map((message) => [message.level, message.text.slice(0, 9)])).toEqual([
      ["success", "message 1"],
      ["error", "message 2"],
    ]);
    expect(response.cookies.find((set) => set.name === "messages")).toMatchObject({ maxAge: 0, path: "/admin/" });
  });

  it("adds to the messages a request brought that were not shown yet", async () => {
    const first = await app.inject({ method: "POST", url: "/admin/add/" });
    const brought = first.cookies.find((set) => set.name === "messages")?.value ?? "";
    const second = await app.inject({ method: "POST", url: "/admin/add/?count=2", cookies: { messages: brought } });

    const { shown } = await shownWith({ messages: second.cookies.find((set) => set.name === "messages")?.value ?? "" });

    expect(shown.map((message) => message.text.slice(0, 9))).toEqual(["message 1", "message 1", "message 2"]);
  });

  it("drops the oldest messages past what a cookie can hold", async () => {
    const added = await app.inject({ method: "POST", url: "/admin/add/?count=40" });
    const stored = added.cookies.find((set) => set.name === "messages")?.value ?? "";

    expect(stored.length).toBeLessThan(4000);
    const { shown } = await shownWith({ messages: stored });
    expect(shown.length).toBeGreaterThan(1);
    expect(shown.length).toBeLessThan(40);
    expect(shown.at(-1)?.text).toMatch(/^message 40 /);
  });

  it("shows nothing of a cookie that is not signed or not well formed, and shows nothing without one", async () => {
    for (const value of [
      JSON.stringify([["success", "forged"]]),
      app.signCookie("not json"),
      app.signCookie(JSON.stringify({ level: "success" })),
      app.signCookie(
        JSON.stringify([
          ["alert", "no such level"],
          ["success", 7],
        ]),
      ),
    ])
      expect((await shownWith({ messages: value })).shown).toEqual([]);
    const { response, shown } = await shownWith({});
    expect(shown).toEqual([]);
    expect(response.headers["set-cookie"]).toBeUndefined();
  });
});
