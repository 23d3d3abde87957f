/**
 * Prints one part of the page (the handover receipt, the compliance report): the browser's print
 * dialog also saves it as PDF, in browser mode and in the desktop app alike.
 */
export function printPart(el: HTMLElement | null): void {
  if (!el) {
    window.print();
    return;
  }
  el.classList.add('print-target');
  document.body.classList.add('print-part');
  const done = (): void => {
    el.classList.remove('print-target');
    document.body.classList.remove('print-part');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  setTimeout(done, 1000);
}
