import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useFollow, useRouter } from '../../app/router';
import { pathOf, type RouteName } from '../../app/routes';
import { useMe } from '../../app/session';
import { useT, type MessageKey } from '../../i18n';

interface QuickLink {
  route: RouteName;
  title: MessageKey;
  description: MessageKey;
}

const EVERYONE: readonly QuickLink[] = [
  { route: 'createRequest', title: 'nav.createRequest', description: 'home.createRequest' },
  { route: 'myRequests', title: 'nav.myRequests', description: 'home.myRequests' },
  { route: 'approveRequests', title: 'nav.approveRequests', description: 'home.approveRequests' },
  { route: 'activeAccess', title: 'nav.activeAccess', description: 'home.activeAccess' },
];

const AUDITOR: readonly QuickLink[] = [
  { route: 'auditApprovals', title: 'nav.auditApprovals', description: 'home.auditApprovals' },
  { route: 'auditSessions', title: 'nav.auditSessions', description: 'home.auditSessions' },
];

const ADMIN: readonly QuickLink[] = [
  { route: 'eligibilityPolicy', title: 'nav.eligibilityPolicy', description: 'home.eligibilityPolicy' },
  { route: 'approverPolicy', title: 'nav.approverPolicy', description: 'home.approverPolicy' },
  { route: 'settings', title: 'nav.settings', description: 'home.settings' },
];

function LinkGroup({ header, links }: { header: string; links: readonly QuickLink[] }) {
  const t = useT();
  const follow = useFollow();
  return (
    <Container header={<Header variant="h2">{header}</Header>}>
      <ColumnLayout columns={Math.min(links.length, 4)} variant="text-grid">
        {links.map((link) => (
          <div key={link.route}>
            <Box variant="h3" padding="n">
              <Link href={pathOf(link.route)} onFollow={follow} variant="primary">
                {t(link.title)}
              </Link>
            </Box>
            <Box color="text-body-secondary">{t(link.description)}</Box>
          </div>
        ))}
      </ColumnLayout>
    </Container>
  );
}

/** Landing page: what TEAM is and what the caller can do, by persona. */
export default function HomePage() {
  const t = useT();
  const me = useMe();
  const { navigate } = useRouter();
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={t('home.description')}
          actions={
            <Button variant="primary" onClick={() => navigate(pathOf('createRequest'))}>
              {t('nav.createRequest')}
            </Button>
          }
        >
          {t('home.title', { name: me.displayName || me.userName })}
        </Header>
      }
    >
      <SpaceBetween size="l">
        <LinkGroup header={t('home.whatCanIDo')} links={EVERYONE} />
        {me.isAuditor ? <LinkGroup header={t('nav.audit')} links={AUDITOR} /> : null}
        {me.isAdmin ? <LinkGroup header={t('nav.administration')} links={ADMIN} /> : null}
        <Container header={<Header variant="h2">{t('help.howItWorks')}</Header>}>
          <ColumnLayout columns={4} variant="text-grid">
            {(['help.step1', 'help.step2', 'help.step3', 'help.step4'] as const).map((key, index) => (
              <div key={key}>
                <Box variant="awsui-key-label">{t('home.step', { n: index + 1 })}</Box>
                <Box>{t(key)}</Box>
              </div>
            ))}
          </ColumnLayout>
        </Container>
      </SpaceBetween>
    </ContentLayout>
  );
}
