/**
 * "Verify a package" (issue 12): any role drops a package folder or its zip here (or picks it)
 * and sees the verdict against this site's key — valid, intact but signed by a key nobody
 * vouched for, or not whole with every problem named — the same facts and sentences as
 * `custodian verify` (catalogue namespace "evidence"). HR receives packages and has no terminal.
 *
 * The files go to the loopback server one request each (browser mode); nothing is unpacked in
 * the page. A dropped folder is read through the browser's file-system entries.
 */
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { VerifyView } from '../../common/api/types.js';
import { translator } from '../../common/i18n/catalog.js';
import { Progress } from '../components/Progress.js';
import { Badge, Dl, ErrorText, Section } from '../components/ui.js';
import { ApiError, errorText, unwrap } from '../lib/api.js';
import { useFormat } from '../lib/hooks.js';
import { useStores } from '../stores/context.js';

/** One file to send: its path inside what was dropped (the folder's own name may lead it). */
interface Picked {
  path: string;
  file: File;
}

/** The parts of the browser's (non-standard but universal) file-system entries this page reads. */
interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: FsEntry[]) => void, fail: (e: unknown) => void): void };
}

async function readEntry(entry: FsEntry, prefix: string, out: Picked[]): Promise<void> {
  const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
  if (entry.isFile && entry.file) {
    const read = entry.file.bind(entry);
    out.push({ path, file: await new Promise<File>((ok, fail) => read(ok, fail)) });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries answers in batches until it answers none.
    for (;;) {
      const batch = await new Promise<FsEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await readEntry(e, path, out);
    }
  }
}

async function pickedFromDrop(e: DragEvent<HTMLElement>): Promise<Picked[]> {
  const out: Picked[] = [];
  const items = [...e.dataTransfer.items];
  const entries = items.map((i) => (i as DataTransferItem & { webkitGetAsEntry?(): FsEntry | null }).webkitGetAsEntry?.() ?? null);
  if (entries.every((x) => x !== null)) {
    for (const entry of entries) if (entry) await readEntry(entry, '', out);
    return out;
  }
  return [...e.dataTransfer.files].map((file) => ({ path: file.name, file }));
}

function pickedFromInput(list: FileList | null): Picked[] {
  return [...(list ?? [])].map((file) => ({ path: file.webkitRelativePath !== '' ? file.webkitRelativePath : file.name, file }));
}

function toneOf(v: VerifyView['verdict']): 'ok' | 'warn' | 'bad' {
  return v === 'valid' ? 'ok' : v === 'intact' ? 'warn' : 'bad';
}

export function Verify(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const files = stores.api.files;
  const [busy, setBusy] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<VerifyView | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const zipInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const tr = translator(f.lang);

  const check = async (picked: Picked[]): Promise<void> => {
    if (!files || picked.length === 0) return;
    setErr(null);
    setResult(null);
    const zip = picked.length === 1 && picked[0]?.path.toLowerCase().endsWith('.zip');
    const total = picked.reduce((a, p) => a + p.file.size, 0);
    setBusy({ done: 0, total });
    try {
      const start = await unwrap(stores.api.call('packages.verifyStart', { kind: zip ? 'zip' : 'folder', name: picked[0]?.path.split('/')[0] ?? '' }));
      let done = 0;
      for (const p of picked) {
        const r = await files.upload(start.uploadUrl, p.path, p.file);
        if (!r.ok) throw new ApiError(r);
        done += p.file.size;
        setBusy({ done, total });
      }
      setResult(await unwrap(stores.api.call('packages.verifyFinish', { uploadId: start.uploadId })));
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="verify">
      <Section title={t('verify.title')} id="verify">
        <p>{t('verify.intro')}</p>
        {!files ? (
          <p className="warn">{t('verify.noTransfer')}</p>
        ) : (
          <>
            <div
              className={`dropzone${over ? ' over' : ''}`}
              data-testid="dropzone"
              onDragOver={(e) => {
                e.preventDefault();
                setOver(true);
              }}
              onDragLeave={() => setOver(false)}
              onDrop={(e) => {
                e.preventDefault();
                setOver(false);
                void pickedFromDrop(e).then(check, (x: unknown) => setErr(errorText(x)));
              }}
            >
              <p>{t('verify.drop')}</p>
              <div className="buttons">
                <button type="button" onClick={() => zipInput.current?.click()} disabled={busy !== null}>
                  {t('verify.chooseZip')}
                </button>
                <button type="button" onClick={() => folderInput.current?.click()} disabled={busy !== null}>
                  {t('verify.chooseFolder')}
                </button>
              </div>
              <input ref={zipInput} className="sr-only" type="file" accept=".zip,application/zip" aria-label={t('verify.chooseZip')} data-testid="zip-input" onChange={(e) => void check(pickedFromInput(e.target.files))} />
              <input
                ref={folderInput}
                className="sr-only"
                type="file"
                multiple
                aria-label={t('verify.chooseFolder')}
                data-testid="folder-input"
                // webkitdirectory is not in React's types; every current browser supports it.
                {...({ webkitdirectory: '' } as Record<string, string>)}
                onChange={(e) => void check(pickedFromInput(e.target.files))}
              />
            </div>
            {busy ? <Progress label={t('verify.checking')} fraction={busy.total > 0 ? busy.done / busy.total : 0} detail={t('verify.uploading', { done: f.bytes(busy.done), total: f.bytes(busy.total) })} /> : null}
          </>
        )}
        <ErrorText text={err} />
      </Section>
      {result ? (
        <Section title={t('verify.verdict')} id="verify-result">
          <div data-testid="verdict" data-verdict={result.verdict}>
            <p>
              <Badge tone={toneOf(result.verdict)}>{t(`verify.${result.verdict}`)}</Badge> <span data-testid="verdict-text">{tr(result.summary)}</span>
            </p>
            <Dl
              items={[
                [t('verify.packageFingerprint'), <code key="p" data-testid="package-fingerprint">{result.fingerprint ?? '—'}</code>],
                [t('verify.siteFingerprint'), <code key="s">{result.siteFingerprint}</code>],
                [t('verify.howFingerprint'), <code key="c">{result.fingerprintCommand}</code>],
                ...(result.packageId ? ([[t('verify.package'), <code key="id">{result.packageId}</code>]] as const) : []),
                ...(result.incident ? ([[t('verify.incident'), result.incident]] as const) : []),
                ...(result.audience ? ([[t('verify.audience'), t(`audiences.${result.audience === 'police' || result.audience === 'hr' ? result.audience : 'data-subject'}`)]] as const) : []),
                ...(result.clips !== null ? ([[t('verify.clips'), String(result.clips)]] as const) : []),
                // What the record knows is said only of a package that is what it claims to be.
                ...(result.verdict === 'valid'
                  ? ([
                      [
                        t('verify.known'),
                        result.known
                          ? t('verify.knownText', { when: f.iso(result.known.exported), audience: t(`audiences.${result.known.audience === 'police' || result.known.audience === 'hr' ? result.known.audience : 'data-subject'}`), state: t(`verify.states.${result.known.state}`) })
                          : t('verify.unknown'),
                      ],
                    ] as const)
                  : []),
              ]}
            />
            {result.problems.length > 0 ? (
              <div className="table-wrap">
                <table className="table compact" aria-label={t('verify.problems')}>
                  <thead>
                    <tr>
                      <th scope="col">{t('verify.file')}</th>
                      <th scope="col">{t('verify.kind')}</th>
                      <th scope="col">{t('verify.detail')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.problems.map((p, i) => (
                      <tr key={i}>
                        <td>
                          <code>{p.file}</code>
                        </td>
                        <td>{t(`verify.kinds.${p.kind as 'changed'}`, { defaultValue: p.kind })}</td>
                        <td>{tr(p.msg)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        </Section>
      ) : null}
    </div>
  );
}
