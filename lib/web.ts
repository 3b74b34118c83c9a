import { existsSync } from 'node:fs';
import { Annotations, Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { isIPv6Cidr, type SupportLinks } from './config';

/**
 * The runtime configuration the SPA reads from `/config.json`, so one build serves every
 * environment; values are filled in at deploy time (its schema is
 * `runtimeConfigSchema` in lambdas/contract/runtime-config.ts; a test keeps the two in step).
 */
export interface RuntimeConfig {
  /** Region of the user pool and the API. */
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Cognito hosted-UI domain host (no scheme). */
  oauthDomain: string;
  /** Name of the SAML identity provider to send sign-ins to. */
  identityProvider: string;
  /** The `team` command line's public app client and its loopback callback URL. */
  cliClientId?: string;
  cliRedirectUri?: string;
  /** Where Cognito sends people back after signing in and out (app URL with a trailing slash). */
  redirectSignIn: string;
  redirectSignOut: string;
  graphqlUrl: string;
  /** AWS access portal URL (header link). */
  idcStartUrl: string;
  /** https://<app host> (no trailing slash). */
  appUrl: string;
  /** Version of TEAM (package.json). */
  version: string;
  /** Which session-log provider is deployed; `none` hides session activity. */
  sessionLogs: 'cloudtrail-lake' | 'athena' | 'none';
  /** The user menu's links (documentation, feedback, bug reports, this version's release notes). */
  links: SupportLinks;
}

/** Builds the Content-Security-Policy: only this site, plus the API, Cognito and WebSocket endpoints. */
export function contentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Cloudscape sets inline style attributes; no inline scripts are allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

export interface TeamWafProps {
  /** IPv4 and IPv6 CIDRs allowed to reach the web app (validated by the config). */
  readonly allowedCidrs: readonly string[];
  /** Prefix of the WAF resource names. */
  readonly namePrefix: string;
}

/**
 * An AWS WAF web ACL for CloudFront that blocks every request not coming from the allowed
 * CIDRs. WAF for CloudFront lives in us-east-1, so this construct must be in a us-east-1 stack.
 */
export class TeamWaf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: TeamWafProps) {
    super(scope, id);
    const v4 = props.allowedCidrs.filter((c) => !isIPv6Cidr(c));
    const v6 = props.allowedCidrs.filter((c) => isIPv6Cidr(c));
    const sets: wafv2.CfnIPSet[] = [];
    if (v4.length) {
      sets.push(
        new wafv2.CfnIPSet(this, 'AllowedIPv4', {
          name: `${props.namePrefix}-allowed-ipv4`,
          scope: 'CLOUDFRONT',
          ipAddressVersion: 'IPV4',
          addresses: v4,
        }),
      );
    }
    if (v6.length) {
      sets.push(
        new wafv2.CfnIPSet(this, 'AllowedIPv6', {
          name: `${props.namePrefix}-allowed-ipv6`,
          scope: 'CLOUDFRONT',
          ipAddressVersion: 'IPV6',
          addresses: v6,
        }),
      );
    }
    const matches: wafv2.CfnWebACL.StatementProperty[] = sets.map((set) => ({
      ipSetReferenceStatement: { arn: set.attrArn },
    }));
    const [only] = matches;
    const statement: wafv2.CfnWebACL.StatementProperty =
      matches.length === 1 && only ? only : { orStatement: { statements: matches } };
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.namePrefix}-web`,
      scope: 'CLOUDFRONT',
      defaultAction: { block: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: `${props.namePrefix}-web`,
        sampledRequestsEnabled: true,
      },
      rules: [
        {
          name: 'allow-listed-ips',
          priority: 0,
          action: { allow: {} },
          statement,
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: `${props.namePrefix}-allowed`,
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
  }

  get webAclArn(): string {
    return this.webAcl.attrArn;
  }
}

export interface TeamWebProps {
  /** Built SPA (web/dist); when missing only config.json is deployed. */
  readonly webDistPath: string;
  readonly accessLogsBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** Extra `connect-src` sources: the AppSync HTTPS and WebSocket endpoints, the Cognito domain. */
  readonly connectSources: readonly string[];
  readonly customDomain?: {
    readonly domainName: string;
    readonly certificateArn: string;
    readonly hostedZoneId?: string;
  };
  /** WAF web ACL (us-east-1) to attach. */
  readonly webAclArn?: string;
}

/**
 * Hosting without Amplify: a private, versioned S3 bucket behind CloudFront with origin access
 * control, strict security headers, an SPA fallback, TLS 1.2+, an optional custom domain and WAF,
 * and `/config.json` generated from the stack at deploy time.
 */
export class TeamWeb extends Construct {
  readonly siteBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** Host name of the app (custom domain, or the CloudFront domain). */
  readonly appHost: string;
  readonly appUrl: string;
  /** The app's alias record, when a hosted zone was given. */
  readonly aliasRecord?: route53.ARecord;
  /** The hosted zone of the custom domain, when given. */
  readonly hostedZone?: route53.IHostedZone;
  private readonly props: TeamWebProps;

  constructor(scope: Construct, id: string, props: TeamWebProps) {
    super(scope, id);
    this.props = props;

    this.siteBucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'TEAM web app security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.connectSources),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        // The legacy XSS auditor is itself an attack surface; CSP replaces it.
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
            override: true,
          },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket);
    const certificate = props.customDomain
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn)
      : undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'TEAM web app',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      additionalBehaviors: {
        // Read at every start of the app: never cached, so a redeploy applies at once.
        '/config.json': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: this.responseHeadersPolicy,
        },
      },
      // The SPA routes client-side: unknown paths (403 from the private bucket, 404) serve the app.
      errorResponses: [
        {
          httpStatus: 403,
          responseHttpStatus: 200,
          responsePagePath: '/index.html',
          ttl: Duration.seconds(0),
        },
        {
          httpStatus: 404,
          responseHttpStatus: 200,
          responsePagePath: '/index.html',
          ttl: Duration.seconds(0),
        },
      ],
      // Only meaningful with an own certificate: the default *.cloudfront.net one is fixed.
      minimumProtocolVersion: certificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      sslSupportMethod: certificate ? cloudfront.SSLMethod.SNI : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      domainNames: props.customDomain ? [props.customDomain.domainName] : undefined,
      certificate,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: props.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        "TEAM serves the organization's own staff wherever they are; access is limited by sign-in and optionally by the WAF IP allow-list.",
    });
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'WAF is optional (config `waf.allowedCidrs`); without it the app is protected by federated sign-in only, and it serves static files.',
      });
    }
    if (!props.customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront uses its default *.cloudfront.net certificate, which cannot set a minimum protocol; with `customDomain` TLSv1.2_2021 is enforced.',
      });
    }

    if (props.customDomain) {
      this.appHost = props.customDomain.domainName;
      if (props.customDomain.hostedZoneId) {
        const zone = route53.HostedZone.fromHostedZoneId(this, 'Zone', props.customDomain.hostedZoneId);
        this.hostedZone = zone;
        const target = route53.RecordTarget.fromAlias(new route53Targets.CloudFrontTarget(this.distribution));
        // A fully qualified name (trailing dot): the zone's own name is not known here.
        this.aliasRecord = new route53.ARecord(this, 'AliasA', {
          zone,
          recordName: `${props.customDomain.domainName}.`,
          target,
        });
        new route53.AaaaRecord(this, 'AliasAAAA', {
          zone,
          recordName: `${props.customDomain.domainName}.`,
          target,
        });
      }
    } else {
      this.appHost = this.distribution.distributionDomainName;
    }
    this.appUrl = `https://${this.appHost}`;
  }

  /** Whether the built SPA exists (otherwise only config.json is deployed). */
  get hasBuiltApp(): boolean {
    return existsSync(this.props.webDistPath);
  }

  /**
   * Deploys the built SPA (if `web/dist` exists) and `/config.json` to the site bucket, then
   * invalidates the distribution.
   */
  deploy(runtimeConfig: RuntimeConfig): s3deploy.BucketDeployment {
    const sources: s3deploy.ISource[] = [];
    if (this.hasBuiltApp) {
      sources.push(s3deploy.Source.asset(this.props.webDistPath, { exclude: ['config.json'] }));
    } else {
      Annotations.of(this).addWarningV2(
        'team:web-dist-missing',
        `${this.props.webDistPath} does not exist: only config.json is deployed. Build the SPA (npm run build in web/) and deploy again.`,
      );
    }
    sources.push(s3deploy.Source.jsonData('config.json', runtimeConfig));
    return new s3deploy.BucketDeployment(this, 'Deployment', {
      sources,
      destinationBucket: this.siteBucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
    });
  }
}

/** The Cognito user-pool API endpoint the SPA calls for token refresh and sign-out. */
export function cognitoIdpEndpoint(): string {
  return `https://cognito-idp.${Aws.REGION}.amazonaws.com`;
}
