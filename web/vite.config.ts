import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { UNUSED_CLOUDSCAPE_COMPONENTS } from './src/i18n/unused-cloudscape.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

const MESSAGES = /[\\/]@cloudscape-design[\\/]components[\\/]i18n[\\/]messages[\\/]all\.(en|ja)\.js$/;

/**
 * Cloudscape ships the strings of every component in one bundle per language; the app loads one
 * at startup. This drops the components the app never renders (listed next to the catalogs,
 * checked by test/web/i18n/i18n.test.ts), which keeps the initial route lighter. Tests import the full
 * bundles, so a wrong list cannot hide there.
 */
function trimCloudscapeMessages(unused: readonly string[]): Plugin {
  return {
    name: 'team-trim-cloudscape-messages',
    enforce: 'pre',
    load(id) {
      const match = MESSAGES.exec(id.split('?')[0] ?? '');
      if (!match) return null;
      const language = match[1] ?? 'en';
      const json: unknown = JSON.parse(readFileSync(id.replace(/\.js(\?.*)?$/, '.json'), 'utf8'));
      if (typeof json !== 'object' || json === null) return null;
      const trimmed = Object.fromEntries(
        Object.entries(json).map(([namespace, byLanguage]) => {
          const messages = (byLanguage as Record<string, Record<string, unknown>>)[language] ?? {};
          const kept = Object.fromEntries(
            Object.entries(messages).filter(([name]) => !unused.includes(name)),
          );
          return [namespace, { [language]: kept }];
        }),
      );
      return `export default ${JSON.stringify(trimmed)};`;
    },
  };
}

// One build serves every environment: nothing environment-specific is baked in; the app reads
// /config.json at startup.
export default defineConfig({
  root,
  base: '/',
  plugins: [trimCloudscapeMessages(UNUSED_CLOUDSCAPE_COMPONENTS), react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The manifest lets scripts/bundle-size.ts measure what the initial route loads.
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // Loopback only. HMR's WebSocket shares this server's address and port (no socket of its own);
    // the local cloud's web host (local/web-host.ts) attaches it to its own server the same way.
    host: '127.0.0.1',
    // `vite` during development: the runtime config comes from a running deployment or local
    // cloud, e.g. TEAM_CONFIG_ORIGIN=http://127.0.0.1:3000 serves its /config.json.
    proxy: process.env['TEAM_CONFIG_ORIGIN']
      ? { '/config.json': process.env['TEAM_CONFIG_ORIGIN'] }
      : undefined,
  },
  preview: {
    host: '127.0.0.1',
  },
});
