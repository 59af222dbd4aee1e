// Outcome Lens dashboard webview script: forwards clicks to the extension and reports what the table shows
// (the integration test compares it with the core's numbers). It never builds HTML from data.
(function () {
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', e => {
    const el = e.target instanceof Element ? e.target.closest('[data-action],[data-reveal]') : null;
    if (!el) return;
    if (el.hasAttribute('data-reveal')) vscode.postMessage({ type: 'reveal', key: el.getAttribute('data-reveal') });
    else vscode.postMessage({ type: 'set', key: el.getAttribute('data-action'), value: el.getAttribute('data-value') });
  });
  const rows = Array.from(document.querySelectorAll('#totals tbody tr')).map(tr => ({
    key: tr.getAttribute('data-key'),
    cells: Array.from(tr.children).map(td => td.textContent.trim()),
  }));
  vscode.postMessage({
    type: 'rendered', rows,
    alignment: document.getElementById('alignment-commits')?.textContent ?? null,
    lineAlignment: document.getElementById('alignment-lines')?.textContent ?? null,
  });
})();
