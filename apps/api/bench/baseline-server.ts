/**
 * The benchmark's yardstick: the lean server a careful engineer would write by hand for
 * the benchmarked routes, on node:http and pg with named prepared statements, on a schema
 * of its own (`baseline-schema.sql`: each table with its primary key, and `tasks` with one
 * index on (owner_id, created_at, id)). It does the same work per request as the real
 * server: a JWT checked by hand with node:crypto, then one query reading the login and its
 * user together; a patch is one UPDATE ... WHERE id = $1 AND owner_id = $2 RETURNING.
 * No framework, no validation library, no ORM, no logging. Not a product: only
 * `pnpm bench` runs it.
 *
 * Configuration: DATABASE_URL, JWT_SECRET, PORT, DATABASE_POOL_SIZE (default 10).
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Argon2PasswordHasher } from "@tasks/security";
import pg from "pg";

const ISSUER = "tasks-api";
const AUDIENCE = "tasks-api";
const ACCESS_TTL_SECONDS = 900;
const REFRESH_TTL_SECONDS = 7 * 86_400;
const LOGIN_MAX_AGE_SECONDS = 30 * 86_400;
const TASK_COLUMNS = "id, title, description, status, created_at, updated_at";

const secret = required("JWT_SECRET");
const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 10);
// Sized, opened before the first request, and never closed for being idle.
const pool = new pg.Pool({ connectionString: required("DATABASE_URL"), max: poolSize, idleTimeoutMillis: 0 });
const hasher = new Argon2PasswordHasher();

/** Every statement is named: PostgreSQL parses and plans it once per connection. */
const STATEMENTS = {
  caller: {
    name: "caller",
    text:
      "select u.is_active, u.token_version as user_version, s.token_version as session_version, " +
      "s.revoked_at, s.expires_at, s.ends_at from sessions s join users u on u.id = s.user_id " +
      "where s.id = $1 and s.user_id = $2",
  },
  userByName: {
    name: "user-by-name",
    text: "select id, password_hash, is_active, token_version from users where username_key = $1",
  },
  startSession: {
    name: "start-session",
    text:
      "insert into sessions (id, user_id, token_version, created_at, expires_at, ends_at) " +
      "values ($1, $2, $3, now(), $4, $5)",
  },
  recordLogin: { name: "record-login", text: "update users set last_login = now() where id = $1" },
  page: {
    name: "page",
    text: `select ${TASK_COLUMNS} from tasks where owner_id = $1 order by created_at desc, id desc limit $2 offset $3`,
  },
  count: { name: "count", text: "select count(*) as count from tasks where owner_id = $1" },
  create: {
    name: "create",
    text:
      "insert into tasks (id, owner_id, title, description, status, created_at, updated_at) " +
      `values ($1, $2, $3, $4, $5, now(), now()) returning ${TASK_COLUMNS}`,
  },
  get: { name: "get", text: `select ${TASK_COLUMNS} from tasks where id = $1 and owner_id = $2` },
  patch: {
    name: "patch",
    text:
      "update tasks set title = coalesce($3, title), description = coalesce($4, description), " +
      `status = coalesce($5, status), updated_at = now() where id = $1 and owner_id = $2 returning ${TASK_COLUMNS}`,
  },
} as const;

interface TaskRow {
  id: string;
  title: string;
  description: string;
  status: string;
  created_at: Date;
  updated_at: Date;
}

class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function query<Row extends pg.QueryResultRow>(statement: { name: string; text: string }, values: unknown[]) {
  return pool.query<Row>({ ...statement, values });
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function sign(payload: object): string {
  const input = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** The access token's claims, after checking the header, signature, time, issuer, audience and type. */
function verifyAccess(authorization: string | undefined): { sub: string; sid: string; ver: number } {
  const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : "";
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) throw new HttpError(401, "no token");
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, "signature");
  const head = JSON.parse(Buffer.from(header, "base64url").toString());
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const now = Date.now() / 1000;
  if (head.alg !== "HS256" || head.typ !== "JWT") throw new HttpError(401, "algorithm");
  if (typeof claims.exp !== "number" || claims.exp + 5 < now) throw new HttpError(401, "expired");
  if (claims.iss !== ISSUER || claims.aud !== AUDIENCE || claims.token_type !== "access")
    throw new HttpError(401, "claims");
  return claims;
}

/** The caller's user id: the token, then one query for its login and user together. */
async function authenticate(request: IncomingMessage): Promise<string> {
  const claims = verifyAccess(request.headers.authorization);
  const { rows } = await query(STATEMENTS.caller, [claims.sid, claims.sub]);
  const login = rows[0];
  const now = Date.now();
  const live =
    login?.is_active === true &&
    login.revoked_at === null &&
    login.expires_at.getTime() > now &&
    login.ends_at.getTime() > now &&
    (login.session_version ?? claims.ver) === login.user_version;
  if (!live) throw new HttpError(401, "login");
  return claims.sub;
}

function resource(row: TaskRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString());
}

const optionalText = (value: unknown) => (typeof value === "string" ? value : null);

async function route(request: IncomingMessage, response: ServerResponse): Promise<[number, unknown]> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const taskId = /^\/api\/tasks\/([^/]+)\/?$/.exec(url.pathname)?.[1];

  if (request.method === "POST" && url.pathname === "/api/auth/login/") {
    const body = await readJson(request);
    const key = String(body.username).normalize("NFKC").trim().toUpperCase().toLowerCase().normalize("NFKC");
    const { rows } = await query(STATEMENTS.userByName, [key]);
    const user = rows[0];
    if (!user || !(await hasher.verify(user.password_hash, String(body.password))) || !user.is_active)
      throw new HttpError(401, "credentials");
    const iat = Math.floor(Date.now() / 1000);
    const sessionId = randomUUID();
    const base = { sub: user.id, iat, iss: ISSUER, aud: AUDIENCE, sid: sessionId, ver: user.token_version };
    const access = sign({ ...base, exp: iat + ACCESS_TTL_SECONDS, jti: randomUUID(), token_type: "access" });
    const refresh = sign({ ...base, exp: iat + REFRESH_TTL_SECONDS, jti: randomUUID(), token_type: "refresh" });
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query({
        ...STATEMENTS.startSession,
        values: [
          sessionId,
          user.id,
          user.token_version,
          new Date((iat + REFRESH_TTL_SECONDS) * 1000),
          new Date((iat + LOGIN_MAX_AGE_SECONDS) * 1000),
        ],
      });
      await client.query({ ...STATEMENTS.recordLogin, values: [user.id] });
      await client.query("commit");
    } catch (error) {
      await client.query("rollback");
      throw error;
    } finally {
      client.release();
    }
    return [200, { access, refresh, token_type: "Bearer", expires_in: ACCESS_TTL_SECONDS }];
  }

  const ownerId = await authenticate(request);
  if (request.method === "GET" && (url.pathname === "/api/tasks/" || url.pathname === "/api/tasks")) {
    const page = Number(url.searchParams.get("page") ?? 1);
    const pageSize = Math.min(Number(url.searchParams.get("page_size") ?? 20), 100);
    const [list, count] = await Promise.all([
      query<TaskRow>(STATEMENTS.page, [ownerId, pageSize, (page - 1) * pageSize]),
      query(STATEMENTS.count, [ownerId]),
    ]);
    const total = Number(count.rows[0]?.count);
    const next = page * pageSize < total ? `http://${request.headers.host}/api/tasks/?page=${page + 1}` : null;
    return [200, { count: total, next, previous: null, results: list.rows.map(resource) }];
  }
  if (request.method === "POST" && (url.pathname === "/api/tasks/" || url.pathname === "/api/tasks")) {
    const body = await readJson(request);
    const title = typeof body.title === "string" ? body.title.trim() : "";
    if (title.length === 0 || title.length > 200) throw new HttpError(400, "title");
    const { rows } = await query<TaskRow>(STATEMENTS.create, [
      randomUUID(),
      ownerId,
      title,
      String(body.description ?? ""),
      String(body.status ?? "todo"),
    ]);
    const created = rows[0] as TaskRow;
    response.setHeader("location", `/api/tasks/${created.id}/`);
    return [201, resource(created)];
  }
  if (request.method === "GET" && taskId) {
    const { rows } = await query<TaskRow>(STATEMENTS.get, [taskId, ownerId]);
    if (!rows[0]) throw new HttpError(404, "no task");
    return [200, resource(rows[0])];
  }
  if (request.method === "PATCH" && taskId) {
    const body = await readJson(request);
    const title = optionalText(body.title)?.trim() ?? null;
    if (title !== null && (title.length === 0 || title.length > 200)) throw new HttpError(400, "title");
    const { rows } = await query<TaskRow>(STATEMENTS.patch, [
      taskId,
      ownerId,
      title,
      optionalText(body.description),
      optionalText(body.status),
    ]);
    if (!rows[0]) throw new HttpError(404, "no task");
    return [200, resource(rows[0])];
  }
  throw new HttpError(404, "no route");
}

const server = createServer((request, response) => {
  route(request, response).then(
    ([status, body]) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(body));
    },
    (error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      response.writeHead(status, { "content-type": "application/problem+json" });
      response.end(JSON.stringify({ status, detail: error instanceof HttpError ? error.message : "error" }));
    },
  );
});

// Open every pooled connection before listening: the benchmark measures requests, not connects.
const clients = await Promise.all(Array.from({ length: poolSize }, () => pool.connect()));
for (const client of clients) client.release();
// reusePort: `pnpm bench --processes 2` starts two of these on one port, and the kernel shares the connections.
server.listen({ port: Number(process.env.PORT ?? 3100), host: "127.0.0.1", reusePort: true }, () => {
  console.log(`baseline listening on ${JSON.stringify(server.address())}`);
});
process.once("SIGTERM", () => {
  server.close();
  void pool.end();
});
