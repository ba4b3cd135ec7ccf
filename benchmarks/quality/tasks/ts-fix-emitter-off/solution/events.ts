// A small typed event emitter for the editor's UI components.

export type Handler<T> = (payload: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof Events, Handler<any>[]>();

  on<K extends keyof Events>(name: K, handler: Handler<Events[K]>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler);
    this.handlers.set(name, list);
    return () => this.off(name, handler);
  }

  once<K extends keyof Events>(name: K, handler: Handler<Events[K]>): () => void {
    const wrapper: Handler<Events[K]> = (payload) => {
      this.off(name, wrapper);
      handler(payload);
    };
    return this.on(name, wrapper);
  }

  off<K extends keyof Events>(name: K, handler: Handler<Events[K]>): void {
    const list = this.handlers.get(name);
    if (list === undefined) return;
    const index = list.indexOf(handler);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.handlers.delete(name);
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    for (const handler of [...(this.handlers.get(name) ?? [])]) handler(payload);
  }

  listenerCount(name: keyof Events): number {
    return this.handlers.get(name)?.length ?? 0;
  }
}

export interface EditorEvents extends Record<string, unknown> {
  change: { text: string };
  save: { path: string };
}

export function createEditorEvents(): Emitter<EditorEvents> {
  return new Emitter<EditorEvents>();
}
