/** The site's identity: its signing key (made at init) and who the controller and DPO are. */
import { ensureSiteKeys, type SiteKeys } from '../native/keys.js';
import type { Ctx } from './context.js';

export function siteKeys(ctx: Ctx): SiteKeys {
  return ensureSiteKeys(ctx.dataDir);
}
