import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

async function start() {
  if (__BACKEND_DOUBLE__) {
    const { installDouble } = await import('./lib/testing/install');
    const backend = installDouble();
    // `?seed=N` adds N generated findings (large-table tests, screenshots).
    const seed = Number(new URLSearchParams(location.search).get('seed') ?? 0);
    if (seed > 0) backend.seed(seed);
    // Tests set the double up before the app starts (an init script).
    const init = (window as { __doubleInit?: Parameters<typeof backend.configure>[0] }).__doubleInit;
    if (init) backend.configure(init);
  }
  mount(App, { target: document.getElementById('app')! });
}

void start();
