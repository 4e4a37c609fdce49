/** Entry point of the duty officer's console. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles.css';
import { applyLanguage, rememberedLanguage } from './uiLanguage.ts';

const container = document.getElementById('root');
if (container === null) throw new Error('The page has no #root element');
// The sign-in form speaks the language last used in this browser; the user's own follows (CON4).
applyLanguage(rememberedLanguage());
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
