import type { RemovalPolicy } from 'aws-cdk-lib';
import { Arn, Aws, SecretValue, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SlackSecretValue } from '../lambdas/contract/env';
import { installationSuffix, retainExceptOnCreate } from './names';

export interface TeamNotificationsProps {
  /**
   * Start of the Slack token secret's name (e.g. `<stack>/slack-bot-token`); the name ends with
   * a suffix unique to the installation (`-<8 hex digits>`).
   */
  readonly slackSecretNamePrefix: string;
  /** Sender email from the config (an SES email identity, or an address of a domain identity). */
  readonly senderEmail?: string;
  /** SES identity ARN from the config. */
  readonly sesIdentityArn?: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Notification channels: an SNS topic (KMS-encrypted, TLS only), the Slack bot token secret
 * (placeholder until an admin stores a token through Settings) and SES sending rights scoped
 * to the configured identity.
 */
export class TeamNotifications extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly slackSecret: secretsmanager.Secret;
  /** The SES identity ARNs the notifier may send from (empty: no email configured). */
  readonly sesIdentityArns: readonly string[];

  constructor(scope: Construct, id: string, props: TeamNotificationsProps) {
    super(scope, id);

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'TEAM notification topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'TEAM notifications',
      masterKey: this.topicKey,
      enforceSSL: true,
    });

    const placeholder: SlackSecretValue = {};
    // Retained (it holds the token an admin stored) but never in the way of the next deployment:
    // a failed first deployment deletes it (RETAIN_EXCEPT_ON_CREATE), and a reinstall after
    // `cdk destroy` gets a new name (the installation suffix) instead of colliding with the one
    // kept from the previous installation. The functions find it by ARN, admins by the
    // SlackSecretName output; after a reinstall the token is entered again in Settings.
    this.slackSecret = new secretsmanager.Secret(this, 'SlackToken', {
      secretName: `${props.slackSecretNamePrefix}-${installationSuffix(this)}`,
      description:
        'TEAM notification secrets ({"slackToken": "xoxb-...", "slackSigningSecret": "...", "teamsWebhookUrl": "https://..."}); set through Administration > Settings',
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(placeholder)),
      removalPolicy: retainExceptOnCreate(props.removalPolicy),
    });
    Validations.of(this.slackSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The Slack bot token and signing secret and the Teams webhook URL cannot be rotated by Secrets Manager: admins rotate them in Slack or Teams and store the new ones through TEAM Settings.',
    });

    const arns: string[] = [];
    if (props.sesIdentityArn) arns.push(props.sesIdentityArn);
    if (props.senderEmail) {
      const domain = props.senderEmail.split('@')[1] ?? '';
      for (const identity of [props.senderEmail, domain]) {
        arns.push(
          Arn.format({
            service: 'ses',
            resource: 'identity',
            resourceName: identity,
            region: Aws.REGION,
            account: Aws.ACCOUNT_ID,
            partition: Aws.PARTITION,
          }),
        );
      }
    }
    this.sesIdentityArns = [...new Set(arns)];
  }

  /** Lets the grantee publish to the topic (and use its key for that). */
  grantPublish(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.topicKey.keyArn],
      }),
    );
  }

  /** Lets the grantee send email from the configured SES identity (nothing when none is configured). */
  grantSendEmail(grantee: iam.IGrantable): void {
    if (!this.sesIdentityArns.length) return;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [...this.sesIdentityArns] }),
    );
  }

  /** Lets the grantee read the notification secrets (Slack token and signing secret, Teams webhook URL). */
  grantReadSlackToken(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [this.slackSecret.secretArn],
      }),
    );
  }

  /**
   * Lets the grantee store (or clear) the notification secrets. All of them live in one JSON
   * value, so a write reads it first to keep the others (the api never returns what it read).
   */
  grantWriteSlackToken(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DescribeSecret',
        ],
        resources: [this.slackSecret.secretArn],
      }),
    );
  }
}
