import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import { SESSION_MAX_MS } from "../auth/session/sessions.ts";

export const SESSION_COOKIE = "pc_session";

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), whole-site path
 * (the dashboard calls the API at root paths), Secure when the server is reached over HTTPS.
 */
export function sessionCookieOptions(publicUrl: string): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: publicUrl.startsWith("https:"),
    maxAge: SESSION_MAX_MS / 1000,
  };
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[SESSION_COOKIE];
  return value === undefined || value === "" ? undefined : value;
}

export function setSessionCookie(reply: FastifyReply, token: string, publicUrl: string): void {
  reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(publicUrl));
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  const { maxAge: _, ...options } = sessionCookieOptions(publicUrl);
  reply.clearCookie(SESSION_COOKIE, options);
}
