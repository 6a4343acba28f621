import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const api = process.env.EXPLORER_API ?? "http://127.0.0.1:42069";

/**
 * The dev server injects CSS through <style> tags (HMR), which the strict production policy
 * (style-src 'self') blocks: relax style-src in `vite dev` only. Builds keep the strict meta tag.
 */
function devCsp(): Plugin {
  return {
    name: "explorer-dev-csp",
    apply: "serve",
    transformIndexHtml(html) {
      return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: wss:");
    },
  };
}

export default defineConfig({
  root,
  base: "/",
  plugins: [devCsp()],
  esbuild: { jsx: "automatic" },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // No inlined assets as data: URLs for scripts; keep the policy simple.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: {
      "/graphql": { target: api, changeOrigin: true },
      "/api": { target: api, changeOrigin: true },
    },
  },
  preview: { host: "127.0.0.1" },
});
