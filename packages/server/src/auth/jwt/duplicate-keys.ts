/**
 * True when a JSON text has an object with the same key twice. JSON.parse keeps the last one
 * silently, so a token could show one value to a logging proxy and another to us (RFC 8725 §3.9
 * asks verifiers to refuse such input). The text must already be valid JSON.
 */
export function hasDuplicateKeys(json: string): boolean {
  const stack: Set<string>[] = [];
  const containers: ("object" | "array")[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === "{") {
      stack.push(new Set());
      containers.push("object");
      expectKey = true;
    } else if (c === "[") {
      containers.push("array");
      expectKey = false;
    } else if (c === "}") {
      stack.pop();
      containers.pop();
    } else if (c === "]") {
      containers.pop();
    } else if (c === ",") {
      expectKey = containers.at(-1) === "object";
    } else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      if (expectKey) {
        // Keys are compared decoded: "a" and "\u0061" are the same key.
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        const seen = stack.at(-1);
        if (seen?.has(key)) return true;
        seen?.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
  return false;
}
