import '@cloudscape-design/global-styles/index.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAmplifyTeamApi } from './api/amplify-api';
import { configureAmplify, createAmplifyAuth } from './api/amplify-auth';
import { App } from './app/app';
import { appInfoOf, loadRuntimeConfig } from './app/config';
import { browserHistory } from './app/router';
import { initialLanguage, LanguageProvider, loadCatalog, loadCloudscapeMessages } from './i18n';

async function start(): Promise<void> {
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root element.');
  const root = createRoot(container);
  const language = initialLanguage();

  // The config and the strings load in parallel; all are needed for the first screen.
  const [result, messages, catalog] = await Promise.all([
    loadRuntimeConfig(),
    loadCloudscapeMessages(language).catch(() => undefined),
    loadCatalog(language).catch(() => undefined),
  ]);
  const cloudscapeMessages = messages ? { [language]: messages } : undefined;
  const catalogs = catalog ? { [language]: catalog } : undefined;

  if (!result.ok) {
    const { ConfigErrorPage } = await import('./app/error-pages');
    root.render(
      <StrictMode>
        <LanguageProvider initial={language} catalogs={catalogs} cloudscapeMessages={cloudscapeMessages}>
          <ConfigErrorPage problem={result.problem} />
        </LanguageProvider>
      </StrictMode>,
    );
    return;
  }

  const { config } = result;
  configureAmplify(config);
  root.render(
    <StrictMode>
      <LanguageProvider initial={language} catalogs={catalogs} cloudscapeMessages={cloudscapeMessages}>
        <App
          auth={createAmplifyAuth(config)}
          api={createAmplifyTeamApi({ endpoint: config.graphqlUrl })}
          app={appInfoOf(config)}
          history={browserHistory()}
        />
      </LanguageProvider>
    </StrictMode>,
  );
}

void start();
