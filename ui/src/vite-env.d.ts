/// <reference types="svelte" />
/// <reference types="vite/client" />

/** True in the `--mode double` build (the UI runs against src/lib/testing/). */
declare const __BACKEND_DOUBLE__: boolean;
