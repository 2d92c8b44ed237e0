import { defaultClientConditions, defineConfig } from "vite";

// @tasks/client is a workspace package: its `source` export is the TypeScript itself,
// which Vite compiles, so the example needs no build of the client first.
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ["source", ...defaultClientConditions] },
  server: { host: "localhost", port: 5173 },
});
