/**
 * The browser host's engine socket (`layercanvas serve`, cli/serve.ts ↔ renderer/services/browser-host.ts): its
 * path and query, and the few messages the server itself sends or reads (everything else is engine protocol).
 * Plain constants so the page can import them without the server's code.
 */

/** `ws://127.0.0.1:<port>/engine?token=<launch token>&page=<page id>` */
export const ENGINE_SOCKET_PATH = '/engine';
/** Where the launch token sits in the page's URL: its fragment, `#token=…`, never sent in a request line. */
export const TOKEN_FRAGMENT_KEY = 'token';
/** The header the page sends the token in when it fetches what only it may read (the served model). */
export const TOKEN_HEADER = 'x-layercanvas-token';
/** Server → page: `{ type, status }`, the page's engine status. */
export const SERVER_STATUS_TYPE = 'engine-status';
/** Page → server: `{ type }`, kill the page's engine and start a fresh one. */
export const RESTART_ENGINE_TYPE = 'restart-engine';
/** Close code: the server already runs as many pages as it allows. */
export const TOO_MANY_PAGES_CODE = 4429;
/** Close code the page sends as it unloads: its engine can go at once (a dropped socket keeps it a while). */
export const PAGE_LEAVING_CODE = 4001;
