// The life cycle of a web-shop order as a small state machine.

export type OrderState = "cart" | "placed" | "paid" | "shipped" | "delivered" | "cancelled";
export type OrderEvent = "place" | "pay" | "ship" | "deliver" | "cancel";

const TRANSITIONS: Record<OrderState, Partial<Record<OrderEvent, OrderState>>> = {
  cart: { place: "placed", cancel: "cancelled" },
  placed: { pay: "paid", cancel: "cancelled" },
  paid: { ship: "shipped", cancel: "cancelled" },
  shipped: { deliver: "delivered" },
  delivered: {},
  cancelled: {},
};

export class InvalidTransition extends Error {
  constructor(
    public readonly state: OrderState,
    public readonly event: OrderEvent,
  ) {
    super(`cannot ${event} an order that is ${state}`);
    this.name = "InvalidTransition";
  }
}

export interface HistoryEntry {
  from: OrderState;
  to: OrderState;
  event: OrderEvent;
}

export class Order {
  state: OrderState = "cart";
  readonly history: HistoryEntry[] = [];

  constructor(public readonly id: string) {}

  can(event: OrderEvent): boolean {
    return TRANSITIONS[this.state][event] !== undefined;
  }

  apply(event: OrderEvent): OrderState {
    const target = TRANSITIONS[this.state][event];
    if (target === undefined) throw new InvalidTransition(this.state, event);
    this.history.push({ from: this.state, to: target, event });
    this.state = target;
    return target;
  }

  isFinal(): boolean {
    return Object.keys(TRANSITIONS[this.state]).length === 0;
  }
}
