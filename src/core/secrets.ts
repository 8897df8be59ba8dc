/**
 * Text that looks like a credential, so `save` can refuse to publish it. Pure.
 *
 * Every rule runs in time linear in the line: quantifiers are bounded, and the one rule that needs a
 * scheme before `://` finds the `://` first and looks a bounded distance to each side of it (a 300 KB line
 * once took the old rule half a minute).
 */

const RULES: Array<[string, RegExp]> = [
  ["a private key", /-----BEGIN (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY( BLOCK)?-----/],
  ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["an AWS secret access key", /aws.{0,20}?(?:secret|sk)[A-Za-z_ -]{0,20}?["'\s:=]{1,5}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i],
  ["a GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/],
  ["a GitLab token", /\bglpat-[A-Za-z0-9_-]{20,255}\b/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,255}\b/],
  ["a Slack webhook URL", /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,255}/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["a Stripe secret key", /\b[sr]k_live_[0-9A-Za-z]{20,255}\b/],
  ["an Anthropic API key", /\bsk-ant-[A-Za-z0-9_-]{20}/],
  ["an OpenAI API key", /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32}/],
  ["a JSON web token", /\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8}/],
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
    if (hasUrlPassword(line)) hits.push({ line: i + 1, kind: "a password in a URL" });
  });
  return hits;
}

const SCHEME_END = /[a-z][a-z0-9+.-]{0,31}$/i;
const USER_PASS = /[^/\s:@]{1,256}:[^/\s:@]{4,256}@/y;

/** `scheme://user:password@host`, found from each `://`: at most a bounded look to each side of it. */
function hasUrlPassword(line: string): boolean {
  for (let at = line.indexOf("://"); at >= 0; at = line.indexOf("://", at + 3)) {
    if (!SCHEME_END.test(line.slice(Math.max(0, at - 32), at))) continue;
    USER_PASS.lastIndex = at + 3;
    if (USER_PASS.test(line)) return true;
  }
  return false;
}
