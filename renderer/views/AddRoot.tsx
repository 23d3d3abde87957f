/**
 * Settings → recording roots → add one (issue 16): the administrator names a folder, Custodian
 * looks at it (roots.propose) and shows the layout it proposes, what it reads from a few real
 * files (camera, start, end, kind), how many it cannot place, and any doubt; nothing is
 * registered until the administrator presses the button that names the layout (roots.add).
 * When Custodian is in doubt there is no default: a layout must be chosen. A store whose files
 * must never be deleted one by one is shown with its refusal and cannot be registered.
 * Words from the shared catalogue (namespace "layouts"), Swedish first, like the command line.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { translator } from '../../common/i18n/catalog.js';
import type { LayoutCandidate, LayoutProposal } from '../../common/layout-proposal.js';
import { Badge, ErrorText, Section } from '../components/ui.js';
import { errorText, unwrap } from '../lib/api.js';
import { fmt } from '../lib/format.js';
import { useFormat } from '../lib/hooks.js';
import { useStores } from '../stores/context.js';

const KNOWN_KINDS = ['scheduled', 'motion', 'alarm', 'smart'];

export function AddRoot({ siteTimeZone, onAdded }: { siteTimeZone: string; onAdded(): void }): ReactNode {
  const f = useFormat();
  const words = useMemo(() => translator(f.lang), [f.lang]);
  const stores = useStores();
  const [folder, setFolder] = useState('');
  const [looking, setLooking] = useState(false);
  const [proposal, setProposal] = useState<LayoutProposal | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<number | null>(null);

  const look = async (): Promise<void> => {
    setLooking(true);
    setError(null);
    setAdded(null);
    setProposal(null);
    setChosen(null);
    try {
      const p = await unwrap(stores.api.call('roots.propose', { path: folder }));
      setProposal(p);
      // Only a proposal not in doubt comes with its layout chosen.
      setChosen(p.verdict === 'clear' || p.verdict === 'few' ? (p.best?.layout ?? null) : null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLooking(false);
    }
  };
  const candidates: LayoutCandidate[] = proposal?.best ? [proposal.best, ...proposal.others] : [];
  const candidate = candidates.find((c) => c.layout === chosen) ?? null;
  const register = async (): Promise<void> => {
    if (!proposal || !candidate) return;
    setError(null);
    try {
      const r = await unwrap(stores.api.call('roots.add', { path: proposal.folder, layout: candidate.layout, ...(candidate.layoutTimeZone ? { layoutTimeZone: candidate.layoutTimeZone } : {}) }));
      setAdded(r.id);
      setProposal(null);
      setChosen(null);
      onAdded();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const when = (ms: number): string => fmt(ms, siteTimeZone, f.lang, 'yyyy-MM-dd HH:mm:ss');

  return (
    <Section title={words('layouts:ui.addRoot')} id="set-add-root">
      <p className="small muted">{words('layouts:ui.addRootHelp')}</p>
      <form
        className="form grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          void look();
        }}
      >
        <label className="full">
          {words('layouts:ui.folder')}
          <input value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} name="root-folder" />
        </label>
        <div className="buttons">
          <button type="submit" disabled={looking || folder.trim() === ''}>
            {looking ? words('layouts:ui.looking') : words('layouts:ui.look')}
          </button>
        </div>
      </form>
      <ErrorText text={error} />
      {added !== null ? (
        <p role="status" data-testid="root-added">
          {words('layouts:ui.added', { id: added })}
        </p>
      ) : null}
      {proposal ? (
        <div data-testid="layout-proposal" data-verdict={proposal.verdict}>
          {proposal.messages.map((m, i) => (
            <p key={`${i}:${m.key}`} className={proposal.verdict === 'store' || proposal.verdict === 'ambiguous' ? 'warn' : undefined}>
              {words(m.key, m.params)}
            </p>
          ))}
          {proposal.best && proposal.best.examples.length > 0 ? (
            <>
              <p className="small">{words('layouts:proposal.examples')}</p>
              <table className="table compact">
                <thead>
                  <tr>
                    {['path', 'camera', 'start', 'end', 'kind'].map((c) => (
                      <th key={c} scope="col">
                        {words(`layouts:col.${c}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {proposal.best.examples.map((r) => (
                    <tr key={r.path}>
                      <td className="path">{r.path}</td>
                      <td>{r.camera}</td>
                      <td>{when(r.startMs)}</td>
                      <td>{r.endMs === null ? '' : `${fmt(r.endMs, siteTimeZone, f.lang, 'HH:mm:ss')} (${words(`layouts:end.${r.endFrom}`)})`}</td>
                      <td>{r.kind === null ? '' : KNOWN_KINDS.includes(r.kind) ? words(`layouts:kind.${r.kind}`) : r.kind}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
          {proposal.best && proposal.best.unplacedExamples.length > 0 ? (
            <>
              <p className="small">{words('layouts:proposal.unplaced')}</p>
              <ul className="small">
                {proposal.best.unplacedExamples.map((u) => (
                  <li key={u.path}>
                    <span className="path">{u.path}</span> — {u.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {candidates.length > 1 ? (
            <fieldset>
              <legend>{words('layouts:ui.chooseLayout')}</legend>
              {candidates.map((c) => (
                <label key={c.layout} className="radio">
                  <input type="radio" name="root-layout" checked={chosen === c.layout} onChange={() => setChosen(c.layout)} /> <code>{c.layout}</code>{' '}
                  <Badge tone="muted">{c.placed}</Badge>
                </label>
              ))}
            </fieldset>
          ) : null}
          <div className="buttons">
            {proposal.verdict !== 'store' && candidate ? (
              <button type="button" className="primary" onClick={() => void register()}>
                {words('layouts:ui.useLayout', { layout: candidate.layout })}
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => {
                setProposal(null);
                setChosen(null);
              }}
            >
              {words('layouts:ui.cancel')}
            </button>
          </div>
        </div>
      ) : null}
    </Section>
  );
}
