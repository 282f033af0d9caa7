/** The current hash route: `#/keys/key_1/activity?window=24h` → parts ["keys","key_1","activity"]. */
export type Route = { parts: string[]; query: URLSearchParams };

export function readRoute(hash: string = location.hash): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [path = "", search = ""] = raw.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function go(path: string): void {
  location.hash = `#/${path.replace(/^\//, "")}`;
}

export function href(path: string): string {
  return `#/${path.replace(/^\//, "")}`;
}
