/**
 * Loaded with `node --import` before a browser sample: `fetch` and `WebSocket` send the Origin of the
 * page the sample pretends to run on (SAMPLE_ORIGIN), as a browser does. Node 20 has no global
 * WebSocket; `ws` stands in for it.
 */
import { WebSocket as NodeWebSocket } from "ws";

const origin = process.env.SAMPLE_ORIGIN;
if (!origin) throw new Error("SAMPLE_ORIGIN is not set");

const nodeFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("origin", origin);
  return nodeFetch(input, { ...init, headers });
};

class BrowserWebSocket extends NodeWebSocket {
  constructor(url: string | URL) {
    super(url, { origin });
  }
}
// The browser's WebSocket and ws's differ in details (events vs. EventEmitter) that the SDK does not use.
globalThis.WebSocket = BrowserWebSocket as unknown as typeof WebSocket;
