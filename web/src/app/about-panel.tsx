import Box from '@cloudscape-design/components/box';
import HelpPanel from '@cloudscape-design/components/help-panel';
import { useT } from '../i18n';
import { useSession } from './session';

/** The "About TEAM" help panel of the tools drawer. */
export function AboutPanel() {
  const t = useT();
  const { app } = useSession();
  return (
    <HelpPanel
      header={<h2>{t('help.about')}</h2>}
      footer={<Box variant="small">{t('top.version', { version: app.version })}</Box>}
    >
      <p>{t('help.intro')}</p>
      <h3>{t('help.howItWorks')}</h3>
      <ol>
        <li>{t('help.step1')}</li>
        <li>{t('help.step2')}</li>
        <li>{t('help.step3')}</li>
        <li>{t('help.step4')}</li>
      </ol>
      <h3>{t('help.personas')}</h3>
      <ul>
        <li>{t('help.requester')}</li>
        <li>{t('help.approver')}</li>
        <li>{t('help.auditor')}</li>
        <li>{t('help.admin')}</li>
      </ul>
      <p>{t('help.liveUpdates')}</p>
    </HelpPanel>
  );
}
