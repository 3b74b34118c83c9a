import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TeamWaf } from './web';

export interface TeamWafStackProps extends StackProps {
  readonly allowedCidrs: readonly string[];
  readonly namePrefix: string;
}

/**
 * The WAF web ACL of the web app. CloudFront only accepts web ACLs from us-east-1, so when TEAM
 * is deployed elsewhere this small stack is deployed to us-east-1 first and its ARN reaches the
 * TEAM stack through a CDK cross-region reference.
 */
export class TeamWafStack extends Stack {
  readonly waf: TeamWaf;

  constructor(scope: Construct, id: string, props: TeamWafStackProps) {
    super(scope, id, props);
    this.waf = new TeamWaf(this, 'Waf', { allowedCidrs: props.allowedCidrs, namePrefix: props.namePrefix });
  }

  get webAclArn(): string {
    return this.waf.webAclArn;
  }
}
