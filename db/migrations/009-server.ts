/** 009: reserved for the server work (filled by the issue that needs it). */
export const sql = `SELECT 1;`;
