/**
 * Cloudscape components the SPA never renders: their strings are left out of the Cloudscape
 * message bundles at build time (see web/vite.config.ts). Using one of them means removing it
 * from this list; test/web/i18n/i18n.test.ts fails when a source file imports one.
 */
export const UNUSED_CLOUDSCAPE_COMPONENTS: readonly string[] = [
  // The strings the charts share: the dashboard gives its charts every one of them itself.
  '[charts]',
  'annotation-context',
  'area-chart',
  'cards',
  'code-editor',
  'copy-to-clipboard',
  'prompt-input',
  'property-filter',
  's3-resource-selector',
  'slider',
  'tag-editor',
  'tree-view',
  'tutorial-panel',
  'wizard',
];
