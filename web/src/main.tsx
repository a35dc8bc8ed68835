import { render } from 'preact';
import { takeTokenFromAddress } from './api/token.js';
import { App } from './app.js';
import './styles.css';

takeTokenFromAddress();
const root = document.getElementById('app');
if (root) render(<App />, root);
