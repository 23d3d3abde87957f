/**
 * Namespace "ui": the app's words (renderer/), Swedish first. Kept as nested JSON beside this
 * module (ui.sv.json, ui.en.json: the same keys, a test says so) and flattened to the
 * catalogue's keys ("overview.title"). The renderer's react-i18next reads this namespace as its
 * default, so `t('overview.title')` there is this sentence.
 */
import enTree from './ui.en.json' with { type: 'json' };
import svTree from './ui.sv.json' with { type: 'json' };
import { flatten, type Flat } from './tree.js';

export const sv: Flat<typeof svTree> = flatten(svTree);
export const en: Record<keyof typeof sv, string> = flatten(enTree) as Flat<typeof svTree>;
