"""Names JavaScript and TypeScript code may use without declaring them: the language's
built-ins, and the globals of browsers, Node.js, Deno, Bun, web workers and the common test
runners. A name here is never reported as undefined (``names.py``), so the list errs on the
side of more."""

from __future__ import annotations

_NAMES = """
    undefined NaN Infinity globalThis arguments eval isFinite isNaN parseFloat parseInt
    decodeURI decodeURIComponent encodeURI encodeURIComponent escape unescape
    Object Function Array Number Boolean String Symbol BigInt Math JSON Date RegExp Error
    AggregateError EvalError RangeError ReferenceError SyntaxError TypeError URIError
    Promise Proxy Reflect Map Set WeakMap WeakSet WeakRef FinalizationRegistry ArrayBuffer
    SharedArrayBuffer DataView Atomics Int8Array Uint8Array Uint8ClampedArray Int16Array
    Uint16Array Int32Array Uint32Array Float16Array Float32Array Float64Array BigInt64Array
    BigUint64Array Intl Iterator AsyncIterator Temporal SuppressedError DisposableStack
    AsyncDisposableStack WebAssembly
    console window self document navigator location history screen frames parent top opener
    localStorage sessionStorage indexedDB caches crypto performance origin name status
    alert confirm prompt print open close focus blur postMessage queueMicrotask
    structuredClone reportError setTimeout clearTimeout setInterval clearInterval
    setImmediate clearImmediate requestAnimationFrame cancelAnimationFrame
    requestIdleCallback cancelIdleCallback atob btoa fetch getComputedStyle matchMedia
    scrollTo scrollBy createImageBitmap customElements visualViewport devicePixelRatio
    innerWidth innerHeight outerWidth outerHeight scrollX scrollY pageXOffset pageYOffset
    addEventListener removeEventListener dispatchEvent isSecureContext crossOriginIsolated
    Headers Request Response FormData URL URLSearchParams URLPattern Blob File FileReader
    FileList AbortController AbortSignal Event EventTarget CustomEvent ErrorEvent
    MessageEvent CloseEvent ProgressEvent KeyboardEvent MouseEvent PointerEvent TouchEvent
    FocusEvent InputEvent WheelEvent DragEvent ClipboardEvent AnimationEvent
    TransitionEvent SubmitEvent PopStateEvent HashChangeEvent StorageEvent
    MessageChannel MessagePort BroadcastChannel Worker SharedWorker ServiceWorker
    WebSocket EventSource XMLHttpRequest TextEncoder TextDecoder TextEncoderStream
    TextDecoderStream ReadableStream WritableStream TransformStream ByteLengthQueuingStrategy
    CountQueuingStrategy CompressionStream DecompressionStream DOMException DOMParser
    XMLSerializer Node Element HTMLElement SVGElement Document DocumentFragment
    ShadowRoot Text Comment Attr NodeList HTMLCollection NodeFilter Range Selection
    MutationObserver IntersectionObserver ResizeObserver PerformanceObserver Image Audio
    Option HTMLInputElement HTMLButtonElement HTMLFormElement HTMLCanvasElement
    HTMLImageElement HTMLAnchorElement HTMLDivElement HTMLSpanElement HTMLSelectElement
    HTMLTextAreaElement HTMLTemplateElement HTMLVideoElement HTMLAudioElement
    HTMLMediaElement HTMLIFrameElement HTMLScriptElement HTMLStyleElement HTMLTableElement
    CanvasRenderingContext2D OffscreenCanvas ImageData ImageBitmap Path2D WebGLRenderingContext
    WebGL2RenderingContext AudioContext OfflineAudioContext MediaStream MediaRecorder
    Notification Geolocation Clipboard ClipboardItem Crypto CryptoKey SubtleCrypto
    Cache CacheStorage IDBFactory IDBDatabase IDBKeyRange Storage Location History
    Navigator Screen Window CSS CSSStyleSheet CSSStyleDeclaration FontFace Intl
    Permissions PushManager Touch DOMRect DOMPoint DOMMatrix StaticRange TreeWalker
    NamedNodeMap XPathResult IdleDeadline ReadableStreamDefaultReader
    global process Buffer require module exports __dirname __filename setImmediate
    Deno Bun importScripts WorkerGlobalScope DedicatedWorkerGlobalScope ServiceWorkerGlobalScope
    describe it test expect jest vi vitest beforeEach afterEach beforeAll afterAll before
    after suite context specify xit xdescribe fit fdescribe pending fail spyOn jasmine
    sinon chai assert cy Cypress browser chrome $ jQuery _
"""
JS_GLOBALS = frozenset(_NAMES.split())
