/** A countdown for cool-downs: whole seconds until an ISO instant (0 once passed), ticking each second. */
import { useEffect, useState } from 'react';

export function useSecondsUntil(at: string | null | undefined): number {
  const target = at ? Date.parse(at) : Number.NaN;
  const secondsLeft = () => (Number.isNaN(target) ? 0 : Math.max(0, Math.ceil((target - Date.now()) / 1000)));
  const [seconds, setSeconds] = useState(secondsLeft);
  useEffect(() => {
    setSeconds(secondsLeft());
    if (Number.isNaN(target)) return;
    const timer = setInterval(() => {
      const left = secondsLeft();
      setSeconds(left);
      if (left === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [target]); // secondsLeft reads nothing but `target`.
  return seconds;
}
