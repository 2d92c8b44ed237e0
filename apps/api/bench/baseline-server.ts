/**
 * The benchmark's yardstick: the benchmarked routes written by hand on node:http and pg,
 * with the same SQL as the real server (the per-request user look-up included), a JWT
 * checked by hand with node:crypto, and the same argon2id hashing for login. No framework,
 * no validation library, no ORM, no logging. Not a product: only `pnpm bench` runs it.
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
const TASK_COLUMNS = "id, owner_id, title, description, status, created_at, updated_at";

const secret = required("JWT_SECRET");
const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 10);
// Sized, opened before the first request, and never closed for being idle.
const pool = new pg.Pool({ connectionString: required("DATABASE_URL"), max: poolSize, idleTimeoutMillis: 0 });
const hasher = new Argon2PasswordHasher();

interface TaskRow {
  id: string;
  owner_id: string;
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

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function sign(payload: object): string {
  const input = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** The access token's user id, after checking the header, signature, time, issuer, audience and type. */
function verifyAccess(authorization: string | undefined): { sub: string; ver: number } {
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

async function authenticate(request: IncomingMessage): Promise<string> {
  const claims = verifyAccess(request.headers.authorization);
  const { rows } = await pool.query("select is_active, token_version from users where id = $1", [claims.sub]);
  const user = rows[0];
  if (!user?.is_active || user.token_version !== claims.ver) throw new HttpError(401, "user");
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

async function findOwnTask(id: string, ownerId: string): Promise<TaskRow> {
  const { rows } = await pool.query<TaskRow>(`select ${TASK_COLUMNS} from tasks where id = $1`, [id]);
  const task = rows[0];
  if (!task || task.owner_id !== ownerId) throw new HttpError(404, "no task");
  return task;
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<[number, unknown]> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const taskId = /^\/api\/tasks\/([^/]+)\/?$/.exec(url.pathname)?.[1];

  if (request.method === "POST" && url.pathname === "/api/auth/login/") {
    const body = await readJson(request);
    const { rows } = await pool.query(
      "select id, password_hash, is_active, token_version from users where lower(username) = lower($1)",
      [body.username],
    );
    const user = rows[0];
    if (!user || !(await hasher.verify(user.password_hash, String(body.password))) || !user.is_active)
      throw new HttpError(401, "credentials");
    const iat = Math.floor(Date.now() / 1000);
    const [sessionId, refreshId] = [randomUUID(), randomUUID()];
    const base = { sub: user.id, iat, iss: ISSUER, aud: AUDIENCE, sid: sessionId, ver: user.token_version };
    const access = sign({ ...base, exp: iat + ACCESS_TTL_SECONDS, jti: randomUUID(), token_type: "access" });
    const refresh = sign({ ...base, exp: iat + REFRESH_TTL_SECONDS, jti: refreshId, token_type: "refresh" });
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query(
        "insert into sessions (id, user_id, refresh_token_id, created_at, expires_at) values ($1, $2, $3, now(), $4)",
        [sessionId, user.id, refreshId, new Date((iat + REFRESH_TTL_SECONDS) * 1000)],
      );
      await client.query("update users set last_login = now() where id = $1", [user.id]);
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
      pool.query<TaskRow>(
        `select ${TASK_COLUMNS} from tasks where owner_id = $1 order by created_at desc, id desc limit $2 offset $3`,
        [ownerId, pageSize, (page - 1) * pageSize],
      ),
      pool.query("select count(*) as count from tasks where owner_id = $1", [ownerId]),
    ]);
    const total = Number(count.rows[0].count);
    const next = page * pageSize < total ? `http://${request.headers.host}/api/tasks/?page=${page + 1}` : null;
    return [200, { count: total, next, previous: null, results: list.rows.map(resource) }];
  }
  if (request.method === "POST" && (url.pathname === "/api/tasks/" || url.pathname === "/api/tasks")) {
    const body = await readJson(request);
    const title = typeof body.title === "string" ? body.title.trim() : "";
    if (title.length === 0 || title.length > 200) throw new HttpError(400, "title");
    const now = new Date();
    const { rows } = await pool.query<TaskRow>(
      `insert into tasks (id, owner_id, title, description, status, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $6) returning ${TASK_COLUMNS}`,
      [randomUUID(), ownerId, title, String(body.description ?? ""), String(body.status ?? "todo"), now],
    );
    const created = rows[0] as TaskRow;
    response.setHeader("location", `/api/tasks/${created.id}/`);
    return [201, resource(created)];
  }
  if (request.method === "GET" && taskId) return [200, resource(await findOwnTask(taskId, ownerId))];
  if (request.method === "PATCH" && taskId) {
    const body = await readJson(request);
    const task = await findOwnTask(taskId, ownerId);
    const changed = {
      ...task,
      title: typeof body.title === "string" ? body.title.trim() : task.title,
      description: typeof body.description === "string" ? body.description : task.description,
      status: typeof body.status === "string" ? body.status : task.status,
      updated_at: new Date(),
    };
    await pool.query("update tasks set title = $2, description = $3, status = $4, updated_at = $5 where id = $1", [
      task.id,
      changed.title,
      changed.description,
      changed.status,
      changed.updated_at,
    ]);
    return [200, resource(changed)];
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
server.listen(Number(process.env.PORT ?? 3100), "127.0.0.1", () => {
  console.log(`baseline listening on ${JSON.stringify(server.address())}`);
});
process.once("SIGTERM", () => {
  server.close();
  void pool.end();
});
