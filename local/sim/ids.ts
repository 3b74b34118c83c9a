/**
 * Id shapes of Identity Center, Identity Store and Organizations, for validating requests the
 * way the real services do and for minting ids that look real.
 */

export const PATTERNS = {
  instanceArn: /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/,
  permissionSetArn:
    /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/,
  identityStoreId: /^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$/,
  /** Identity Store user and group ids: a UUID, optionally behind a 10-hex prefix. */
  principalId:
    /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/,
  accountId: /^\d{12}$/,
  organizationId: /^o-[a-z0-9]{10,32}$/,
  rootId: /^r-[0-9a-z]{4,32}$/,
  ouId: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
} as const;

/** mulberry32: a tiny seedable generator, so fault decisions and minted ids are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random source that can be re-seeded while services hold a reference to it. */
export class RandomSource {
  private next: () => number;
  constructor(seed?: number) {
    this.next = seed === undefined ? Math.random : seededRandom(seed);
  }
  /** Re-seeds (reproducible from here on); no seed means Math.random. */
  reseed(seed?: number): void {
    this.next = seed === undefined ? Math.random : seededRandom(seed);
  }
  random = (): number => this.next();
  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)] ?? alphabet[0];
    return out;
  }
  hex(n: number): string {
    return this.chars('0123456789abcdef', n);
  }
  digits(n: number): string {
    // Account ids never start with 0 in practice, which keeps them readable as numbers too.
    return this.chars('123456789', 1) + this.chars('0123456789', n - 1);
  }
  /** A UUID-shaped string (not RFC 4122 versioned, like Identity Store ids). */
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}`;
  }
}
