/** A labelled progress bar for long work (archiving, exporting). */
import type { ReactNode } from 'react';

export function Progress({ label, fraction, detail }: { label: string; fraction: number; detail?: string }): ReactNode {
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div className="progress">
      <div className="progress-label">
        <span>{label}</span>
        <span aria-hidden="true">{pct} %</span>
      </div>
      <progress max={100} value={pct} aria-label={label} aria-valuetext={`${pct} %${detail ? `, ${detail}` : ''}`} />
      {detail ? <div className="muted small">{detail}</div> : null}
    </div>
  );
}
