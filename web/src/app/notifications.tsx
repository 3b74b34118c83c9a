import { lazy, Suspense } from 'react';
import { useFlash } from './flash';

// The Flashbar is only needed once there is something to say: keep it off the initial route.
const Flashbar = lazy(() => import('@cloudscape-design/components/flashbar'));

/** The app layout's notifications slot: the Flashbar, loaded with the first message. */
export function Notifications() {
  const { items } = useFlash();
  if (items.length === 0) return null;
  return (
    <Suspense fallback={null}>
      <Flashbar items={items} />
    </Suspense>
  );
}
