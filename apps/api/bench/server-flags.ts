/**
 * The Node flags `npm start` and the container image run the server with (16 MiB
 * semi-spaces, the old generation's growth capped: see the README's Memory section), so
 * that `pnpm bench` and `pnpm bench:soak` measure the server as it runs. Given on the
 * command line: NODE_OPTIONS refuses most V8 flags.
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=16", "--heap-growing-percent=100"] as const;
