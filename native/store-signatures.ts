/**
 * Stores that look like folders of video files but are not one file per segment, and must never
 * be deleted file by file: deleting one of their files breaks the recorder's own index or
 * database (it would then play, overwrite or account for footage that is not there, or lose
 * footage that is). Each is recognised by what its recorder documents or its users have
 * described in public; the rules read names only (and the size of one small file):
 *
 * - Hikvision's SD/NAS store: pre-allocated 256 MB `hivNNNNN.mp4` (and `.pic`) files reused in a
 *   ring, indexed by `index00.bin`/`index01.bin` (`index00p.bin` for pictures); on a NAS the
 *   share holds `info.bin` beside `datadir0`, `datadir1`, … folders.
 * - Milestone XProtect's recording database: the recording folder (`MediaDatabase` by default),
 *   camera folders named by the device's MAC address and channel (`00408c51e181_1`), archive
 *   folders named "<device> - <date and time of the newest record>" (with "(Edge)" or "(SMTP)").
 * - Moonfire NVR's sample-file directories: a `meta` file (512 bytes since schema 4) beside
 *   sample files named by their 16-hex-digit recording ids.
 * - Scrypted NVR's volume: the `.nvr` marker folder its setup creates at the top of the volume.
 *
 * Runtime: names in, marks out; only Moonfire's `meta` is stat'ed (through `sizeOf`).
 */

export const STORE_RECORDERS = ['hikvision', 'milestone', 'moonfire', 'scrypted'] as const;
export type StoreRecorder = (typeof STORE_RECORDERS)[number];

export interface StoreMark {
  readonly recorder: StoreRecorder;
  /** The file or folder, relative to the root ("/" between components). */
  readonly rel: string;
}

const HIV_FILE = /^hiv\d{5}\.(mp4|pic)$/i;
const HIK_INDEX = /^index0[01]p?\.bin$/i;
const HIK_DATADIR = /^datadir\d+$/i;
const MILESTONE_DB = /^MediaDatabase$/i;
const MILESTONE_MAC = /^[0-9a-f]{12}_\d{1,3}$/i;
const MILESTONE_ARCHIVE = /^.+ (\((Edge|SMTP)\) )?- \d{4}-\d{2}-\d{2}T\d{2}\D?\d{2}/;
const MOONFIRE_SAMPLE = /^[0-9a-f]{16}$/;
const MOONFIRE_META_BYTES = 512;

const join = (dirRel: string, name: string): string => (dirRel === '' ? name : `${dirRel}/${name}`);

/**
 * The marks in one folder's listing. `sizeOf(name)` gives a file's size (or null); it is asked
 * only for a Moonfire `meta` file.
 */
export function marksInListing(dirRel: string, files: readonly string[], dirs: readonly string[], sizeOf: (name: string) => number | null): StoreMark[] {
  const out: StoreMark[] = [];
  const mark = (recorder: StoreRecorder, name: string): void => {
    if (!out.some((m) => m.recorder === recorder)) out.push({ recorder, rel: join(dirRel, name) });
  };
  const hiv = files.find((f) => HIV_FILE.test(f));
  if (hiv) mark('hikvision', hiv);
  const index = files.find((f) => HIK_INDEX.test(f));
  const datadir = dirs.find((d) => HIK_DATADIR.test(d));
  if (index && (hiv || datadir || files.some((f) => /^log(Cur|Main)File\.bin$/i.test(f)))) mark('hikvision', index);
  if (datadir && files.some((f) => f.toLowerCase() === 'info.bin')) mark('hikvision', 'info.bin');
  const db = dirs.find((d) => MILESTONE_DB.test(d));
  if (db) mark('milestone', db);
  const mac = dirs.find((d) => MILESTONE_MAC.test(d));
  if (mac) mark('milestone', mac);
  const archive = dirs.find((d) => MILESTONE_ARCHIVE.test(d));
  if (archive) mark('milestone', archive);
  if (files.includes('meta') && (files.some((f) => MOONFIRE_SAMPLE.test(f)) || sizeOf('meta') === MOONFIRE_META_BYTES)) mark('moonfire', 'meta');
  if (dirs.includes('.nvr')) mark('scrypted', '.nvr');
  return out;
}

/** Whether a name is one a mark can rest on: the scan looks for these again, by path, each pass. */
export function isMarkName(name: string): boolean {
  return HIV_FILE.test(name) || HIK_INDEX.test(name) || name.toLowerCase() === 'info.bin' || MILESTONE_DB.test(name) || MILESTONE_MAC.test(name) || MILESTONE_ARCHIVE.test(name) || name === 'meta' || name === '.nvr';
}
