// Type declarations for Ferry's browser API: window.Ferry and the <ferry-uploader> element.
// The names are fixed by Ferry's interface contract (interfaces.md §4).

export {};

declare global {
  /** A task's state. `done`, `rapid` and `canceled` are final; `paused` and `failed` wait for the page. */
  type FerryTaskState =
    | "queued"
    | "hashing"
    | "beginning"
    | "uploading"
    | "confirming"
    | "done"
    | "rapid"
    | "paused"
    | "failed"
    | "canceled";

  /**
   * What went wrong: the server's `code` and `message` pass through. Brokered roles get the
   * function's provider-neutral codes (`AlreadyExists`, `QuotaExceeded`, `InvalidPath`,
   * `TypeNotAllowed`, `PolicyViolation`, `UploadNotFound`, …); direct roles also see SMH's own
   * (e.g. `SameNameDirectoryOrFileExists`).
   */
  interface FerryErrorInfo {
    code: string;
    message: string;
    /** The HTTP status, when a server answered. */
    status?: number;
    /** The server's request id, for support. */
    requestId?: string;
    /** The provider's own code beside a neutral one (e.g. `BadCrc64` beside `ChecksumMismatch`): for support and logs; act on `code`. */
    providerCode?: string;
  }

  /** A task snapshot: what `onProgress` receives, `task.snapshot()` returns and element events carry in `detail`. */
  interface FerryTaskSnapshot {
    id: string;
    name: string;
    /** The full target path (the token's pathPrefix joined with the page's path); the final one once a rename is known. */
    path: string;
    size: number;
    state: FerryTaskState;
    /** Acknowledged bytes plus in-flight bytes already sent. */
    loaded: number;
    /** 0..1; never decreases for a task. */
    fraction: number;
    /** Smoothed upload speed; null until known. */
    bytesPerSecond: number | null;
    /** Estimated seconds left; null until known. */
    etaSeconds: number | null;
    error?: FerryErrorInfo;
  }

  /** What `task.done` resolves to. */
  interface FerryUploadResult {
    /** The final path, after any rename, e.g. "/users/u/uploads/a (1).bin". */
    path: string;
    name: string;
    size: number;
    /** The file's CRC-64 (CRC-64/XZ), as a decimal string. */
    crc64: string;
    eTag: string;
    /** True when quick upload completed it with no bytes sent. */
    rapid: boolean;
  }

  type FerryConflict = "ask" | "rename" | "overwrite";

  interface FerryUploadOptions {
    /** Target path relative to the caller's area, e.g. "/uploads/a.bin". Default: "/" + file.name. */
    path?: string;
    /** What to do when the name is taken. */
    conflict?: FerryConflict;
    /** Called with every snapshot of this task. */
    onProgress?: (snapshot: FerryTaskSnapshot) => void;
    /** SMH labels. */
    labels?: string[];
    /** `x-smh-meta-*` metadata. */
    meta?: Record<string, string>;
  }

  interface FerryClientOptions {
    /** URL of the token function's POST /v1/token (absolute, or relative to the page). */
    tokenUrl: string;
    /** Returns request headers for the token function, e.g. `{Authorization: "Bearer …"}`; called whenever the engine needs a token. */
    getHeaders?: () => Promise<Record<string, string> | Headers> | Record<string, string>;
    /** Whether token-function requests carry cookies. Default "omit". */
    credentials?: "omit" | "include";
    /** Parts in flight in total, across all files. Default 4. */
    concurrency?: number;
    /** Files uploading at once. Default 2. */
    parallelFiles?: number;
    /** Part size in bytes (grown so a file needs at most 10,000 parts). Default 8 MiB. */
    partSize?: number;
    /** Quick upload by hash for files of 1 MiB and more. Default true. */
    quickUpload?: boolean;
    /** "local": read every part in the page and check its CRC-64 against the data plane's answer. By default a part's CRC-64 is the one the data plane answers (checked at completion; a resume still checks kept parts against the local file). */
    verify?: "local";
  }

  /** The error `task.done` rejects with when a task fails or is canceled. */
  interface FerryError extends Error {
    name: "FerryError";
    code: string;
    snapshot?: FerryTaskSnapshot;
  }

  interface FerryTask {
    readonly id: string;
    readonly state: FerryTaskState;
    pause(): void;
    /** Continues a paused task. */
    resume(): void;
    /** Continues a failed task from where it stopped. */
    retry(): void;
    /** Stops for good and deletes the server's upload task. */
    cancel(): void;
    snapshot(): FerryTaskSnapshot;
    /**
     * Resolves when the file is stored. Rejects with a FerryError when the task fails or is
     * canceled; `retry()` and `resume()` arm a new `done`.
     */
    readonly done: Promise<FerryUploadResult>;
  }

  /** An upload a reload interrupted. */
  interface FerryRestorable {
    id: string;
    name: string;
    path: string;
    size: number;
    lastModified: number;
    fraction: number;
    /** Whether the engine still has the file (today always false: pick it again). */
    hasFile?: boolean;
    /**
     * Continues with the same file. A file whose name, size or lastModified differ is refused
     * (the task fails with code `FileChanged`); parts already sent are checked against their
     * stored CRC-64 and re-sent when they no longer match.
     */
    resume(file: File, options?: FerryUploadOptions): FerryTask;
    /**
     * Forgets this upload without its file: deletes its checkpoint and the server's upload
     * task. Rejects with a FerryError: `Busy` when a task here or another tab owns it,
     * `NotFound` when it is already gone.
     */
    forget(): Promise<void>;
  }

  interface FerryClient {
    upload(file: File | Blob, options?: FerryUploadOptions): FerryTask;
    restorable(): Promise<FerryRestorable[]>;
    /** DELETE /v1/token, and forget this user's checkpoints. */
    signOut(): Promise<void>;
    /** Stops the engine's worker; what waited for it to start fails with code `Closed`, and the next call starts a new one. */
    close(): void;
  }

  interface FerryStatic {
    readonly version: string;
    /** Where ferry.js was loaded from; wasm_exec.js, worker.js and ferry.wasm are loaded from here. */
    readonly baseURL: string;
    create(options: FerryClientOptions): Promise<FerryClient>;
    /** Adds or overrides the element's messages for a locale (keys as in the built-in "en"). */
    addLocale(name: string, strings: Record<string, unknown>): void;
    readonly locales: string[];
    /** "100MB" → 100000000, "8MiB" → 8388608. */
    parseSize(value: string | number): number | undefined;
  }

  /**
   * <ferry-uploader token-url path multiple accept max-size max-files conflict concurrency
   * parallel-files part-size locale quick-upload credentials theme>
   */
  interface FerryUploaderElement extends HTMLElement {
    /** Async function returning request headers for the token function. */
    getHeaders: FerryClientOptions["getHeaders"] | null;
    /** The JS API client behind the element. */
    readonly client: FerryClient;
    /** The tasks in the list, in order. */
    readonly tasks: FerryTask[];
    /** Adds files as if picked (restrictions apply); returns the tasks started. */
    addFiles(files: Iterable<File> | ArrayLike<File>): FerryTask[];
    pauseAll(): void;
    resumeAll(): void;
    retryFailed(): void;
    cancelAll(): void;
    clearFinished(): void;
    addEventListener<K extends keyof FerryUploaderEventMap>(type: K, listener: (this: FerryUploaderElement, ev: FerryUploaderEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
    addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  }

  /** DOM events of the element: bubbling CustomEvents whose detail is a task snapshot. */
  interface FerryUploaderEventMap extends HTMLElementEventMap {
    "ferry-state": CustomEvent<FerryTaskSnapshot>;
    "ferry-progress": CustomEvent<FerryTaskSnapshot>;
    "ferry-complete": CustomEvent<FerryTaskSnapshot>;
    "ferry-error": CustomEvent<FerryTaskSnapshot>;
  }

  interface HTMLElementTagNameMap {
    "ferry-uploader": FerryUploaderElement;
  }

  interface Window {
    Ferry: FerryStatic;
  }

  var Ferry: FerryStatic;
}
