import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import '../shared/customer.css';
import { PortalApp } from './portal-app.js';

const root = document.getElementById('root');
if (!root) throw new Error('portal: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <PortalApp />
  </StrictMode>,
);
