// Builds the dashboard into ../dist, which the Go binary embeds (go:embed).
// File names carry no hash so that a rebuild of unchanged sources changes
// nothing in git; the server sends index.html with no-store.
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        entryFileNames: "assets/app.js",
        chunkFileNames: "assets/[name].js",
        assetFileNames: "assets/[name][extname]",
      },
    },
  },
  test: {
    include: ["src/**/*.test.js"],
    environment: "node",
  },
});
