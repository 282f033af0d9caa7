import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import { type Command, Option } from "commander";
import type { SigningKey } from "../api-types.ts";
import { UsageError } from "../errors.ts";
import { segment } from "../http-client.ts";
import { clientFor, httpUrl, type RemoteOptions, readJsonObject, withRemote } from "../options.ts";
import { colors, note, print, printFields, printJson, printTable } from "../output.ts";

type AddOptions = RemoteOptions & { jwk?: string; jwksUrl?: string; name?: string };

/** JWK members that only a private key has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
/** Members that say what a key is, kept when its public half is taken. */
const LABELS = ["kid", "alg", "use"];

/**
 * The JWK to register, from a file holding a JWK or a JWKS with one key. A private JWK is turned
 * into its public half here, so the private key never leaves this machine.
 */
export function publicJwkFrom(input: Record<string, unknown>, flag = "--jwk"): Record<string, unknown> {
  let jwk = input;
  if (Array.isArray(input.keys)) {
    if (input.keys.length !== 1)
      throw new UsageError(
        `${flag}: the JWKS has ${input.keys.length} keys; register one at a time, or use --jwks-url.`,
      );
    jwk = input.keys[0] as Record<string, unknown>;
  }
  if (!PRIVATE_MEMBERS.some((member) => member in jwk)) return jwk;
  if (jwk.kty === "oct") throw new UsageError(`${flag}: a symmetric (oct) key cannot be registered; use a key pair.`);
  let derived: JsonWebKey;
  try {
    derived = createPublicKey(createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" })).export({ format: "jwk" });
  } catch (error) {
    throw new UsageError(`${flag}: not a usable private JWK (${(error as Error).message}).`);
  }
  note("The JWK is a private key: registering its public half only. Keep the private key on your server.");
  return { ...derived, ...Object.fromEntries(LABELS.filter((m) => m in jwk).map((m) => [m, jwk[m]])) };
}

function printSigningKey(key: SigningKey): void {
  print(`${colors().bold(key.id)}  ${key.kind}${key.name ? `  "${key.name}"` : ""}`);
  printFields([
    ...(key.kind === "jwk"
      ? ([
          ["kid", key.kid ?? "-"],
          ["alg", key.alg ?? "-"],
        ] as [string, string][])
      : ([["JWKS URL", key.jwksUrl ?? "-"]] as [string, string][])),
    ["created", key.createdAt],
  ]);
}

/** `portcullis signing-keys …`: public keys your backend signs client tokens with (ES256, EdDSA, RS256). */
export function registerSigningKeys(program: Command): void {
  const keys = program
    .command("signing-keys")
    .description("register the public keys (JWK or JWKS URL) your backend signs client tokens with");

  withRemote(
    keys
      .command("add")
      .description("register a public JWK, or a JWKS URL the server fetches and caches")
      .addOption(
        new Option("--jwk <file>", "a JSON file with the JWK (or a JWKS with one key); '-' reads stdin").conflicts(
          "jwksUrl",
        ),
      )
      .addOption(
        new Option("--jwks-url <url>", "a JWKS URL; tokens must name one of its keys in kid").argParser(httpUrl),
      )
      .option("--name <name>", "a name to tell signing keys apart")
      .addHelpText(
        "after",
        "\nTokens signed with the private half must carry its kid; the JWK's kid is used, else the new ID.\n\nExamples:\n  portcullis signing-keys add --jwk public.jwk.json --name backend\n  portcullis signing-keys add --jwks-url https://auth.example.com/.well-known/jwks.json",
      ),
  ).action(async (options: AddOptions) => {
    if ((options.jwk === undefined) === (options.jwksUrl === undefined))
      throw new UsageError("Give exactly one of --jwk <file> or --jwks-url <url>.");
    const body = {
      ...(options.jwk !== undefined && { jwk: publicJwkFrom(readJsonObject(options.jwk, "--jwk")) }),
      ...(options.jwksUrl !== undefined && { jwksUrl: options.jwksUrl }),
      ...(options.name !== undefined && { name: options.name }),
    };
    const { data } = await clientFor(options).post<SigningKey>("/signing-key", body);
    if (options.json) return printJson(data);
    printSigningKey(data);
  });

  withRemote(keys.command("list").description("list signing keys")).action(async (options: RemoteOptions) => {
    const { data } = await clientFor(options).get<SigningKey[]>("/signing-key");
    if (options.json) return printJson(data);
    if (data.length === 0) return print("No signing keys.");
    printTable(data, [
      { header: "ID", value: (k) => k.id },
      { header: "KIND", value: (k) => k.kind },
      { header: "KID", value: (k) => k.kid ?? "-" },
      { header: "ALG", value: (k) => k.alg ?? "-" },
      { header: "NAME", value: (k) => k.name ?? "" },
      { header: "JWKS URL", value: (k) => k.jwksUrl ?? "-" },
      { header: "CREATED", value: (k) => k.createdAt },
    ]);
  });

  withRemote(
    keys
      .command("delete")
      .description("delete a signing key: tokens signed with it stop verifying at once")
      .argument("<id>", "signing key ID (sk_…)"),
  ).action(async (id: string, options: RemoteOptions) => {
    const { data } = await clientFor(options).delete<SigningKey>(`/signing-key/${segment(id)}`);
    if (options.json) return printJson(data);
    print(`Deleted ${data.id}${data.kid ? ` (kid ${data.kid})` : ""}. Tokens signed with it no longer verify.`);
  });
}
