import { normalizeRestrictions } from "@portcullis/core";
import { createClientToken } from "@portcullis/node";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Org } from "../api-types.ts";
import { UsageError } from "../errors.ts";
import { clientFor, httpUrl, type RemoteOptions, withRemote } from "../options.ts";
import { print, printJson } from "../output.ts";
import { type RestrictionFlags, restrictionsFromFlags } from "../restriction-flags.ts";
import { withAccessOptions, withLimitOptions } from "../restriction-options.ts";
import { durationIn, formatDuration } from "../units.ts";

type MintOptions = RemoteOptions &
  RestrictionFlags & {
    ttl: number;
    user?: string;
    singleUse?: boolean;
    private?: boolean;
    kid?: string;
    org?: string;
    audience?: string;
  };

const DEFAULT_TTL_SECONDS = 600;

/** An argParser that checks a value against the shape the server accepts, before anything is signed. */
const shaped = (pattern: RegExp, expected: string) => (value: string) => {
  if (!pattern.test(value)) throw new InvalidArgumentError(`expected ${expected}.`);
  return value;
};

/** The claims of a token this CLI just signed (no verification: it is our own). */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The org to put in the token: --org as given (no request at all), else the key's own org. */
async function orgFor(options: MintOptions): Promise<{ id: string; maxTtlSeconds?: number }> {
  if (options.org) return { id: options.org };
  const { data } = await clientFor(options).get<Org>("/org");
  return { id: data.id, maxTtlSeconds: data.maxTokenTtlSeconds };
}

async function mint(options: MintOptions): Promise<void> {
  const privateKey = options.apiKey;
  if (!privateKey?.startsWith("pcsk_"))
    throw new UsageError(
      "token mint signs with a private key: set PORTCULLIS_API_KEY (or pass --api-key) to a private key (pcsk_…).",
    );
  const tag = options.private ? "private" : "public";
  const restrictions = restrictionsFromFlags(options) ?? {};
  // The server would refuse these restrictions only when the token is used; say so now instead.
  const checked = normalizeRestrictions(restrictions, tag);
  if (!checked.ok)
    throw new UsageError(`This token would be refused: ${checked.problem.message} (${checked.problem.field}).`);
  const org = await orgFor(options);
  if (org.maxTtlSeconds !== undefined && options.ttl > org.maxTtlSeconds)
    throw new UsageError(
      `--ttl ${formatDuration(options.ttl)} is longer than this org allows (${formatDuration(org.maxTtlSeconds)}); shorten it, or raise the cap with 'portcullis org update --max-token-ttl'.`,
    );
  const token = createClientToken({
    privateKey,
    orgId: org.id,
    restrictions,
    ttlSeconds: options.ttl,
    tag,
    ...(options.kid !== undefined && { keyId: options.kid }),
    ...(options.user !== undefined && { userId: options.user }),
    ...(options.singleUse && { singleUse: true }),
    ...(options.audience !== undefined && { audience: options.audience }),
  });
  if (!options.json) return print(token);
  const payload = payloadOf(token);
  printJson({ token, expiresAt: new Date(Number(payload.exp) * 1000).toISOString(), payload });
}

/** `portcullis token mint`: a short-lived client token (JWT), signed here with a private key. */
export function registerToken(program: Command): void {
  const token = program.command("token").description("mint short-lived client tokens (JWTs) for browsers");

  const command = token
    .command("mint")
    .description("sign a client token with the private key (HS256) and print it; nothing is stored")
    .option("--user <sub>", "your user's ID (the sub claim): recorded on calls, used by per-user limits")
    .addOption(
      new Option("--ttl <duration>", "lifetime: seconds, or 30s, 10m, 1h (capped by the org's max token TTL)")
        .argParser(durationIn(1, 86_400))
        .default(DEFAULT_TTL_SECONDS, "10m"),
    )
    .option("--single-use", "the token starts one call; a replay is refused")
    .option("--private", "a private-tag token, for server-to-server calls (refused on POST /call/web)")
    .option(
      "--kid <key id>",
      "the signing private key's ID (key_…), so the server tries only that key; default: it tries each",
      shaped(/^key_[A-Za-z0-9]{1,64}$/, "a key ID such as key_123"),
    )
    .option(
      "--org <org id>",
      "the org (org_…); given, nothing is fetched, so minting works offline; default: the key's org",
      shaped(/^org_[A-Za-z0-9]{1,64}$/, "an org ID such as org_123"),
    )
    .addOption(
      new Option("--audience <url>", "sets aud; the server then requires its own public URL there").argParser(httpUrl),
    );
  withLimitOptions(withAccessOptions(command, "token"), "token");
  withRemote(
    command.addHelpText(
      "after",
      `
Prints the token alone, so a script can capture it; --json adds its expiry and claims.

Examples:
  TOKEN=$(portcullis token mint --assistant asst_123 --origin https://app.example.com --user user_42 --ttl 10m)
  portcullis token mint --org org_123 --kid key_123 --assistant asst_123 --single-use --max-call-duration 5m`,
    ),
  ).action(mint);
}
