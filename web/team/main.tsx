import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import '../admin/admin.css';
import { TeamApp } from './team-app.js';

const root = document.getElementById('root');
if (!root) throw new Error('team: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <TeamApp />
  </StrictMode>,
);
