/**
 * The click-to-chat snippet's script (C5), built as one self-contained file,
 * /widget/lobby-chat.js, that a customer's web site loads:
 *
 *   <script src="https://lobby.example.com/widget/lobby-chat.js" data-lobby-link="TOKEN" async></script>
 *
 * It draws the widget in a shadow root, so the host page's styles and ours leave each
 * other alone, and talks to the Lobby the script came from (or `data-lobby-url`).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import sharedCss from '../shared/styles.css?inline';
import customerCss from '../shared/customer.css?inline';
import widgetCss from './widget.css?inline';
import { ChatWidget } from './chat-widget.js';

// Read while the script runs: afterwards document.currentScript is null.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

/** The page stylesheet, aimed at the shadow root: `:root` is the host; `body` is our root. */
function shadowCss(): string {
  return [sharedCss, customerCss, widgetCss]
    .join('\n')
    .replace(/:root\b/g, ':host')
    .replace(/(^|[\s,}])(html|body)(\s*[{,])/g, '$1.lobby-root$3');
}

function boot(): void {
  const linkToken = script?.dataset.lobbyLink;
  if (!script || !linkToken) {
    console.error('Lobby chat: the script tag needs data-lobby-link="<token>"');
    return;
  }
  const baseUrl = script.dataset.lobbyUrl ?? new URL(script.src, window.location.href).origin;
  const host = document.createElement('div');
  host.id = 'lobby-chat';
  document.body.appendChild(host);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = shadowCss();
  const mount = document.createElement('div');
  mount.className = 'lobby-root';
  shadow.append(style, mount);
  createRoot(mount).render(
    <StrictMode>
      <ChatWidget baseUrl={baseUrl} linkToken={linkToken} mode="floating" onLanguage={(lang) => mount.setAttribute('lang', lang)} />
    </StrictMode>,
  );
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
