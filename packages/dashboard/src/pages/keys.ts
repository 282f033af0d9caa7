import { api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { field, h, replace } from "../dom.ts";
import { when } from "../format.ts";
import { href } from "../router.ts";
import type { Key } from "../types.ts";
import { copyButton } from "../ui/copy-button.ts";
import { act, notice } from "../ui/notice.ts";
import { ruleGaps } from "./rule-gaps.ts";
import { welcomePage } from "./welcome.ts";

function status(key: Key): string {
  if (!key.restrictions.enabled) return "disabled";
  if (key.restrictions.expiresAt && Date.parse(key.restrictions.expiresAt) < Date.now()) return "expired";
  if (key.restrictions.mode === "report-only") return "active (report-only)";
  return "active";
}

/** The keys of the org: create, revoke, rotate, disable; public keys link to their restrictions. */
export function keysPage(ctx: Ctx): HTMLElement {
  const msg = notice();
  const list = h("div", null, h("p", null, "Loading keys…"));
  const once = h("div");
  const intro = h("div");

  const load = async () => {
    try {
      const keys = await api.get<Key[]>("/token");
      replace(intro, keys.some((k) => k.tag === "public") ? null : welcomePage(null));
      replace(list, table(keys));
    } catch (e) {
      msg.error(e);
      replace(list);
    }
  };

  const action = (button: HTMLButtonElement, work: () => Promise<void>) => act(button, msg, work).then(load);

  const table = (keys: Key[]) =>
    keys.length === 0
      ? h("p", null, "No keys yet.")
      : h(
          "table",
          { class: "keys" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ["Tag", "Name", "Prefix", "Created", "Last used", "Status", ""].map((t) => h("th", null, t)),
            ),
          ),
          h(
            "tbody",
            null,
            keys.map((key) => {
              const gaps = key.tag === "public" ? ruleGaps(key.restrictions) : [];
              const rotate = h("button", { type: "button" }, "Rotate");
              const toggle = h("button", { type: "button" }, key.restrictions.enabled ? "Disable" : "Enable");
              const revoke = h("button", { type: "button", class: "danger" }, "Revoke");
              rotate.addEventListener("click", () => {
                const raw = prompt(
                  "Grace period in seconds: how long the old value keeps working (0 = stop at once).",
                  "0",
                );
                if (raw === null) return;
                void action(rotate, async () => {
                  if (!/^\d+$/.test(raw.trim())) throw new Error("The grace period must be a whole number of seconds.");
                  const rotated = await api.post<Key>(`/token/${key.id}/rotate`, {
                    gracePeriodSeconds: Number(raw.trim()),
                  });
                  showOnce(rotated, "rotated");
                });
              });
              toggle.addEventListener("click", () =>
                action(toggle, async () => {
                  await api.patch(`/token/${key.id}`, {
                    restrictions: { ...key.restrictions, enabled: !key.restrictions.enabled },
                  });
                  msg.ok(`${key.name ?? key.id} ${key.restrictions.enabled ? "disabled" : "enabled"}.`);
                }),
              );
              revoke.addEventListener("click", () => {
                if (!confirm(`Revoke ${key.name ?? key.id}? It stops working at once and cannot be restored.`)) return;
                void action(revoke, async () => {
                  await api.del(`/token/${key.id}`);
                  msg.ok(`${key.name ?? key.id} revoked.`);
                });
              });
              return h(
                "tr",
                { dataset: { keyId: key.id } },
                h("td", null, h("span", { class: `tag ${key.tag}` }, key.tag)),
                h(
                  "td",
                  null,
                  key.tag === "public"
                    ? h("a", { href: href(`keys/${key.id}`) }, key.name ?? key.id)
                    : (key.name ?? key.id),
                  gaps.length > 0 && h("span", { class: "warn-badge", title: gaps.join(" ") }, "⚠ unrestricted"),
                ),
                h("td", null, h("code", null, key.displayPrefix)),
                h("td", null, when(key.createdAt)),
                h("td", null, when(key.lastUsedAt)),
                h("td", null, status(key)),
                h("td", { class: "actions" }, readOnly(ctx) ? null : [rotate, toggle, revoke]),
              );
            }),
          ),
        );

  const showOnce = (key: Key, verb: string) => {
    if (!key.value) return replace(once);
    replace(
      once,
      h(
        "div",
        { class: `card ${key.tag === "private" ? "secret" : ""}`, role: "status" },
        h("h2", null, `Key ${verb}: ${key.name ?? key.id}`),
        key.tag === "private" &&
          h(
            "p",
            { class: "notice error" },
            "This private key is shown once. Copy it now into your server's secrets; it must never be in a browser or a repository.",
          ),
        h("pre", { class: "secret-value" }, key.value),
        copyButton(key.value, "Copy key"),
      ),
    );
  };

  const name = h("input", { name: "name", placeholder: "e.g. Landing page", maxlength: 100 });
  const tag = h(
    "select",
    { name: "tag" },
    h("option", { value: "public" }, "Public (browser)"),
    h("option", { value: "private" }, "Private (server)"),
  );
  const create = h("button", { type: "submit", class: "primary" }, "Create key");
  const form = h(
    "form",
    { class: "card inline", "aria-label": "Create a key" },
    h("h2", null, "Create a key"),
    field("Name", name),
    field("Kind", tag, "Public keys go in web pages and are restricted; private keys stay on your server."),
    create,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(create, msg, async () => {
      const key = await api.post<Key>("/token", {
        tag: tag.value,
        ...(name.value.trim() && { name: name.value.trim() }),
      });
      name.value = "";
      if (key.tag === "private") showOnce(key, "created");
      else {
        replace(once);
        msg.ok(`Public key ${key.name ?? key.id} created: set its restrictions before you publish it.`);
      }
      await load();
    });
  });

  void load();
  return h("section", null, intro, h("h1", null, "Keys"), msg.el, once, list, readOnly(ctx) ? null : form);
}
