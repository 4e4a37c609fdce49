/** Entry point of the duty officer's console. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { t } from './strings.ts';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('The page has no #root element');
document.title = t('app.title');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
