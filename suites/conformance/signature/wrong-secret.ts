import type { Check } from '../../types.js';
import { refusalCheck } from '../verdicts.js';

export const wrongSecret: Check = {
  id: 'signature.wrong-secret',
  title: 'refuses a body signed with another secret',
  severity: () => 'must',
  appliesTo: () => true,
  run: (ctx) =>
    refusalCheck(
      ctx,
      [{ label: 'signed with another secret', change: { variant: 'wrong-secret', wrongSecret: true } }],
      'The receiver does not verify the signature against its own secret.',
    ),
};
