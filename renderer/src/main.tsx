import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { detectPlatform } from './platform';
import './styles.css';

// StrictMode's double mount is safe: join() is idempotent and the meeting view defers its leave.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App platform={detectPlatform()} />
  </StrictMode>,
);
