/**
 * Date and time fields that read the Swedish way ("2 dec. 2026", "15:10", 24-hour) whatever the
 * browser's locale, with a small month calendar (Monday first, the reader's month and day names).
 * Values are the site's wall clock as strings — a day `yyyy-MM-dd`, a moment
 * `yyyy-MM-ddTHH:mm[:ss]` — exactly what `<input type="date">`/`datetime-local` gave before, so
 * a form reads them the same way (`fromLocalInput`). What a person types that is not a day or a
 * time stays in the field, marked, and is not passed on (nothing typed is lost or guessed).
 */
import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/hooks.js';
import { addMonth, monthGrid, readDay, readTime, showDay } from '../lib/wall-time.js';

interface DayProps {
  value: string;
  onChange(day: string): void;
  required?: boolean;
  /** Names the field when no <label> wraps it. */
  label?: string;
}

/** A day: typed ("2 dec. 2026", "2026-12-02") or picked in the calendar. */
export function DateField({ value, onChange, required, label }: DayProps): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const [text, setText] = useState(showDay(value, f.lang));
  const [bad, setBad] = useState(false);
  const [open, setOpen] = useState(false);
  const [month, setMonth] = useState((value || new Date().toISOString()).slice(0, 7));
  const calendarId = useId();
  useEffect(() => {
    setText(showDay(value, f.lang));
    setBad(false);
    if (value) setMonth(value.slice(0, 7));
  }, [value, f.lang]);
  const commit = (): void => {
    if (text.trim() === '') {
      setBad(false);
      if (value !== '') onChange('');
      return;
    }
    const day = readDay(text, f.lang);
    setBad(day === null);
    if (day !== null) {
      setText(showDay(day, f.lang));
      if (day !== value) onChange(day);
    }
  };
  const pick = (day: string): void => {
    setOpen(false);
    setBad(false);
    setText(showDay(day, f.lang));
    onChange(day);
  };
  const grid = monthGrid(month, f.lang);
  return (
    <span className="wall-field">
      <input
        type="text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === 'Enter') commit();
        }}
        placeholder={t('common.dayPlaceholder')}
        aria-label={label}
        aria-invalid={bad || undefined}
        title={bad ? t('common.badDay') : undefined}
        required={required}
        size={12}
        autoComplete="off"
        data-wall="day"
      />
      <button type="button" className="wall-open" aria-label={t('common.pickDay')} aria-expanded={open} aria-controls={calendarId} onClick={() => setOpen(!open)}>
        ▦
      </button>
      {bad ? <span className="small error" role="status">{t('common.badDay')}</span> : null}
      {open ? (
        <div className="wall-calendar" id={calendarId} role="group" aria-label={grid.title}>
          <div className="wall-head">
            <button type="button" aria-label={t('common.prevMonth')} onClick={() => setMonth(addMonth(month, -1))}>
              ‹
            </button>
            <strong>{grid.title}</strong>
            <button type="button" aria-label={t('common.nextMonth')} onClick={() => setMonth(addMonth(month, 1))}>
              ›
            </button>
          </div>
          <table>
            <thead>
              <tr>
                {grid.weekdays.map((w) => (
                  <th key={w} scope="col">
                    {w}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[0, 1, 2, 3, 4, 5].map((w) => (
                <tr key={w}>
                  {grid.days.slice(w * 7, w * 7 + 7).map((d) => (
                    <td key={d.day}>
                      <button type="button" className={d.inMonth ? '' : 'muted'} aria-label={d.full} aria-pressed={d.day === value} onClick={() => pick(d.day)}>
                        {d.label}
                      </button>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </span>
  );
}

interface MomentProps {
  /** `yyyy-MM-ddTHH:mm` or `yyyy-MM-ddTHH:mm:ss` in site time, or ''. */
  value: string;
  onChange(moment: string): void;
  seconds?: boolean;
  label?: string;
}

/** A moment: a day (DateField) and a 24-hour time. */
export function DateTimeField({ value, onChange, seconds = false, label }: MomentProps): ReactNode {
  const { t } = useTranslation();
  const [day, time] = value.includes('T') ? (value.split('T') as [string, string]) : [value, ''];
  const shownTime = time ? (seconds ? (time.length === 5 ? `${time}:00` : time) : time.slice(0, 5)) : '';
  const [text, setText] = useState(shownTime);
  const [bad, setBad] = useState(false);
  useEffect(() => {
    setText(shownTime);
    setBad(false);
  }, [shownTime]);
  const emit = (d: string, tm: string): void => onChange(d && tm ? `${d}T${tm}` : d ? `${d}T00:00${seconds ? ':00' : ''}` : '');
  const commit = (): void => {
    const tm = readTime(text, seconds);
    setBad(tm === null && text.trim() !== '');
    if (tm !== null) {
      setText(tm);
      if (tm !== shownTime) emit(day, tm);
    }
  };
  return (
    <span className="wall-moment">
      <DateField value={day} onChange={(d) => emit(d, readTime(text, seconds) ?? '')} {...(label ? { label } : {})} />
      <input
        type="text"
        inputMode="numeric"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === 'Enter') commit();
        }}
        placeholder={seconds ? t('common.timePlaceholderSeconds') : t('common.timePlaceholder')}
        aria-label={label ? `${label}, ${t('common.time')}` : t('common.time')}
        aria-invalid={bad || undefined}
        title={bad ? t('common.badTime') : undefined}
        size={seconds ? 8 : 5}
        autoComplete="off"
        data-wall="time"
      />
      {bad ? <span className="small error" role="status">{t('common.badTime')}</span> : null}
    </span>
  );
}
