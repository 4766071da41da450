import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import './admin.css';
import { AdminApp } from './admin-app.js';

const root = document.getElementById('root');
if (!root) throw new Error('admin: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <AdminApp />
  </StrictMode>,
);
