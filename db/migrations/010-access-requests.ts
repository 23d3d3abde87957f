/** 010: reserved for the access-requests work (filled by the issue that needs it). */
export const sql = `SELECT 1;`;
