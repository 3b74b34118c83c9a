import type { Request } from '../../api/model';
import { useT } from '../../i18n';
import { formatRemaining } from '../../i18n/format';
import { useNow } from '../../app/clock';

export type CountdownKind = 'startsIn' | 'endsIn' | 'expiresIn';

/** What a request is counting down to now, if anything. */
export function countdownOf(request: Request): { kind: CountdownKind; target: number } | undefined {
  switch (request.status) {
    case 'PENDING':
      return request.expiresAt ? { kind: 'expiresIn', target: Date.parse(request.expiresAt) } : undefined;
    case 'APPROVED':
    case 'SCHEDULED':
      return { kind: 'startsIn', target: Date.parse(request.startTime) };
    case 'IN_PROGRESS':
      // The server's end: it moves with every approved extension.
      return { kind: 'endsIn', target: Date.parse(request.endTime) };
    default:
      return undefined;
  }
}

/** "Starts in 1 h 05 min", ticking every second; nothing for requests that wait for nothing. */
export function Countdown({ request }: { request: Request }) {
  const t = useT();
  const now = useNow();
  const countdown = countdownOf(request);
  if (!countdown || Number.isNaN(countdown.target)) return <>-</>;
  const remaining = countdown.target - now;
  if (remaining <= 0) {
    return <>{t(`countdown.${countdown.kind}.due`)}</>;
  }
  // The line may break before the time ("Expires in / 2 h 59 min"), never inside it.
  const [before = '', after = ''] = t(`countdown.${countdown.kind}`, { time: '\u0000' }).split('\u0000');
  return (
    <>
      {before}
      <span style={{ whiteSpace: 'nowrap' }}>{formatRemaining(remaining, t)}</span>
      {after}
    </>
  );
}
