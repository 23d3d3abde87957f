/** 008: reserved for the evidence work (filled by the issue that needs it). */
export const sql = `SELECT 1;`;
