import { createRoot } from 'react-dom/client';
import { App } from './App';
import { detectPlatform } from './platform';
import './styles.css';

// No StrictMode: its double-mount in development would join, leave and rejoin every meeting.
createRoot(document.getElementById('root')!).render(<App platform={detectPlatform()} />);
