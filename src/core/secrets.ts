/** Text that looks like a credential, so `save` can refuse to publish it. Pure. */

const RULES: Array<[string, RegExp]> = [
  ["a private key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/],
  ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/],
  ["a GitLab token", /\bglpat-[A-Za-z0-9_-]{20,}\b/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["a Stripe secret key", /\b[sr]k_live_[0-9A-Za-z]{20,}\b/],
  ["an Anthropic API key", /\bsk-ant-[A-Za-z0-9_-]{20,}/],
  ["an OpenAI API key", /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,}/],
  ["a JSON web token", /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ["a password in a URL", /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s:@]{4,}@/i],
];

export interface SecretHit {
  /** 1-based line within the text scanned. */
  line: number;
  kind: string;
}

export function findSecrets(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const [kind, re] of RULES) if (re.test(line)) hits.push({ line: i + 1, kind });
  });
  return hits;
}
