import { PASSWORD_MAX_LENGTH, type TokenPair, USERNAME_MAX_LENGTH, type User } from "@tasks/domain";
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
