/**
 * What a disabled button waits for, said beside it (and read with it: the button points here
 * with aria-describedby), so nobody has to guess why "Spara" does nothing — e.g. "Skriv minst
 * 10 tecken i skälet (7 till)".
 */
import type { ReactNode } from 'react';

export function Waits({ id, items }: { id: string; items: readonly string[] }): ReactNode {
  if (items.length === 0) return null;
  return (
    <ul className="waits small" id={id} data-testid="waits">
      {items.map((x) => (
        <li key={x}>{x}</li>
      ))}
    </ul>
  );
}

/** "at least n characters" as a countdown: null when there are enough. */
export function charsLeft(text: string, min: number): number | null {
  const n = text.trim().length;
  return n >= min ? null : min - n;
}
