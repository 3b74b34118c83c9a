import { runtimeConfigSchema } from '../../lambdas/contract/runtime-config';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { teamVersion } from '../../lib/app';
import { DEFAULT_SUPPORT_LINKS } from '../../lib/config';
import { flat, logicalIdOf, PROJECT_ROOT, synthTeam, type Synthesized } from './support';

/** The config.json the stack deploys (the one asset of the bucket deployment holding one). */
function deployedConfig(synth: Synthesized): Record<string, unknown> {
  const deployments = Object.values(synth.template.findResources('Custom::CDKBucketDeployment')) as {
    Properties: { SourceObjectKeys: string[] };
  }[];
  const configFiles = deployments
    .flatMap((d) => d.Properties.SourceObjectKeys)
    .map((key) => join(synth.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'))
    .filter((file) => {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
  expect(configFiles).toHaveLength(1);
  return JSON.parse(readFileSync(configFiles[0]!, 'utf8')) as Record<string, unknown>;
}

interface Distribution {
  Properties: {
    DistributionConfig: Record<string, unknown> & { ViewerCertificate?: Record<string, unknown> };
  };
}

describe('web hosting (CloudFront default domain)', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;
  const distribution = (
    Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as Distribution
  ).Properties.DistributionConfig;

  it('keeps the site bucket private: public access blocked, TLS only, encrypted, versioned, access-logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalIdOf(stack.accessLogsBucket) },
        LogFilePrefix: 'site/',
      },
    });
    const policy = template.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: logicalIdOf(stack.web.siteBucket) } },
    });
    const statements = JSON.stringify(policy);
    expect(statements).toContain('"aws:SecureTransport":"false"');
    expect(statements).toContain('"Service":"cloudfront.amazonaws.com"');
  });

  it('reads the bucket through origin access control (SigV4), no OAI', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const origins = distribution.Origins as {
      OriginAccessControlId?: unknown;
      S3OriginConfig?: { OriginAccessIdentity?: string };
    }[];
    expect(origins).toHaveLength(1);
    expect(flat(origins[0]!.OriginAccessControlId)).toMatch(/OriginAccessControl.*\.Id>$/);
    expect(origins[0]!.S3OriginConfig?.OriginAccessIdentity ?? '').toBe('');
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('sends strict security headers: CSP limited to self, AppSync, Cognito and their WebSocket, HSTS, DENY, nosniff, referrer', () => {
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as {
      Properties: {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
      };
    };
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = flat(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    const api = logicalIdOf(stack.api.api);
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual([
      "'self'",
      `https://<${api}.GraphQLDns>`,
      `wss://<${api}.RealtimeDns>`,
      'https://team-demo-<AWS::AccountId>.auth.<AWS::Region>.amazoncognito.com',
      'https://cognito-idp.<AWS::Region>.amazonaws.com',
    ]);
    expect(csp).not.toMatch(/\*|unsafe-eval|'unsafe-inline'.*script/);
    expect(headers.ContentSecurityPolicy!.Override).toBe(true);
    expect(headers.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(headers.StrictTransportSecurity!.AccessControlMaxAgeSec as number).toBeGreaterThanOrEqual(
      31536000,
    );
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const defaultBehavior = distribution.DefaultCacheBehavior as Record<string, unknown>;
    expect(defaultBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: logicalIdOf(stack.web.responseHeadersPolicy),
    });
    expect(defaultBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('falls back to index.html for client-side routes, serves config.json uncached, logs requests', () => {
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
    ]);
    const behaviors = distribution.CacheBehaviors as { PathPattern: string; CachePolicyId: string }[];
    // The managed CachingDisabled policy.
    expect(behaviors.find((b) => b.PathPattern === '/config.json')?.CachePolicyId).toBe(
      '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
    );
    expect(distribution.Logging).toBeDefined();
    expect(distribution.WebACLId).toBeUndefined();
  });

  it('deploys config.json built from the stack values', () => {
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as {
      Properties: { SourceObjectKeys: string[]; DistributionPaths: string[]; DestinationBucketName: unknown };
    };
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    expect(deployment.Properties.DestinationBucketName).toEqual({ Ref: logicalIdOf(stack.web.siteBucket) });
    const hashes = deployment.Properties.SourceObjectKeys.map((k) => k.replace(/\.zip$/, ''));
    const configFiles = hashes
      .map((hash) => join(synth.outdir, `asset.${hash}`, 'config.json'))
      .filter((file) => {
        try {
          return statSync(file).isFile();
        } catch {
          return false;
        }
      });
    expect(configFiles).toHaveLength(1);
    const config = JSON.parse(readFileSync(configFiles[0]!, 'utf8')) as Record<string, unknown>;
    // The keys the SPA's own schema reads, so a rename on either side fails here.
    // userPoolEndpoint points aws-amplify at the local cloud's Cognito stand-in; the stack leaves
    // it out, so the SPA talks to Cognito itself.
    expect(Object.keys(config).sort()).toEqual(
      Object.keys(runtimeConfigSchema.shape)
        .filter((key) => key !== 'userPoolEndpoint')
        .sort(),
    );
    expect(config.identityProvider).toBe('IdentityCenter');
    expect(config.idcStartUrl).toBe('https://d-0000000000.awsapps.com/start');
    expect(config.sessionLogs).toBe('none');
    expect(readdirSync(synth.outdir).length).toBeGreaterThan(0);
  });

  it("gives the user menu the project's links and this version's release notes by default", () => {
    const config = deployedConfig(synth);
    const version = teamVersion(PROJECT_ROOT);
    expect(config.version).toBe(version);
    expect(config.links).toEqual({
      documentation: DEFAULT_SUPPORT_LINKS.documentationUrl,
      feedback: DEFAULT_SUPPORT_LINKS.feedbackUrl,
      bugReport: DEFAULT_SUPPORT_LINKS.bugReportUrl,
      releaseNotes: DEFAULT_SUPPORT_LINKS.releaseNotesUrl.replace('{version}', version),
    });
    // What the SPA reads them with (the other values are filled in at deploy time).
    expect(runtimeConfigSchema.shape.links.safeParse(config.links).success).toBe(true);
  });
});

describe('web hosting (custom domain, WAF in the same us-east-1 stack)', () => {
  const synth = synthTeam({
    region: 'us-east-1',
    customDomain: {
      domainName: 'team.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abcd',
      hostedZoneId: 'Z123456ABCDEFG',
      authDomainName: 'auth.team.example.com',
    },
    waf: { allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] },
    support: {
      documentationUrl: 'https://wiki.example.com/team',
      feedbackUrl: 'https://forms.example.com/team-feedback',
      bugReportUrl: 'https://tickets.example.com/new?queue=team',
      releaseNotesUrl: 'https://wiki.example.com/team/releases#v{version}',
    },
  });
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;
  const distribution = (
    Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as Distribution
  ).Properties.DistributionConfig;

  it('serves the custom domain with the given certificate and TLS 1.2+', () => {
    expect(distribution.Aliases).toEqual(['team.example.com']);
    expect(distribution.ViewerCertificate).toEqual({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abcd',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'team.example.com.',
        Type: type,
        HostedZoneId: 'Z123456ABCDEFG',
      });
    }
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'auth.team.example.com.',
      Type: 'A',
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': [logicalIdOf(stack.identity.domain), 'CloudFrontDistribution'] },
        HostedZoneId: Match.anyValue(),
      },
    });
    template.hasResource('AWS::Cognito::UserPoolDomain', {
      DependsOn: [logicalIdOf(stack.web.aliasRecord!)],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'auth.team.example.com',
      CustomDomainConfig: { CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abcd' },
    });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AppUrl?.Value).toBe('https://team.example.com');
    expect(flat(outputs.SamlAcsUrl?.Value)).toBe('https://auth.team.example.com/saml2/idpresponse');
  });

  it('gives the user menu the configured links', () => {
    expect(deployedConfig(synth).links).toEqual({
      documentation: 'https://wiki.example.com/team',
      feedback: 'https://forms.example.com/team-feedback',
      bugReport: 'https://tickets.example.com/new?queue=team',
      releaseNotes: `https://wiki.example.com/team/releases#v${teamVersion(PROJECT_ROOT)}`,
    });
  });

  it('blocks everything but the allow-listed IPv4 and IPv6 ranges with a CloudFront web ACL', () => {
    template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Scope: 'CLOUDFRONT',
      IPAddressVersion: 'IPV4',
      Addresses: ['203.0.113.0/24'],
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Scope: 'CLOUDFRONT',
      IPAddressVersion: 'IPV6',
      Addresses: ['2001:db8::/32'],
    });
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as {
      Properties: {
        Scope: string;
        DefaultAction: unknown;
        Rules: { Action: unknown; Statement: { OrStatement?: { Statements: unknown[] } } }[];
      };
    };
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    expect(acl.Properties.DefaultAction).toEqual({ Block: {} });
    expect(acl.Properties.Rules[0]!.Action).toEqual({ Allow: {} });
    expect(acl.Properties.Rules[0]!.Statement.OrStatement?.Statements).toHaveLength(2);
    expect(distribution.WebACLId).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.waf!.webAcl), 'Arn'] });
  });
});

describe('web hosting (WAF from the us-east-1 stack, TEAM in eu-west-1)', () => {
  const synth = synthTeam({
    region: 'eu-west-1',
    account: '111122223333',
    waf: { allowedCidrs: ['10.0.0.0/8'] },
  });
  afterAll(() => synth.cleanup());

  it('puts the web ACL in a us-east-1 stack and references it across regions', () => {
    expect(synth.wafStack).toBeDefined();
    expect(synth.wafStack!.region).toBe('us-east-1');
    expect(synth.stack.region).toBe('eu-west-1');
    const waf = Template.fromStack(synth.wafStack!);
    waf.resourceCountIs('AWS::WAFv2::WebACL', 1);
    synth.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const distribution = (
      Object.values(synth.template.findResources('AWS::CloudFront::Distribution'))[0] as Distribution
    ).Properties.DistributionConfig;
    // Resolved at deploy time by the CDK cross-region reference reader.
    expect(JSON.stringify(distribution.WebACLId)).toContain('ExportsReader');
    expect(synth.stack.dependencies).toContain(synth.wafStack);
  });
});
