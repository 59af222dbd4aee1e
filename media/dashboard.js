// Outcome Lens dashboard webview script: shows what the extension sends (HTML it rendered and escaped, the same as the
// HTML report's) in place, so that scrolling and focus stay, and forwards clicks to the extension.
(function () {
  const vscode = acquireVsCodeApi();
  const main = document.getElementById('main');
  window.addEventListener('message', e => {
    if (e.data && e.data.type === 'render' && typeof e.data.body === 'string') main.innerHTML = e.data.body;
    else if (e.data && e.data.type === 'busy' && typeof e.data.text === 'string') {
      // A line at the top while a new answer is read; the next render replaces the whole page, this line with it.
      let busy = document.getElementById('busy');
      if (!busy) { busy = document.createElement('p'); busy.id = 'busy'; busy.className = 'summary'; busy.setAttribute('role', 'status'); main.prepend(busy); }
      busy.textContent = e.data.text;
    }
  });
  document.addEventListener('click', e => {
    const el = e.target instanceof Element ? e.target.closest('[data-action],[data-reveal],[data-commit]') : null;
    if (!el) return;
    if (el.hasAttribute('data-reveal')) vscode.postMessage({ type: 'reveal', key: el.getAttribute('data-reveal') });
    else if (el.hasAttribute('data-commit')) vscode.postMessage({ type: 'commit', sha: el.getAttribute('data-commit') });
    else vscode.postMessage({ type: 'set', key: el.getAttribute('data-action'), value: el.getAttribute('data-value') });
  });
  vscode.postMessage({ type: 'ready' });
})();
