/**
 * Saving what the API sent as a file the person keeps (a log as CSV or JSON, a receipt): a
 * download of an in-memory Blob, in browser mode and the desktop app alike. Nothing is written
 * by the page itself; the browser asks where (or uses its downloads folder).
 */
export function saveFile(filename: string, contentType: string, parts: readonly (string | Uint8Array<ArrayBuffer>)[]): void {
  const url = URL.createObjectURL(new Blob([...parts], { type: contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken the bytes by then; the object URL only holds memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
