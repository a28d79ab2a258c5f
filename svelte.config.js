import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // SK_OUT_DIR / BUILD_DIR let parallel builds (tests, benchmark) use their own folders.
    outDir: process.env.SK_OUT_DIR ?? '.svelte-kit',
    // A static site: any intranet web server can host the build/ folder.
    adapter: adapter({ pages: process.env.BUILD_DIR ?? 'build', assets: process.env.BUILD_DIR ?? 'build', fallback: undefined, strict: true }),
    // Relative asset paths, so the site also works from a sub-folder of an intranet server.
    paths: { relative: true }
  }
};
