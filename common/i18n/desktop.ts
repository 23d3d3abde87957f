/**
 * Namespace "desktop": the desktop shell's own words (electron/: the tray, start-up failures),
 * Swedish first; nested JSON beside this module, flattened to keys like "tray.open".
 */
import enTree from './desktop.en.json' with { type: 'json' };
import svTree from './desktop.sv.json' with { type: 'json' };
import { flatten, type Flat } from './tree.js';

export const sv: Flat<typeof svTree> = flatten(svTree);
export const en: Record<keyof typeof sv, string> = flatten(enTree) as Flat<typeof svTree>;
