/** Small building blocks shared by the screens. */
import type { ReactNode } from 'react';

export function Section({ title, children, actions, id, className }: { title: string; children: ReactNode; actions?: ReactNode; id?: string; className?: string }): ReactNode {
  const headingId = id ? `${id}-h` : undefined;
  return (
    <section className={`card${className ? ` ${className}` : ''}`} aria-labelledby={headingId} id={id}>
      <header className="card-head">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info' | 'muted'; children: ReactNode }): ReactNode {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function ErrorText({ text }: { text: string | null | undefined }): ReactNode {
  if (!text) return null;
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

export function Loading({ text }: { text: string }): ReactNode {
  return (
    <p className="muted" role="status">
      {text}
    </p>
  );
}

export function Dl({ items }: { items: readonly (readonly [string, ReactNode])[] }): ReactNode {
  return (
    <dl className="dl">
      {items.map(([k, v]) => (
        <div key={k} className="dl-row">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
