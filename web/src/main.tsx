// Entry: asks the local server what it has to show, then renders the page.

import { render } from 'preact';
import { App } from './components/app.js';
import './style.css';

const root = document.getElementById('app')!;
// The static 'Loading' text is for the time the script takes to load; Preact renders beside, not over, it.
root.replaceChildren();
render(<App />, root);
