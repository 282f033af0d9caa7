import { api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { field, h, replace } from "../dom.ts";
import { when } from "../format.ts";
import type { SigningKey } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

/** Public keys (JWK or JWKS URL) with which the org's backend signs client tokens. */
export function signingKeysPage(ctx: Ctx): HTMLElement {
  const msg = notice();
  const list = h("div", null, h("p", null, "Loading…"));
  const load = async () => {
    try {
      const keys = await api.get<SigningKey[]>("/signing-key");
      replace(
        list,
        keys.length === 0
          ? h(
              "p",
              { class: "hint" },
              "No signing keys. Tokens can be signed HS256 with a private key, or register a public key here so your backend signs with a key Portcullis never holds.",
            )
          : h(
              "table",
              null,
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  ["Name", "Kind", "kid", "alg", "JWKS URL", "Created", ""].map((t) => h("th", null, t)),
                ),
              ),
              h(
                "tbody",
                null,
                keys.map((k) => {
                  const del = h("button", { type: "button", class: "danger" }, "Delete");
                  del.addEventListener("click", () => {
                    if (!confirm("Delete this signing key? Tokens signed with it stop working at once.")) return;
                    void act(del, msg, async () => {
                      await api.del(`/signing-key/${k.id}`);
                      await load();
                    });
                  });
                  return h(
                    "tr",
                    null,
                    h("td", null, k.name ?? "—"),
                    h("td", null, k.kind),
                    h("td", null, h("code", null, k.kid ?? "—")),
                    h("td", null, k.alg ?? "—"),
                    h("td", null, k.jwksUrl ?? "—"),
                    h("td", null, when(k.createdAt)),
                    h("td", null, readOnly(ctx) ? null : del),
                  );
                }),
              ),
            ),
      );
    } catch (e) {
      msg.error(e);
      replace(list);
    }
  };

  const name = h("input", { name: "signingKeyName", maxlength: 100 });
  const source = h("textarea", {
    name: "jwk",
    rows: 5,
    placeholder:
      '{"kty":"EC","crv":"P-256","x":"…","y":"…","kid":"2026-11"}  or  https://example.com/.well-known/jwks.json',
  });
  const add = h("button", { type: "submit", class: "primary" }, "Register");
  const form = h(
    "form",
    { class: "card", "aria-label": "Register a signing key" },
    h("h2", null, "Register a signing key"),
    field("Name", name),
    field(
      "Public JWK (JSON) or JWKS URL",
      source,
      "EC P-256 (ES256), Ed25519 (EdDSA) or RSA ≥ 2048 (RS256); never a private JWK.",
    ),
    add,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(add, msg, async () => {
      const text = source.value.trim();
      let body: Record<string, unknown>;
      if (/^https?:\/\//.test(text)) body = { jwksUrl: text };
      else {
        try {
          body = { jwk: JSON.parse(text) as unknown };
        } catch {
          throw new Error("Paste a JWK as JSON, or a JWKS URL starting with https://.");
        }
      }
      await api.post("/signing-key", { ...body, ...(name.value.trim() && { name: name.value.trim() }) });
      source.value = "";
      msg.ok("Signing key registered.");
      await load();
    });
  });
  void load();
  return h("section", null, h("h1", null, "Signing keys"), msg.el, list, readOnly(ctx) ? null : form);
}
