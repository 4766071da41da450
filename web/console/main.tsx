import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import './console.css';
import { startAppShell } from './app-shell.js';
import { ConsoleApp } from './console-app.js';

const root = document.getElementById('root');
if (!root) throw new Error('console: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <ConsoleApp />
  </StrictMode>,
);
startAppShell();
