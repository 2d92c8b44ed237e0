import { createServer } from "vite";

/**
 * The example app on Vite's dev server, as `pnpm dev` serves it, but on a free port of
 * 127.0.0.1: for tests that open it in a browser, at `localhost` like a developer.
 */
export async function serveExampleApp(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await createServer({
    configFile: new URL("vite.config.ts", import.meta.url).pathname,
    server: { host: "127.0.0.1", port: 0, strictPort: false },
    logLevel: "silent",
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (address === null || address === undefined || typeof address === "string") throw new Error("not listening");
  return { url: `http://localhost:${address.port}/`, close: () => server.close() };
}
