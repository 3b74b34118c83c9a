/** Settings: defaults, the settings in force, an admin's edit, and the OU cache's refresh input. */
export * from './settings-input';
export * from './settings';
export * from './manage-settings';
export * from './ou-cache-input';
