import { describe, expect, it } from 'vitest';
import { portalPage, type PortalDirectory } from '../../local/portal-page';

const directory: PortalDirectory = {
  users: [
    { id: 'u-1', userName: 'alice@example.com', displayName: 'Alice <Admin>', email: 'alice@example.com' },
  ],
  groups: [{ id: 'g-1', displayName: 'TEAM-Admins' }],
  accounts: [{ id: '111111111111', name: 'Sandbox Team A' }],
  permissionSets: [
    { arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1', name: 'ReadOnlyAccess', description: 'Read only' },
  ],
};

describe('the local access portal', () => {
  it('names people, groups, accounts and permission sets, with the ids beside them, escaped', () => {
    const html = portalPage(
      [
        {
          principalType: 'USER',
          principalId: 'u-1',
          accountId: '111111111111',
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
        },
        {
          principalType: 'GROUP',
          principalId: 'g-1',
          accountId: '111111111111',
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
        },
      ],
      directory,
    );
    expect(html).toContain('Alice &#60;Admin&#62;');
    expect(html).not.toContain('Alice <Admin>');
    expect(html).toContain('TEAM-Admins<span class="sub">Group · g-1</span>');
    expect(html).toContain('Sandbox Team A<span class="sub">111111111111</span>');
    expect(html).toContain('<span class="tag">ReadOnlyAccess</span><span class="sub">Read only</span>');
    expect(html).toContain('Assignments <span>(2)</span>');
    // Sorted by who: Alice before the group.
    expect(html.indexOf('Alice')).toBeLessThan(html.indexOf('TEAM-Admins<'));
  });

  it('says what it does not know instead of showing a bare id as a name, and says when nothing is held', () => {
    const html = portalPage(
      [
        {
          principalType: 'USER',
          principalId: 'u-9',
          accountId: '222222222222',
          permissionSetArn: 'arn:ps-9',
        },
      ],
      directory,
    );
    expect(html).toContain('Unknown user<span class="sub">u-9</span>');
    expect(html).toContain('Unknown account<span class="sub">222222222222</span>');
    expect(portalPage([], directory)).toContain('Nobody holds a permission set');
  });
});
