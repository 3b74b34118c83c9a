/**
 * The token claims TEAM adds at sign-in (pre-token-generation trigger) and the api reads back.
 * One module so the writer and the reader can never disagree.
 *
 * Names are plain snake_case with a `team_` prefix: Cognito's V2_0 trigger accepts them in both
 * the ID and the access token (the `cognito:` prefix and the standard OIDC/JWT claims are
 * reserved), and amplify sends the access token to AppSync, so they must be in both.
 */

export const TEAM_CLAIMS = {
  /** IAM Identity Center user id. */
  userId: 'team_user_id',
  /** IAM Identity Center user name. */
  userName: 'team_user_name',
  email: 'team_email',
  displayName: 'team_display_name',
  /**
   * IAM Identity Center group ids of the user, as JSON text of a string array: claim values are
   * strings in the trigger's typings and in V1 tokens. Readers also accept a real array.
   */
  groupIds: 'team_group_ids',
} as const;

/** Cognito groups (`cognito:groups`) that the trigger derives from Identity Center groups. */
export const COGNITO_GROUPS = { admin: 'Admin', auditor: 'Auditors' } as const;

/** The claim Cognito puts user-pool groups in. */
export const COGNITO_GROUPS_CLAIM = 'cognito:groups';

/** Cognito user names of federated users are `<provider>_<IdC user name>`; this is the user name. */
export function idcUserNameOf(cognitoUserName: string): string {
  const at = cognitoUserName.indexOf('_');
  return at < 0 ? cognitoUserName : cognitoUserName.slice(at + 1);
}
