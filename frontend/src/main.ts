import { mount } from 'svelte';
import * as api from './lib/api';
import './app.css';
import App from './App.svelte';
import { applyTheme, lastTheme } from './lib/theme';
import { installWeb } from './lib/web';

const target = document.getElementById('app');
if (!target) throw new Error('Deepr: #app element missing from index.html');

// The transport: the window's Wails runtime, or (deepr serve) the server's API in a browser.
if (!('runtime' in window)) installWeb(window);

// The theme of the last session before the first frame; the saved one follows from Go.
applyTheme(lastTheme());
const app = mount(App, { target });

// Tell Go when the first frame is on screen (start-up time; `make bench`).
requestAnimationFrame(() => requestAnimationFrame(() => void api.Ready().catch(() => {})));

export default app;
