import {
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  SESSION_KINDS,
  type Session,
  type SessionState,
  type TokenPair,
  USERNAME_MAX_LENGTH,
  type User,
} from "@tasks/domain";
import Type from "typebox";
import { ref } from "./ref.ts";

// Example values for the documentation (they pass the schemas: the lint checks that).
const ACCESS_EXAMPLE =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkyZjBjNCIsInR5cGUiOiJhY2Nlc3MifQ.c2lnbmF0dXJl";
const REFRESH_EXAMPLE =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkyZjBjNCIsInR5cGUiOiJyZWZyZXNoIn0.c2lnbmF0dXJl";
const ME_EXAMPLE = {
  id: "0192f0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b",
  username: "alice",
  email: "alice@example.com",
  is_staff: false,
  date_joined: "2026-11-02T08:00:00.000Z",
};

export const LoginSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: USERNAME_MAX_LENGTH }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { examples: [{ username: "alice", password: "correct horse battery staple" }] },
);

export const RefreshSchema = Type.Object(
  { refresh: Type.String({ minLength: 1, description: "A refresh token from login or from a previous refresh." }) },
  { examples: [{ refresh: REFRESH_EXAMPLE }] },
);

export const TokenPairSchema = Type.Object(
  {
    access: Type.String({ description: "Send as `Authorization: Bearer <access>`." }),
    refresh: Type.String({ description: "Spent by /api/auth/refresh/ for a new pair (once: it rotates)." }),
    token_type: Type.Literal("Bearer"),
    expires_in: Type.Integer({ description: "Seconds until the access token expires." }),
  },
  {
    $id: "TokenPair",
    description: "A new token pair.",
    examples: [{ access: ACCESS_EXAMPLE, refresh: REFRESH_EXAMPLE, token_type: "Bearer", expires_in: 900 }],
  },
);

export type TokenPairResource = Type.Static<typeof TokenPairSchema>;

export function toTokenPairResource(pair: TokenPair): TokenPairResource {
  return { access: pair.access, refresh: pair.refresh, token_type: pair.tokenType, expires_in: pair.expiresIn };
}

export const MeSchema = Type.Object(
  {
    id: Type.String({ format: "uuid" }),
    username: Type.String(),
    email: Type.String(),
    is_staff: Type.Boolean(),
    date_joined: Type.String({ format: "date-time" }),
  },
  { $id: "User", description: "The user.", examples: [ME_EXAMPLE] },
);

export type MeResource = Type.Static<typeof MeSchema>;

export function toMeResource(user: User): MeResource {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    is_staff: user.isStaff,
    date_joined: user.dateJoined.toISOString(),
  };
}

export const VerifySchema = Type.Object(
  { token: Type.String({ minLength: 1, description: "An access or a refresh token." }) },
  { examples: [{ token: ACCESS_EXAMPLE }] },
);

/** simplejwt's answer to verify and blacklist: an empty object. */
export const EmptySchema = Type.Object({}, { additionalProperties: false, description: "Done.", examples: [{}] });

export const SessionUserSchema = Type.Object(
  { user: ref(MeSchema) },
  { $id: "SessionUser", description: "The session's user.", examples: [{ user: ME_EXAMPLE }] },
);

export const PasswordChangeSchema = Type.Object(
  {
    old_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    new_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { examples: [{ old_password: "correct horse battery staple", new_password: "purple monkey dishwasher lamp" }] },
);

export const RegisterSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: USERNAME_MAX_LENGTH }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    email: Type.Optional(Type.String({ maxLength: EMAIL_MAX_LENGTH })),
  },
  {
    additionalProperties: false,
    examples: [{ username: "alice", password: "correct horse battery staple", email: "alice@example.com" }],
  },
);

export const LoginResourceSchema = Type.Object(
  {
    id: Type.String({ format: "uuid" }),
    kind: Type.Enum(SESSION_KINDS, { description: "token: a bearer token login; cookie: a browser session." }),
    created_at: Type.String({ format: "date-time" }),
    last_used_at: Type.String({ format: "date-time", description: "Moves at most once a minute." }),
    expires_at: Type.String({ format: "date-time", description: "When its refresh token or cookie expires." }),
    ip_address: Type.Union([Type.String(), Type.Null()]),
    user_agent: Type.Union([Type.String(), Type.Null()]),
    current: Type.Boolean({ description: "Whether this is the login the request came with." }),
  },
  { $id: "Login" },
);

export const LoginListSchema = Type.Object(
  { results: Type.Array(ref(LoginResourceSchema)) },
  {
    $id: "LoginList",
    description: "The caller's live logins.",
    examples: [
      {
        results: [
          {
            id: "0192f0d7-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
            kind: "cookie",
            created_at: "2026-11-20T09:00:00.000Z",
            last_used_at: "2026-11-21T16:40:00.000Z",
            expires_at: "2026-12-04T09:00:00.000Z",
            ip_address: "127.0.0.1",
            user_agent: "Mozilla/5.0",
            current: true,
          },
        ],
      },
    ],
  },
);

export type LoginResource = Type.Static<typeof LoginResourceSchema>;

export function toLoginResource(session: Session, current: Pick<SessionState, "id">): LoginResource {
  return {
    id: session.id,
    kind: session.kind,
    created_at: session.createdAt.toISOString(),
    last_used_at: session.lastUsedAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    ip_address: session.ipAddress,
    user_agent: session.userAgent,
    current: session.id === current.id,
  };
}

export const LoginIdParamsSchema = Type.Object({ id: Type.String({ description: "The login's id." }) });
