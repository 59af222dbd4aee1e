// The dashboard webview's script: shows what the extension sends (HTML it rendered and escaped, the same as the HTML
// report's) in place, so that scrolling and focus stay, keeps what it shows for a window reload, and forwards clicks.
import { fromDashboard, FromDashboard, toDashboard } from '../core/report/dashboardMessages';

const vscode = acquireVsCodeApi();
const main = document.getElementById('main');

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = toDashboard(e.data);
  if (!m || !main) return;
  if (m.type === 'render') {
    main.innerHTML = m.body;
    // VS Code hands this back to the extension's serializer after a reload: the same repository and choices.
    vscode.setState(m.state);
  } else {
    // A line at the top while a new answer is read; the next render replaces the whole page, this line with it.
    let busy = document.getElementById('busy');
    if (!busy) {
      busy = document.createElement('p');
      busy.id = 'busy';
      busy.className = 'summary';
      busy.setAttribute('role', 'status');
      main.prepend(busy);
    }
    busy.textContent = m.text;
  }
});

/** The message a click on a dashboard control asks for, checked as the extension will check it. */
function clicked(el: Element): FromDashboard | undefined {
  const reveal = el.getAttribute('data-reveal');
  if (reveal !== null) return fromDashboard({ type: 'reveal', key: reveal });
  const sha = el.getAttribute('data-commit');
  if (sha !== null) return fromDashboard({ type: 'commit', sha });
  const key = el.getAttribute('data-action');
  const value = el.getAttribute('data-value');
  return fromDashboard({ type: 'set', key, value: key === 'window' ? Number(value) : value });
}

document.addEventListener('click', e => {
  const el = e.target instanceof Element ? e.target.closest('[data-action],[data-reveal],[data-commit]') : null;
  const m = el && clicked(el);
  if (m) vscode.postMessage(m);
});

vscode.postMessage({ type: 'ready' });
