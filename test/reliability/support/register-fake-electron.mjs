// `node --import ./register-fake-electron.mjs …`: installs electron-loader.mjs.
import { register } from 'node:module';

register('./electron-loader.mjs', import.meta.url);
