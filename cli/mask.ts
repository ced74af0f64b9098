/** How a user-supplied secret may appear in output: its prefix and last 4 characters, never more. */
export function maskSecret(secret: string): string {
  const prefix = secret.startsWith('whsec_') ? 'whsec_' : '';
  return `${prefix}…${secret.slice(-4)}`;
}
