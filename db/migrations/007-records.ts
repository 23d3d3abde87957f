/** 007: reserved for the records work (filled by the issue that needs it). */
export const sql = `SELECT 1;`;
