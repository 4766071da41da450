/** C5: the custom click-to-chat link, /chat/?link=<token>: the chat widget as a whole page. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import '../shared/customer.css';
import { ChatWidget } from '../widget/chat-widget.js';

const root = document.getElementById('root');
if (!root) throw new Error('chat: #root is missing from index.html');
const linkToken = new URLSearchParams(window.location.search).get('link') ?? '';
createRoot(root).render(
  <StrictMode>
    <ChatWidget baseUrl={null} linkToken={linkToken} mode="page" onLanguage={(lang) => (document.documentElement.lang = lang)} />
  </StrictMode>,
);
