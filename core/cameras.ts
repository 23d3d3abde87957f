/** Cameras: display name, zone (staff / visitor / mixed) and privacy masks (POLICY P4). */
import { ZONES, type Zone } from '../common/domain.js';
import { failure } from '../common/errors.js';
import { getCamera, listCameras, updateCamera, type CameraRow } from '../db/cameras.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';

export interface Mask {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function parseMask(text: string): Mask {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
    throw failure('invalid_request', 'incident:maskSyntax', { text });
  }
  const [x, y, w, h] = parts as [number, number, number, number];
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > 1.0001 || y + h > 1.0001) {
    throw failure('invalid_request', 'incident:maskOutside', { text });
  }
  return { x, y, w, h };
}

export function setCamera(ctx: Ctx, id: string, patch: { name?: string | null; zone?: string; masks?: Mask[] }): CameraRow {
  const before = getCamera(ctx.db, id);
  if (!before) throw failure('not_found', 'incident:errNoCamera', { camera: id });
  if (patch.zone !== undefined && !ZONES.includes(patch.zone as Zone)) {
    throw failure('invalid_request', 'incident:cameraZone', { zone: patch.zone });
  }
  ctx.db.transaction(() => {
    updateCamera(ctx.db, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.zone !== undefined ? { zone: patch.zone as Zone } : {}),
      ...(patch.masks !== undefined ? { masks: JSON.stringify(patch.masks) } : {}),
    });
    audit(ctx, 'camera.changed', { camera: id, from: { name: before.name, zone: before.zone, masks: JSON.parse(before.masks) as unknown }, to: patch });
  })();
  return getCamera(ctx.db, id) as CameraRow;
}

export function cameras(ctx: Ctx): CameraRow[] {
  return listCameras(ctx.db);
}
