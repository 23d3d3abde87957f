/**
 * 012: reserved for the timeline thumbnails (issue 15), written on another branch. Until that
 * lands this placeholder keeps the numbers contiguous so 013 has its predecessor; the real 012
 * replaces this file whole (same name, same line in index.ts).
 */
export const sql = `SELECT 1;`;
