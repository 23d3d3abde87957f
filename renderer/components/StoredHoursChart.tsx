/**
 * Stored hours per camera per day over the retention window: one strip of day bars per camera
 * (0–24 h), the held part of each day in amber, and the retention horizon as a dashed line
 * (days left of it are due for deletion). The same numbers are in a table for screen readers.
 */
import type { ReactNode } from 'react';
import type { ChartSeries } from '../stores/overview.js';

export interface ChartLabels {
  title: string;
  hours: string;
  held: string;
  horizon: string;
  day: string;
  camera: string;
  summary(cameras: number, days: number): string;
}

export function StoredHoursChart({ series, days, horizonMs, dayLabel, labels, width = 760 }: { series: readonly ChartSeries[]; days: readonly number[]; horizonMs: number | null; dayLabel(ms: number): string; labels: ChartLabels; width?: number }): ReactNode {
  const left = 130;
  const rowH = 46;
  const top = 8;
  const plotW = width - left - 10;
  const barW = days.length > 0 ? plotW / days.length : plotW;
  const height = top + series.length * rowH + 24;
  const dayIndex = (ms: number): number => {
    let i = 0;
    while (i + 1 < days.length && (days[i + 1] as number) <= ms) i++;
    return i;
  };
  const horizonX = horizonMs !== null && days.length > 0 && horizonMs > (days[0] as number) ? left + (dayIndex(horizonMs) + 1) * barW : null;
  const labelEvery = Math.max(1, Math.ceil(days.length / 10));
  return (
    <figure className="chart">
      <svg width="100%" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={labels.summary(series.length, days.length)}>
        {series.map((s, r) => {
          const y0 = top + r * rowH;
          return (
            <g key={s.camera} transform={`translate(0,${y0})`}>
              <text x={left - 8} y={rowH / 2} textAnchor="end" className="chart-cam">
                {s.name}
              </text>
              <rect x={left} y={2} width={plotW} height={rowH - 8} className="chart-bg" />
              {s.days.map((d, i) => {
                const h = (Math.min(24, d.hours) / 24) * (rowH - 8);
                const hh = (Math.min(24, d.heldHours) / 24) * (rowH - 8);
                return (
                  <g key={d.dayMs}>
                    {h > 0 ? <rect x={left + i * barW + 0.5} y={2 + (rowH - 8) - h} width={Math.max(0.5, barW - 1)} height={h} className="chart-bar" /> : null}
                    {hh > 0 ? <rect x={left + i * barW + 0.5} y={2 + (rowH - 8) - hh} width={Math.max(0.5, barW - 1)} height={hh} className="chart-held" /> : null}
                  </g>
                );
              })}
            </g>
          );
        })}
        {horizonX !== null ? <line x1={horizonX} x2={horizonX} y1={0} y2={height - 20} className="chart-horizon" /> : null}
        {days.map((d, i) =>
          i % labelEvery === 0 ? (
            <text key={d} x={left + i * barW + barW / 2} y={height - 6} textAnchor="middle" className="chart-day">
              {dayLabel(d)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="chart-legend">
        <span className="legend legend-bar">{labels.hours}</span>
        <span className="legend legend-held">{labels.held}</span>
        <span className="legend legend-horizon">{labels.horizon}</span>
      </figcaption>
      <details className="chart-table">
        <summary>{labels.title}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{labels.day}</th>
              {series.map((s) => (
                <th key={s.camera} scope="col">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d, i) => (
              <tr key={d}>
                <th scope="row">{dayLabel(d)}</th>
                {series.map((s) => {
                  const b = s.days[i];
                  return <td key={s.camera}>{b ? `${b.hours.toFixed(1)}${b.heldHours > 0 ? ` (${b.heldHours.toFixed(1)})` : ''}` : ''}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
