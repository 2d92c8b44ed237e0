import {
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  SESSION_KINDS,
  type Session,
  type TokenPair,
  USERNAME_MAX_LENGTH,
  type User,
} from "@tasks/domain";
import Type from "typebox";

export const LoginSchema = Type.Object({
  username: Type.String({ minLength: 1, maxLength: USERNAME_MAX_LENGTH }),
  password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
});

export const RefreshSchema = Type.Object({
  refresh: Type.String({ minLength: 1, description: "A refresh token from login or from a previous refresh." }),
});

export const TokenPairSchema = Type.Object({
  access: Type.String({ description: "Send as `Authorization: Bearer <access>`." }),
  refresh: Type.String({ description: "Spent by /api/auth/refresh/ for a new pair (once: it rotates)." }),
  token_type: Type.Literal("Bearer"),
  expires_in: Type.Integer({ description: "Seconds until the access token expires." }),
});

export type TokenPairResource = Type.Static<typeof TokenPairSchema>;

export function toTokenPairResource(pair: TokenPair): TokenPairResource {
  return { access: pair.access, refresh: pair.refresh, token_type: pair.tokenType, expires_in: pair.expiresIn };
}

export const MeSchema = Type.Object({
  id: Type.String({ format: "uuid" }),
  username: Type.String(),
  email: Type.String(),
  is_staff: Type.Boolean(),
  date_joined: Type.String({ format: "date-time" }),
});

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

export const VerifySchema = Type.Object({
  token: Type.String({ minLength: 1, description: "An access or a refresh token." }),
});

/** simplejwt's answer to verify and blacklist: an empty object. */
export const EmptySchema = Type.Object({}, { additionalProperties: false });

export const SessionUserSchema = Type.Object({ user: MeSchema });

export const PasswordChangeSchema = Type.Object({
  old_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  new_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
});

export const RegisterSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: USERNAME_MAX_LENGTH }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    email: Type.Optional(Type.String({ maxLength: EMAIL_MAX_LENGTH })),
  },
  { additionalProperties: false },
);

export const LoginResourceSchema = Type.Object({
  id: Type.String({ format: "uuid" }),
  kind: Type.Enum(SESSION_KINDS, { description: "token: a bearer token login; cookie: a browser session." }),
  created_at: Type.String({ format: "date-time" }),
  last_used_at: Type.String({ format: "date-time", description: "Moves at most once a minute." }),
  expires_at: Type.String({ format: "date-time", description: "When its refresh token or cookie expires." }),
  ip_address: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: "Whether this is the login the request came with." }),
});

export const LoginListSchema = Type.Object({ results: Type.Array(LoginResourceSchema) });

export type LoginResource = Type.Static<typeof LoginResourceSchema>;

export function toLoginResource(session: Session, current: Session): LoginResource {
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
